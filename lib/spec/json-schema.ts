/**
 * The JSON Schema of a spec document (`model-serving schema`, committed as model-serving.schema.json), for
 * editors through yaml-language-server and for any JSON Schema validator. It is the TypeBox schema with:
 * - closed choices as `enum` (editors list the choices on hover and completion);
 * - `default` keywords where a field's `@default - X` sentence names a plain value the field accepts;
 * - alternatives of different JSON types (a quantity: string or number) as `oneOf`, so hovers show the field's
 *   description rather than one title per alternative;
 * - no custom formats: the `quantity` format is a TypeBox check here; its `pattern` stays (plain ajv compiles the
 *   schema in strict mode, see test/json-schema.test.ts).
 */
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { DocumentSchema } from './schema/spec';

/**
 * The schema's `$id`: where the published package serves this file (jsDelivr's npm CDN), per minor release line.
 * test/json-schema.test.ts checks that it matches package.json.
 */
export const SCHEMA_ID = 'https://cdn.jsdelivr.net/npm/cdk8s-model-serving@0.1/model-serving.schema.json';

/** `@default - X` texts that describe an absence rather than a value. */
const NOT_A_VALUE = new Set(['none', 'off', 'unset', 'enabled', 'disabled']);

type S = Record<string, any>;

/** Every property name of the schema (a default such as `spec.image` names another field, not a value). */
function propertyNames(s: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(s)) s.forEach((x) => propertyNames(x, out));
  else if (s && typeof s === 'object') {
    const o = s as S;
    if (o.properties && typeof o.properties === 'object') for (const k of Object.keys(o.properties)) out.add(k);
    for (const v of Object.values(o)) propertyNames(v, out);
  }
  return out;
}
const FIELDS = propertyNames(DocumentSchema);

/** The value of a `@default - X` sentence when X is one plain value this schema node accepts. */
export function plainDefault(node: TSchema): { value: unknown } | undefined {
  const m = /@default - (.*)$/s.exec(String(node.description ?? ''));
  if (!m) return undefined;
  const text = m[1].trim().replace(/\.$/, '');
  if (NOT_A_VALUE.has(text.toLowerCase())) return undefined;
  if (FIELDS.has(text.split('.')[0]) && text.includes('.')) return undefined; // a reference such as spec.image
  const candidates: unknown[] = [];
  const list = /^\[([^\][]*)\]$/.exec(text);
  if (list) candidates.push(list[1].split(',').map((x) => x.trim()).filter(Boolean));
  else if (/^\S+$/.test(text)) {
    if (/^-?\d+(\.\d+)?$/.test(text)) candidates.push(Number(text));
    if (text === 'true' || text === 'false') candidates.push(text === 'true');
    candidates.push(text);
  }
  for (const c of candidates) if (Value.Check(node, c)) return { value: c };
  return undefined;
}

const SIMPLE_TYPES = new Set(['string', 'number', 'integer', 'boolean']);

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== 'object') return node;
  const src = node as S;
  const out: S = {};
  for (const [k, v] of Object.entries(src)) out[k] = convert(v); // symbol keys (TypeBox's Kind) are left out
  if (out.format === 'quantity') delete out.format; // the pattern says the same; a custom format fails plain validators
  if (Array.isArray(out.anyOf)) {
    const alts = out.anyOf as S[];
    if (alts.length > 0 && alts.every((a) => 'const' in a && Object.keys(a).length <= 2 && typeof a.const === typeof alts[0].const)) {
      delete out.anyOf;
      out.type = typeof alts[0].const;
      out.enum = alts.map((a) => a.const);
    } else if (alts.every((a) => SIMPLE_TYPES.has(a.type)) && new Set(alts.map((a) => (a.type === 'integer' ? 'number' : a.type))).size === alts.length) {
      // alternatives of different JSON types: exactly one matches a value, and hovers show this node's description
      out.oneOf = alts;
      delete out.anyOf;
    }
  }
  if (!('default' in out) && typeof src.description === 'string') {
    const d = plainDefault(src as TSchema);
    if (d) out.default = d.value;
  }
  return out;
}

/** A plain JSON Schema object (draft 2020-12). */
export function jsonSchema(): Record<string, unknown> {
  const schema = convert(DocumentSchema) as S;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: SCHEMA_ID,
    $comment: 'The schema of a ModelServing spec, as printed by `model-serving schema` of the same package version. In an editor with yaml-language-server, start a spec with: # yaml-language-server: $schema=<this URL or a path to this file>',
    ...schema,
  };
}
