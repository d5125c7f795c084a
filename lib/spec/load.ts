/**
 * Loading specs: YAML/JSON text -> validated documents, or every problem with its field path.
 * Nothing here writes files; callers validate everything before they touch the disk.
 */
import { openSync, fstatSync, readSync, closeSync, constants } from 'node:fs';
import { parseAllDocuments, isScalar } from 'yaml';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { DocumentSchema, ModelServingDocument, API_VERSION, KIND } from './schema/spec';
import { SpecError, SpecIssue, pointerToPath, pointerSegments, describeValue } from './errors';
import { checkRules, RULES, RUNTIME_RULE, RUNTIME_RULE_INPUTS } from './rules';
import { runRulesOnPartial } from './partial';
import { applyNamespace } from './namespace';
import { INT32_MAX, INT64_SAFE_MAX } from './schema/common';

/** Largest spec file accepted (a model spec is a few KiB; this stops accidental or hostile input early). */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** YAML aliases allowed per document (stops "billion laughs" alias bombs). */
export const MAX_ALIASES = 100;
const TOO_LARGE = `file is larger than ${MAX_SPEC_BYTES} bytes; a spec is a few KiB`;
const MAX_ISSUES = 50;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const compiled = TypeCompiler.Compile(DocumentSchema);

/** Options of validation that are not part of the spec file. */
export interface ValidateOptions {
  /** Target Kubernetes version (MAJOR.MINOR). @default - DEFAULT_KUBE_VERSION (lib/spec/kube-version.ts) */
  readonly kubeVersion?: string;
}

/** Options of loading: validation options, and what the CLI overrides in every document. */
export interface LoadOptions extends ValidateOptions {
  /** Sets metadata.namespace of every document before validation (the CLI's --namespace). @default - each document's own */
  readonly namespace?: string;
}

/** A validated document and where it came from. */
export interface LoadedSpec {
  readonly document: ModelServingDocument;
  readonly file?: string;
  /** 1-based position of the document in its file. */
  readonly index: number;
}

/** The text the user wrote at a JSON pointer, when the parser kept it (YAML scalars). */
export type SourceOf = (pointer: string) => string | undefined;

/** Optimal string alignment distance (Levenshtein with adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known field an unknown one was probably meant to be (`replica` -> `replicas`), if one is close. */
export function didYouMean(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const dist = editDistance(lower, k.toLowerCase());
    if (dist < bestDistance) [best, bestDistance] = [k, dist];
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(Math.min(unknown.length, best.length) / 3)) ? best : undefined;
}

/**
 * A field of this name one or two objects further down (`spec.minReplicas` is `spec.autoscaling.minReplicas`),
 * as a relative pointer; only when exactly one object has it.
 */
function nestedField(s: Record<string, any>, key: string): string | undefined {
  const found: string[] = [];
  const walk = (node: Record<string, any> | undefined, prefix: string, depth: number): void => {
    if (!node || depth > 2) return;
    for (const v of node.anyOf ?? []) walk(v, prefix, depth);
    for (const [k, child] of Object.entries<Record<string, any>>(node.properties ?? {})) {
      if (depth > 0 && k === key) found.push(`${prefix}${k}`);
      if (child.type === 'object' || child.anyOf) walk(child, `${prefix}${k}/`, depth + 1);
    }
  };
  walk(s, '', 0);
  return found.length === 1 ? found[0] : undefined;
}

const enumValues = (s: Record<string, any>): unknown[] | undefined =>
  Array.isArray(s.anyOf) && s.anyOf.length && s.anyOf.every((x: any) => 'const' in x) ? s.anyOf.map((x: any) => x.const) : undefined;

/** How messages name a JSON Schema type, or the JavaScript type of a value. */
const TYPE_NAMES: Record<string, string> = {
  integer: 'a whole number', number: 'a number', bigint: 'a number', string: 'a string', boolean: 'true or false', object: 'a mapping', array: 'a list',
};

/** How a message names one variant of a union. */
function variantName(v: Record<string, any>): string {
  if (v.type === 'string' && v.pattern === '^[0-9]+%$') return 'a percentage such as 25%';
  return TYPE_NAMES[v.type] ?? 'another form';
}

/**
 * Fields whose values may be secrets whatever their type (an env literal, a server argument): an error there
 * names the type of the value, never the value (lib/spec/rules-secrets.ts names them by field too).
 */
const SECRET_VALUE_PATH = /^spec\.(env(\[\d+\](\.value)?)?|extraArgs(\[\d+\])?)$/;

/** `a number`, `a string`, ...: what a value is, without showing it. */
function valueType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return TYPE_NAMES.array;
  return TYPE_NAMES[typeof v] ?? typeof v;
}

function describeSchemaError(e: ValueError, sourceOf?: SourceOf): string {
  const s = e.schema as Record<string, any>;
  const T = ValueErrorType;
  const secret = SECRET_VALUE_PATH.test(pointerToPath(e.path));
  const show = (v: unknown, source?: string) => (secret ? valueType(v) : describeValue(v, source));
  const got = (v: unknown) => (v === undefined || (typeof v === 'object' && v !== null) ? '' : ` (got ${show(v, typeof v === 'number' ? sourceOf?.(e.path) : undefined)})`);
  if (e.type === T.ObjectRequiredProperty) {
    const choices = enumValues(s);
    return `is required${choices ? ` (one of: ${choices.join(', ')})` : ''}`;
  }
  if (e.type === T.ObjectAdditionalProperties) {
    const key = pointerSegments(e.path).pop() ?? '';
    const hint = didYouMean(key, Object.keys(s.properties ?? {}));
    if (hint) return `unknown field (did you mean "${hint}"?)`;
    const nested = nestedField(s, key);
    return nested ? `unknown field (did you mean ${pointerToPath(`${e.path.slice(0, e.path.lastIndexOf('/'))}/${nested}`)}?)` : 'unknown field';
  }
  const choices = enumValues(s);
  if (choices) {
    const hint = typeof e.value === 'string' ? didYouMean(e.value, choices.map(String)) : undefined;
    return `must be one of: ${choices.join(', ')}${hint ? ` (got ${show(e.value)}; did you mean "${hint}"?)` : got(e.value)}`;
  }
  const negative = (typeof e.value === 'string' && /^\s*-/.test(e.value)) || (typeof e.value === 'number' && e.value < 0);
  if (Array.isArray(s.anyOf) && s.anyOf.some((x: any) => x.format === 'quantity')) {
    return negative ? `must not be negative${got(e.value)}` : `must be a Kubernetes quantity such as 500m, 4 or 8Gi${got(e.value)}`;
  }
  if (e.type === T.Union && Array.isArray(s.anyOf)) {
    if (negative && typeof e.value === 'number' && s.anyOf.every((x: any) => x.minimum === undefined || x.minimum >= 0)) return `must not be negative${got(e.value)}`;
    return `must be ${s.anyOf.map(variantName).join(' or ')}${got(e.value)}`;
  }
  // the first sentence of the description ("e.g." and "i.e." do not end one)
  const what = s.description ? ` (${String(s.description).split(/(?<!\be\.g|\bi\.e)\. |\.$| @default/)[0]})` : '';
  const max = s.maximum === INT32_MAX ? `${INT32_MAX}, the largest Kubernetes integer (int32)`
    : s.maximum === INT64_SAFE_MAX ? `${INT64_SAFE_MAX} (2^53 - 1: larger whole numbers are not exact in YAML or JSON)` : s.maximum;
  switch (e.type) {
    case T.Literal: return `must be ${JSON.stringify(s.const)}${got(e.value)}`;
    case T.StringPattern: return `${secret ? 'the value' : JSON.stringify(e.value)} does not match ${s.pattern}${what}`;
    case T.StringMaxLength: return `must be at most ${s.maxLength} characters (got ${String(e.value).length})`;
    case T.StringMinLength: return `must be at least ${s.minLength} character${s.minLength === 1 ? '' : 's'}`;
    case T.IntegerMinimum: case T.NumberMinimum: return `must be >= ${s.minimum}${got(e.value)}`;
    case T.IntegerMaximum: case T.NumberMaximum: return `must be <= ${max}${got(e.value)}`;
    case T.IntegerExclusiveMinimum: case T.NumberExclusiveMinimum: return `must be > ${s.exclusiveMinimum}${got(e.value)}`;
    case T.IntegerExclusiveMaximum: case T.NumberExclusiveMaximum: return `must be < ${s.exclusiveMaximum}${got(e.value)}`;
    case T.Integer: return `must be a whole number${got(e.value)}`;
    case T.Number: return `must be a number${got(e.value)}`;
    case T.String: return `must be a string${got(e.value)}`;
    case T.Boolean: return `must be true or false${got(e.value)}`;
    case T.Object: return `must be a mapping${got(e.value)}`;
    case T.Array: return `must be a list${got(e.value)}`;
    case T.ArrayMinItems: return `must have at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`;
    case T.ArrayMaxItems: return `must have at most ${s.maxItems} item${s.maxItems === 1 ? '' : 's'}`;
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

/** Schema issues of a document, one per problem: a missing field is "is required", once. */
function schemaIssues(raw: unknown, sourceOf?: SourceOf): { issues: (SpecIssue & { unknownField?: boolean })[]; bad: string[] } {
  const issues: (SpecIssue & { unknownField?: boolean })[] = [];
  const bad: string[] = [];
  const seen = new Set<string>();
  const required = new Set<string>();
  for (const e of compiled.Errors(raw)) {
    if (required.has(e.path)) continue; // the missing field's own type error would repeat "is required"
    if (e.type === ValueErrorType.ObjectRequiredProperty) required.add(e.path);
    const path = pointerToPath(e.path);
    const message = describeSchemaError(e, sourceOf);
    if (seen.has(`${path}\0${message}`)) continue;
    seen.add(`${path}\0${message}`);
    const unknownField = e.type === ValueErrorType.ObjectAdditionalProperties;
    if (!unknownField) bad.push(e.path);
    issues.push({ path, message, ...(unknownField ? { unknownField } : {}) });
    if (issues.length >= MAX_ISSUES) break;
  }
  return { issues, bad };
}

const touches = (issues: readonly SpecIssue[], paths: readonly string[]) =>
  issues.some((i) => paths.some((p) => i.path === p || i.path.startsWith(`${p}.`) || i.path.startsWith(`${p}[`)));

/**
 * Validates one parsed document: envelope, schema, then cross-field rules, in one pass: on a document that
 * fails the schema, every rule that reads only well-formed fields still runs (lib/spec/partial.ts).
 * `sourceOf` gives the text the user wrote (to quote `1e309` rather than a parsed infinity).
 */
export function validateDocument(raw: unknown, options: ValidateOptions = {}, sourceOf?: SourceOf): SpecIssue[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return [{ path: '', message: `a document must be a mapping with apiVersion: ${API_VERSION} and kind: ${KIND}` }];
  }
  const issues: SpecIssue[] = [];
  findForbiddenKeys(raw, '', issues);
  if (issues.length) return issues;
  const doc = raw as Record<string, unknown>;
  if (doc.apiVersion !== API_VERSION) issues.push({ path: 'apiVersion', message: envelopeMessage(API_VERSION, doc.apiVersion) });
  if (doc.kind !== KIND) issues.push({ path: 'kind', message: envelopeMessage(KIND, doc.kind) });
  if (issues.length) {
    // a typo in the envelope of a spec: check the spec too, so that one run shows every problem
    const spec = doc.spec;
    if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return issues;
    return [...issues, ...validateDocument({ ...doc, apiVersion: API_VERSION, kind: KIND }, options, sourceOf)];
  }
  // Check() runs the compiled validator; Errors() walks the schema interpretively, so it runs only on failure
  if (compiled.Check(raw)) return checkRules(raw as ModelServingDocument, options);
  const schema = schemaIssues(raw, sourceOf);
  const rules = runRulesOnPartial(raw as ModelServingDocument, options, schema.bad, RULES, schema.issues);
  if (!touches([...schema.issues, ...rules], RUNTIME_RULE_INPUTS)) {
    rules.push(...runRulesOnPartial(raw as ModelServingDocument, options, schema.bad, [RUNTIME_RULE], schema.issues));
  }
  return [...schema.issues.map(({ path, message }) => ({ path, message })), ...rules];
}

/** `must be X (got Y)`, with the value it was probably meant to be when it is close. */
function envelopeMessage(want: string, got: unknown): string {
  const close = typeof got === 'string' && didYouMean(got, [want]) !== undefined;
  return `must be ${want} (got ${describeValue(got)}${close ? `; did you mean ${want}?` : ''})`;
}

/** The name of a document whose `metadata.name` passed validation (the other issues do not touch it). */
function validName(raw: unknown, issues: readonly SpecIssue[]): string | undefined {
  const name = (raw as { metadata?: { name?: unknown } } | null)?.metadata?.name;
  if (typeof name !== 'string') return undefined;
  return issues.some((i) => i.path === '' || i.path === 'metadata' || i.path === 'metadata.name' || i.path.startsWith('metadata.name')) ? undefined : name;
}

/** Parses YAML or JSON text with one or more documents; throws SpecError with every problem. */
export function parseSpecs(text: string, file?: string, options: LoadOptions = {}): LoadedSpec[] {
  if (Buffer.byteLength(text, 'utf8') > MAX_SPEC_BYTES) {
    throw new SpecError([{ path: '', message: TOO_LARGE }], file);
  }
  if (text.trim() === '') throw new SpecError([{ path: '', message: 'file is empty: expected at least one ModelServing document' }], file);
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true, strict: true });
  const all: SpecIssue[] = [];
  const loaded: LoadedSpec[] = [];
  const named: { name: string; file?: string; index: number }[] = [];
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
    if (options.namespace !== undefined) applyNamespace(raw, options.namespace);
    const sourceOf = (pointer: string) => {
      const node = d.getIn(pointerSegments(pointer), true);
      return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
    };
    const issues = validateDocument(raw, options, sourceOf);
    for (const x of issues) push(x.path, x.message);
    if (!issues.length) loaded.push({ document: raw as ModelServingDocument, file, index: i + 1 });
    const name = validName(raw, issues);
    if (name !== undefined) named.push({ name, ...(file !== undefined ? { file } : {}), index: i + 1 });
  });
  if (!all.length && !loaded.length) all.push({ path: '', message: 'file has no documents: expected at least one ModelServing document' });
  if (all.length) throw Object.assign(new SpecError(all, file), { named });
  return loaded;
}

/**
 * Reads at most `limit + 1` bytes from an open file descriptor: a file whose size the kernel does not
 * report (procfs, a pipe, stdin) is never read without bound. Returns undefined when there is more.
 */
export function readBounded(fd: number, limit: number): Buffer | undefined {
  const buf = Buffer.alloc(limit + 1);
  let off = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, off, buf.length - off, null);
    } catch (e) {
      // a non-blocking descriptor (a TTY or pipe some shells hand over): wait for data
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      continue;
    }
    if (n === 0) return buf.subarray(0, off);
    off += n;
    if (off > limit) return undefined;
  }
}

const ioIssue = (message: string): SpecIssue => ({ path: '', message, io: true });

/** Reads and validates one spec file (YAML or JSON). Throws SpecError naming the file. */
export function loadSpecFile(file: string, options: LoadOptions = {}): LoadedSpec[] {
  let text: string;
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat after open checks what was opened
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) throw new SpecError([ioIssue(st.isDirectory() ? 'is a directory, not a spec file' : 'is not a regular file')], file);
    if (st.size > MAX_SPEC_BYTES) throw new SpecError([{ path: '', message: TOO_LARGE }], file);
    const bytes = readBounded(fd, MAX_SPEC_BYTES);
    if (!bytes) throw new SpecError([{ path: '', message: TOO_LARGE }], file);
    text = bytes.toString('utf8');
  } catch (e) {
    if (e instanceof SpecError) throw e;
    throw new SpecError([ioIssue(`cannot read file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)], file);
  } finally {
    if (fd !== undefined) closeSync(fd);
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
