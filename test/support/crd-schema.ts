/**
 * Validates objects against the served `openAPIV3Schema` of an upstream CRD, as the API server's strict field
 * validation does: types, required fields, enums, formats of int-or-string, patterns, bounds, and unknown fields
 * refused (except under x-kubernetes-preserve-unknown-fields or a map's additionalProperties). CEL rules
 * (x-kubernetes-validations) and admission webhooks are not checked. The CRDs are read from ../shared/crds
 * (never copied into the project): `crdDirectory()` is undefined when that folder is absent, and tests skip.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

type Schema = Record<string, any>;

/** ../shared/crds beside the work tree, or undefined. */
export function crdDirectory(): string | undefined {
  const dir = join(process.cwd(), '..', 'shared', 'crds');
  return existsSync(dir) ? dir : undefined;
}

export const NO_CRDS = 'the upstream CRDs (../shared/crds) are not present on this machine';

const cache = new Map<string, Map<string, Schema>>();

/** `group/version Kind` -> the served version's openAPIV3Schema, for every CRD in a file. */
export function loadCrdSchemas(file: string): Map<string, Schema> {
  let m = cache.get(file);
  if (m) return m;
  m = new Map();
  for (const doc of readFileSync(file, 'utf8').split(/^---$/m).map((d) => parse(d)).filter(Boolean)) {
    for (const v of doc.spec.versions) {
      if (v.served) m.set(`${doc.spec.group}/${v.name} ${doc.spec.names.kind}`, v.schema.openAPIV3Schema);
    }
  }
  cache.set(file, m);
  return m;
}

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Every violation of `schema` by `value`, as `path: message`. */
export function schemaViolations(schema: Schema, value: unknown, path = ''): string[] {
  const out: string[] = [];
  const at = path || '(root)';
  if (schema['x-kubernetes-int-or-string']) {
    if (!['integer', 'string'].includes(typeOf(value))) out.push(`${at}: must be an integer or a string`);
    return out;
  }
  const t = schema.type;
  const actual = typeOf(value);
  if (t && !(t === actual || (t === 'number' && actual === 'integer'))) return [`${at}: must be ${t}, got ${actual}`];
  if (schema.enum && !schema.enum.includes(value)) out.push(`${at}: must be one of ${schema.enum.join(', ')}`);
  if (typeof value === 'string') {
    if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) out.push(`${at}: does not match ${schema.pattern}`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push(`${at}: longer than ${schema.maxLength}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) out.push(`${at}: shorter than ${schema.minLength}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) out.push(`${at}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) out.push(`${at}: above ${schema.maximum}`);
    if (schema.format === 'int32' && Math.abs(value) > 2147483647) out.push(`${at}: not an int32`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push(`${at}: more than ${schema.maxItems} items`);
    if (schema.minItems !== undefined && value.length < schema.minItems) out.push(`${at}: fewer than ${schema.minItems} items`);
    value.forEach((v, i) => out.push(...schemaViolations(schema.items ?? {}, v, `${path}[${i}]`)));
  }
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) if (!(r in obj)) out.push(`${path ? `${path}.` : ''}${r}: required`);
    for (const [k, v] of Object.entries(obj)) {
      const p = path ? `${path}.${k}` : k;
      if (schema.properties?.[k]) out.push(...schemaViolations(schema.properties[k], v, p));
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') out.push(...schemaViolations(schema.additionalProperties, v, p));
      else if (!schema['x-kubernetes-preserve-unknown-fields'] && !(path === '' && (k === 'apiVersion' || k === 'kind'))) out.push(`${p}: unknown field`);
    }
  }
  return out;
}

/** Violations of one object against its kind's CRD in ../shared/crds/<file>; undefined when the CRDs are absent. */
export function crdViolations(file: string, obj: Record<string, any>): string[] | undefined {
  const dir = crdDirectory();
  if (!dir) return undefined;
  const schema = loadCrdSchemas(join(dir, file)).get(`${obj.apiVersion} ${obj.kind}`);
  if (!schema) return [`${obj.apiVersion} ${obj.kind} is not served by ${file}`];
  // metadata is ObjectMeta (checked by the strict layer); the CRD schema only says `type: object`
  const { metadata: _m, ...rest } = obj;
  return schemaViolations({ ...schema, properties: { ...schema.properties, metadata: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }, rest);
}
