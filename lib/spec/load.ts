/**
 * Loading specs: YAML/JSON text -> validated documents, or every problem with its field path.
 * Nothing here writes files; callers validate everything before they touch the disk.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
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

/** Options of validation that are not part of the spec file. */
export interface ValidateOptions {
  /** Target Kubernetes version (MAJOR.MINOR). @default - DEFAULT_KUBE_VERSION (lib/spec/kube-version.ts) */
  readonly kubeVersion?: string;
}

/** A validated document and where it came from. */
export interface LoadedSpec {
  readonly document: ModelServingDocument;
  readonly file?: string;
  /** 1-based position of the document in its file. */
  readonly index: number;
}

const got = (v: unknown) => (v === undefined || (typeof v === 'object' && v !== null) ? '' : ` (got ${JSON.stringify(v)})`);

function describeSchemaError(e: ValueError): string {
  const s = e.schema as Record<string, any>;
  const T = ValueErrorType;
  if (Array.isArray(s.anyOf) && s.anyOf.every((x: any) => 'const' in x)) {
    return `must be one of: ${s.anyOf.map((x: any) => x.const).join(', ')}${got(e.value)}`;
  }
  if (Array.isArray(s.anyOf) && s.anyOf.some((x: any) => x.format === 'quantity')) {
    return `must be a Kubernetes quantity such as 500m, 4 or 8Gi${got(e.value)}`;
  }
  const what = s.description ? ` (${String(s.description).split(/\. |\.$| @default/)[0]})` : '';
  switch (e.type) {
    case T.ObjectAdditionalProperties: return 'unknown field';
    case T.ObjectRequiredProperty: return 'is required';
    case T.Literal: return `must be ${JSON.stringify(s.const)}${got(e.value)}`;
    case T.StringPattern: return `${JSON.stringify(e.value)} does not match ${s.pattern}${what}`;
    case T.StringMaxLength: return `must be at most ${s.maxLength} characters (got ${String(e.value).length})`;
    case T.StringMinLength: return `must be at least ${s.minLength} character${s.minLength === 1 ? '' : 's'}`;
    case T.IntegerMinimum: case T.NumberMinimum: return `must be >= ${s.minimum}${got(e.value)}`;
    case T.IntegerMaximum: case T.NumberMaximum: return `must be <= ${s.maximum}${got(e.value)}`;
    case T.IntegerExclusiveMinimum: case T.NumberExclusiveMinimum: return `must be > ${s.exclusiveMinimum}${got(e.value)}`;
    case T.IntegerExclusiveMaximum: case T.NumberExclusiveMaximum: return `must be < ${s.exclusiveMaximum}${got(e.value)}`;
    case T.Integer: return `must be a whole number${got(e.value)}`;
    case T.Number: return `must be a number${got(e.value)}`;
    case T.String: return `must be a string${got(e.value)}`;
    case T.Boolean: return `must be true or false${got(e.value)}`;
    case T.Object: return `must be a mapping${got(e.value)}`;
    case T.Array: return `must be a list${got(e.value)}`;
    case T.ArrayMinItems: return `must have at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`;
    case T.ArrayUniqueItems: return 'must not repeat an item';
    case T.StringFormat: return `must be a ${s.format}${got(e.value)}`;
    default: return `${e.message.replace(/^Expected/, 'must be')}${got(e.value)}`;
  }
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
export function validateDocument(raw: unknown, options: ValidateOptions = {}): SpecIssue[] {
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
  // Check() runs the compiled validator; Errors() walks the schema interpretively, so it runs only on failure
  for (const e of compiled.Check(raw) ? [] : compiled.Errors(raw)) {
    const path = pointerToPath(e.path);
    const message = describeSchemaError(e);
    if (seen.has(`${path}\0${message}`)) continue;
    seen.add(`${path}\0${message}`);
    issues.push({ path, message });
    if (issues.length >= MAX_ISSUES) break;
  }
  if (issues.length) return issues;
  return checkRules(raw as ModelServingDocument, options);
}

/** Parses YAML or JSON text with one or more documents; throws SpecError with every problem. */
export function parseSpecs(text: string, file?: string, options: ValidateOptions = {}): LoadedSpec[] {
  if (Buffer.byteLength(text, 'utf8') > MAX_SPEC_BYTES) {
    throw new SpecError([{ path: '', message: `file is larger than ${MAX_SPEC_BYTES} bytes; a spec is a few KiB` }], file);
  }
  if (text.trim() === '') throw new SpecError([{ path: '', message: 'file is empty: expected at least one ModelServing document' }], file);
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  const all: SpecIssue[] = [];
  const loaded: LoadedSpec[] = [];
  const list = Array.isArray(docs) ? docs : [docs];
  const multi = list.length > 1;
  list.forEach((d, i) => {
    // in a file of several documents, an issue names its document next to the file
    const docFile = multi && file !== undefined ? `${file} (document ${i + 1})` : file;
    const push = (path: string, message: string) => all.push({ path, message, ...(docFile !== undefined ? { file: docFile } : {}) });
    if (d.errors.length) {
      for (const err of d.errors) {
        const pos = err.linePos?.[0];
        push('', `YAML syntax error${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`);
      }
      return;
    }
    let raw: unknown;
    try {
      raw = d.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      push('', `${(e as Error).message} (YAML aliases are limited to ${MAX_ALIASES})`);
      return;
    }
    if (raw === null || raw === undefined) return; // an empty document, e.g. after a trailing '---'
    const issues = validateDocument(raw, options);
    for (const x of issues) push(x.path, x.message);
    if (!issues.length) loaded.push({ document: raw as ModelServingDocument, file, index: i + 1 });
  });
  if (!all.length && !loaded.length) all.push({ path: '', message: 'file has no documents: expected at least one ModelServing document' });
  if (all.length) throw new SpecError(all, file);
  return loaded;
}

/** Reads and validates one spec file (YAML or JSON). Throws SpecError naming the file. */
export function loadSpecFile(file: string, options: ValidateOptions = {}): LoadedSpec[] {
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
  return parseSpecs(text, file, options);
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
