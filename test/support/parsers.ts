/**
 * Small parsers so tests read generated config files back instead of matching strings:
 * - protobuf text format (Triton config.pbtxt, TF Serving models.config / batching / monitoring files);
 * - Java properties (TorchServe config.properties).
 */

/** An enum value of the text format (an identifier such as KIND_GPU), as opposed to a quoted string. */
export class EnumValue {
  constructor(readonly name: string) {}
}

export type TextValue = string | number | boolean | EnumValue | TextMessage;
/** A message: every field name maps to all its values, in order (repeated fields and lists alike). */
export interface TextMessage {
  [field: string]: TextValue[];
}

type Token = { kind: 'punct' | 'string' | 'number' | 'ident'; text: string; pos: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if ('{}[]:,;<>'.includes(c)) { tokens.push({ kind: 'punct', text: c, pos: i }); i++; continue; }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') {
          const e = text[j + 1];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          j += 2;
        } else {
          s += text[j++];
        }
      }
      if (j >= text.length) throw new Error(`unterminated string at ${i}`);
      tokens.push({ kind: 'string', text: s, pos: i });
      i = j + 1;
      continue;
    }
    const num = /^-?(\d+(\.\d*)?([eE][-+]?\d+)?|\.\d+)/.exec(text.slice(i));
    if (num) { tokens.push({ kind: 'number', text: num[0], pos: i }); i += num[0].length; continue; }
    const id = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i));
    if (id) { tokens.push({ kind: 'ident', text: id[0], pos: i }); i += id[0].length; continue; }
    throw new Error(`unexpected character ${JSON.stringify(c)} at ${i}`);
  }
  return tokens;
}

/** Parses protobuf text format into nested messages. Throws on anything malformed. */
export function parseTextProto(text: string): TextMessage {
  const tokens = tokenize(text);
  let k = 0;
  const peek = () => tokens[k];
  const take = (expected?: string): Token => {
    const t = tokens[k++];
    if (!t) throw new Error(`unexpected end of input${expected ? `, expected ${expected}` : ''}`);
    if (expected !== undefined && t.text !== expected) throw new Error(`expected ${expected} at ${t.pos}, got ${JSON.stringify(t.text)}`);
    return t;
  };
  const scalar = (t: Token): TextValue => {
    if (t.kind === 'string') {
      // adjacent strings concatenate
      let s = t.text;
      while (peek()?.kind === 'string') s += take().text;
      return s;
    }
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'ident') return t.text === 'true' ? true : t.text === 'false' ? false : new EnumValue(t.text);
    throw new Error(`expected a value at ${t.pos}, got ${JSON.stringify(t.text)}`);
  };
  const message = (close?: string): TextMessage => {
    const msg: TextMessage = {};
    for (;;) {
      const t = peek();
      if (!t) {
        if (close) throw new Error(`missing ${close}`);
        return msg;
      }
      if (close && t.text === close) { k++; return msg; }
      if (t.kind === 'punct' && (t.text === ',' || t.text === ';')) { k++; continue; }
      if (t.kind !== 'ident') throw new Error(`expected a field name at ${t.pos}, got ${JSON.stringify(t.text)}`);
      const name = take().text;
      const values = (msg[name] ??= []);
      if (peek()?.text === ':') k++;
      values.push(...value());
    }
  };
  const single = (): TextValue => {
    const t = take();
    if (t.text === '{') return message('}');
    if (t.text === '<') return message('>');
    return scalar(t);
  };
  const value = (): TextValue[] => {
    if (peek()?.text !== '[') return [single()];
    k++;
    const out: TextValue[] = [];
    while (peek()?.text !== ']') {
      out.push(single());
      if (peek()?.text === ',') k++;
    }
    k++;
    return out;
  };
  return message();
}

/** All values of `name` in `msg` (empty when absent). */
export function fields(msg: TextMessage, name: string): TextValue[] {
  return msg[name] ?? [];
}

/** The one value at a dotted path (`model_version_policy.specific`); throws unless exactly one exists at each step. */
export function field(msg: TextMessage, path: string): TextValue {
  let cur: TextValue = msg;
  for (const part of path.split('.')) {
    if (typeof cur !== 'object' || cur instanceof EnumValue) throw new Error(`${path}: ${part} is not inside a message`);
    const vs: TextValue[] = cur[part] ?? [];
    if (vs.length !== 1) throw new Error(`${path}: expected one ${part}, found ${vs.length}`);
    cur = vs[0];
  }
  return cur;
}

/** Parses Java properties (java.util.Properties#load rules: separators, comments, continuations, escapes). */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // a line ending in an odd number of backslashes continues on the next line
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i].replace(/^[ \t\f]+/, '');
    }
    let j = 0;
    let key = '';
    while (j < line.length && !'=: \t\f'.includes(line[j])) {
      if (line[j] === '\\') { key += unescape(line[j + 1]); j += 2; } else key += line[j++];
    }
    while (j < line.length && ' \t\f'.includes(line[j])) j++;
    if (line[j] === '=' || line[j] === ':') j++;
    while (j < line.length && ' \t\f'.includes(line[j])) j++;
    let value = '';
    while (j < line.length) {
      if (line[j] === '\\') {
        if (line[j + 1] === 'u') { value += String.fromCharCode(parseInt(line.slice(j + 2, j + 6), 16)); j += 6; } else { value += unescape(line[j + 1]); j += 2; }
      } else value += line[j++];
    }
    out.set(key, value);
  }
  return out;
}

function unescape(c: string | undefined): string {
  return c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'f' ? '\f' : (c ?? '');
}
