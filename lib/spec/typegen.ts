/**
 * The TypeScript types of a spec (lib/spec/schema/generated-types.ts), generated from the schema so that
 * editors show each field's description and default on hover, and closed choices as unions of literals.
 * `npm run generate` rewrites the file; test/spec-types.test.ts fails when it is stale.
 */
import { DocumentSchema, MetadataSchema, SpecSchema } from './schema/spec';

type S = Record<string, any>;

/** The file this module writes, relative to the package root. */
export const GENERATED_TYPES_FILE = 'lib/spec/schema/generated-types.ts';

const WIDTH = 110;

/** A JSDoc block: the description, then its `@default - ...` sentence as a tag. */
function jsdoc(description: string | undefined, indent: string): string {
  if (!description) return '';
  const text = description.replace(/\*\//g, '*\\/').trim();
  const at = text.indexOf('@default');
  const body = (at >= 0 ? text.slice(0, at) : text).trim();
  const tag = at >= 0 ? text.slice(at).trim() : '';
  const lines: string[] = [];
  const wrap = (para: string) => {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && indent.length + 3 + line.length + 1 + word.length > WIDTH) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    if (line) lines.push(line);
  };
  if (body) wrap(body);
  if (tag) wrap(tag);
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

const KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A literal as TypeScript source (single-quoted strings). */
function literal(v: unknown): string {
  return typeof v === 'string' ? `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : JSON.stringify(v);
}

function members(s: S, indent: string): string {
  const required = new Set<string>(s.required ?? []);
  return Object.entries<S>(s.properties ?? {})
    .map(([k, v]) => `${jsdoc(v.description, indent)}${indent}${KEY.test(k) ? k : literal(k)}${required.has(k) ? '' : '?'}: ${tsType(v, indent)};\n`)
    .join('');
}

/** The TypeScript type of one schema node (objects inline, with a JSDoc block per member). */
export function tsType(s: S, indent = ''): string {
  if (Array.isArray(s.anyOf)) {
    const parts = [...new Set(s.anyOf.map((x: S) => tsType(x, indent)))];
    return parts.join(' | ');
  }
  if ('const' in s) return literal(s.const);
  if (Array.isArray(s.enum)) return s.enum.map(literal).join(' | ');
  switch (s.type) {
    case 'string': return 'string';
    case 'number': case 'integer': return 'number';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array': {
      const item = tsType(s.items ?? {}, indent);
      return /[|&]/.test(item) && !item.startsWith('{') ? `Array<${item}>` : `${item}[]`;
    }
    case 'object': {
      if (s.patternProperties) {
        const v = Object.values<S>(s.patternProperties)[0];
        return `{ [key: string]: ${tsType(v, indent)} }`;
      }
      if (!s.properties) return 'Record<string, unknown>';
      return `{\n${members(s, `${indent}  `)}${indent}}`;
    }
    default: return 'unknown';
  }
}

function iface(name: string, doc: string, s: S, overrides: Record<string, string> = {}): string {
  const required = new Set<string>(s.required ?? []);
  const body = Object.entries<S>(s.properties)
    .map(([k, v]) => `${jsdoc(v.description, '  ')}  ${k}${required.has(k) ? '' : '?'}: ${overrides[k] ?? tsType(v, '  ')};\n`)
    .join('');
  // a type alias, not an interface: like the Static<> types, it is assignable to Record<string, unknown>
  return `${jsdoc(doc, '')}export type ${name} = {\n${body}};\n`;
}

/** The whole generated file. */
export function generatedTypes(): string {
  const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as S;
  return [
    `// Generated from lib/spec/schema by \`npm run generate\` (lib/spec/typegen.ts); do not edit.`,
    `// test/spec-types.test.ts fails when this file is stale.`,
    '/* eslint-disable */',
    '',
    iface('ModelServingSpec', 'The `spec` of a ModelServing document: the model, its runtime and how it is served.', plain(SpecSchema)),
    iface('ModelServingMetadata', 'The `metadata` of a ModelServing document.', plain(MetadataSchema)),
    iface('ModelServingDocument', 'A ModelServing document (one YAML document of a spec file).', plain(DocumentSchema), {
      metadata: 'ModelServingMetadata',
      spec: 'ModelServingSpec',
    }),
  ].join('\n');
}

if (require.main === module) process.stdout.write(generatedTypes());
