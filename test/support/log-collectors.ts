/**
 * The record-building logic of the two collectors, re-stated from their sources so that the generated patterns
 * can be run on real log lines with a real Oniguruma engine:
 * - Fluentd fluent-plugin-concat `lib/fluent/plugin/filter_concat.rb` (`process_regexp`, `flush_buffer`: lines
 *   joined with "\n"; with a start regexp a lone non-start line passes through; with only an end regexp every
 *   line is held until a line matches it).
 * - Fluent Bit `src/multiline/flb_ml_rule.c` (`flb_ml_rule_process`): in a continuation the rules reachable from
 *   the current state are tried (start rules skipped), then the start_state rules; a match on a start rule
 *   flushes the previous record; a line no rule matches flushes what is pending and is a record of its own.
 * Both flush what they hold at the end of the input (the collectors do so after their flush interval).
 */
import { OnigRegex } from './oniguruma';

export function concatFilter(lines: readonly string[], opts: { start?: string; end?: string }): string[] {
  const start = opts.start ? new OnigRegex(opts.start) : undefined;
  const end = opts.end ? new OnigRegex(opts.end) : undefined;
  const out: string[] = [];
  let buffer: string[] = [];
  const flush = () => { if (buffer.length) out.push(buffer.join('\n')); buffer = []; };
  for (const line of lines) {
    const first = start?.test(line) ?? false;
    const last = end?.test(line) ?? false;
    if (first) {
      flush();
      buffer.push(line);
      if (last) flush();
    } else if (last) {
      buffer.push(line);
      flush();
    } else if (!buffer.length) {
      if (!start) buffer.push(line);
      else out.push(line);
    } else {
      buffer.push(line);
    }
  }
  flush();
  return out;
}

export interface Rule { readonly state: string; readonly regex: string; readonly next: string }

export function fluentBitMultiline(lines: readonly string[], rules: readonly Rule[]): string[] {
  const compiled = rules.map((r) => ({ ...r, re: new OnigRegex(r.regex.replace(/^\/|\/$/g, '')) }));
  const out: string[] = [];
  let buffer: string[] = [];
  let state: (typeof compiled)[number] | undefined;
  const flush = () => { if (buffer.length) out.push(buffer.join('\n')); buffer = []; };
  for (const line of lines) {
    let rule: (typeof compiled)[number] | undefined;
    if (state) {
      rule = compiled.find((r) => r.state === state!.next && r.state !== 'start_state' && r.re.test(line));
      if (rule) buffer.push(line);
    }
    if (!rule) {
      rule = compiled.find((r) => r.state === 'start_state' && r.re.test(line));
      if (rule) { flush(); buffer.push(line); }
    }
    if (rule) {
      state = rule;
    } else {
      flush();
      out.push(line);
      state = undefined;
    }
  }
  flush();
  return out;
}

/** Parses the rules of a Fluent Bit [MULTILINE_PARSER] section (`rule "<state>" "/<regex>/" "<next>"`). */
export function rulesFromConf(conf: string): Rule[] {
  return [...conf.matchAll(/^\s*rule\s+"([^"]+)"\s+"\/(.*)\/"\s+"([^"]+)"\s*$/gm)].map((m) => ({ state: m[1], regex: m[2], next: m[3] }));
}

/** The regex values of the [PARSER] sections, in order. */
export function parsersFromConf(conf: string): string[] {
  return [...conf.matchAll(/^\s*regex\s+(.*)$/gm)].map((m) => m[1]);
}
