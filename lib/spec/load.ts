/**
 * Loading specs: YAML/JSON text -> validated documents, or every problem with its field path.
 * Nothing here writes files; callers validate everything before they touch the disk.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ValueError } from '@sinclair/typebox/errors';
import { DocumentSchema, ModelServingDocument, API_VERSION, KIND } from './schema/spec';
import { SpecError, SpecIssue, pointerToPath } from './errors';
import { checkRules } from './rules';

/** Largest spec file accepted (a model spec is a few KiB; this stops accidental or hostile input early). */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** YAML aliases allowed per document (stops "billion laughs" alias bombs). */
export const MAX_ALIASES = 100;
const MAX_ISSUES = 50;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const compiled = TypeCompiler.Compile(DocumentSchema);

/** A validated document and where it came from. */
export interface LoadedSpec {
  readonly document: ModelServingDocument;
  readonly file?: string;
  /** 1-based position of the document in its file. */
  readonly index: number;
}

function describeSchemaError(e: ValueError): string {
  const s = e.schema as Record<string, any>;
  const literals: unknown[] | undefined = Array.isArray(s.anyOf) && s.anyOf.every((x: any) => 'const' in x)
    ? s.anyOf.map((x: any) => x.const) : undefined;
  if (literals) return `must be one of: ${literals.join(', ')} (got ${JSON.stringify(e.value)})`;
  if ('const' in s) return `must be ${JSON.stringify(s.const)} (got ${JSON.stringify(e.value)})`;
  if (Array.isArray(s.anyOf) && s.anyOf.some((x: any) => x.format === 'quantity')) {
    return `must be a Kubernetes quantity such as 500m, 4 or 8Gi (got ${JSON.stringify(e.value)})`;
  }
  if (Array.isArray(s.anyOf)) return `${e.message} (got ${JSON.stringify(e.value)})`;
  if (e.message === 'Unexpected property') return 'unknown field';
  if (s.pattern && typeof e.value === 'string') {
    const what = s.description ? ` (${String(s.description).split('.')[0]})` : '';
    return `"${e.value}" does not match the required pattern ${s.pattern}${what}`;
  }
  if (s.maxLength !== undefined && typeof e.value === 'string' && e.value.length > s.maxLength) {
    return `must be at most ${s.maxLength} characters (got ${e.value.length})`;
  }
  return e.message.replace(/^Expected/, 'must be') + (typeof e.value === 'object' ? '' : ` (got ${JSON.stringify(e.value)})`);
}

function findForbiddenKeys(value: unknown, path: string, out: SpecIssue[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => findForbiddenKeys(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const p = path ? `${path}.${key}` : key;
      if (FORBIDDEN_KEYS.has(key)) out.push({ path: p, message: `key "${key}" is not allowed` });
      else findForbiddenKeys((value as Record<string, unknown>)[key], p, out);
    }
  }
}

/** Validates one parsed document: envelope, schema, then cross-field rules. Returns every issue. */
export function validateDocument(raw: unknown): SpecIssue[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return [{ path: '', message: `a document must be a mapping with apiVersion: ${API_VERSION} and kind: ${KIND}` }];
  }
  const issues: SpecIssue[] = [];
  findForbiddenKeys(raw, '', issues);
  if (issues.length) return issues;
  const doc = raw as Record<string, unknown>;
  if (doc.apiVersion !== API_VERSION) issues.push({ path: 'apiVersion', message: `must be ${API_VERSION} (got ${JSON.stringify(doc.apiVersion)})` });
  if (doc.kind !== KIND) issues.push({ path: 'kind', message: `must be ${KIND} (got ${JSON.stringify(doc.kind)})` });
  if (issues.length) return issues;
  const seen = new Set<string>();
  for (const e of compiled.Errors(raw)) {
    const path = pointerToPath(e.path);
    const message = describeSchemaError(e);
    if (seen.has(`${path}\0${message}`)) continue;
    seen.add(`${path}\0${message}`);
    issues.push({ path, message });
    if (issues.length >= MAX_ISSUES) break;
  }
  if (issues.length) return issues;
  return checkRules(raw as ModelServingDocument);
}

/** Parses YAML or JSON text with one or more documents; throws SpecError with every problem. */
export function parseSpecs(text: string, file?: string): LoadedSpec[] {
  if (Buffer.byteLength(text, 'utf8') > MAX_SPEC_BYTES) {
    throw new SpecError([{ path: '', message: `file is larger than ${MAX_SPEC_BYTES} bytes; a spec is a few KiB` }], file);
  }
  if (text.trim() === '') throw new SpecError([{ path: '', message: 'file is empty: expected at least one ModelServing document' }], file);
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, strict: true });
  const all: SpecIssue[] = [];
  const loaded: LoadedSpec[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  const multi = list.filter((d) => d.contents !== null).length > 1;
  list.forEach((d, i) => {
    const where = multi ? `document ${i + 1}: ` : '';
    if (d.errors.length) {
      for (const err of d.errors) {
        const pos = err.linePos?.[0];
        all.push({ path: '', message: `${where}YAML syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${err.message.split('\n')[0]}` });
      }
      return;
    }
    if (d.contents === null) return; // an empty document, e.g. after a trailing '---'
    let raw: unknown;
    try {
      raw = d.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      all.push({ path: '', message: `${where}${(e as Error).message} (YAML aliases are limited to ${MAX_ALIASES})` });
      return;
    }
    const issues = validateDocument(raw);
    all.push(...issues.map((x) => ({ path: x.path, message: multi ? `${where.trim()} ${x.message}` : x.message })));
    if (!issues.length) loaded.push({ document: raw as ModelServingDocument, file, index: i + 1 });
  });
  if (!all.length && !loaded.length) all.push({ path: '', message: 'file has no documents: expected at least one ModelServing document' });
  if (all.length) throw new SpecError(all, file);
  return loaded;
}

/** Reads and validates one spec file (YAML or JSON). Throws SpecError naming the file. */
export function loadSpecFile(file: string): LoadedSpec[] {
  let text: string;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new SpecError([{ path: '', message: 'is not a file' }], file);
    if (st.size > MAX_SPEC_BYTES) throw new SpecError([{ path: '', message: `file is larger than ${MAX_SPEC_BYTES} bytes; a spec is a few KiB` }], file);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof SpecError) throw e;
    throw new SpecError([{ path: '', message: `cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }], file);
  }
  return parseSpecs(text, file);
}

/** Loads every spec of every file; collects the problems of all files before throwing one SpecError. */
export function loadModelSpecs(...files: string[]): ModelServingDocument[] {
  const errors: SpecError[] = [];
  const docs: ModelServingDocument[] = [];
  for (const f of files) {
    try {
      docs.push(...loadSpecFile(f).map((l) => l.document));
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length) throw new SpecError(errors.flatMap((e) => e.issues.map((i) => ({ ...i, file: i.file ?? e.file }))));
  return docs;
}
