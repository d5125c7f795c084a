/**
 * The spec reference (docs/SPEC.md), generated from the schema so that it cannot drift:
 * one row per field with its type, whether it is required, and its description and default.
 */
import { DocumentSchema } from './schema/spec';

type S = Record<string, any>;

function typeOf(s: S): string {
  if (Array.isArray(s.anyOf)) {
    if (s.anyOf.every((x: S) => 'const' in x)) return s.anyOf.map((x: S) => `\`${x.const}\``).join(' \\| ');
    return s.anyOf.map(typeOf).join(' \\| ');
  }
  if ('const' in s) return `\`${s.const}\``;
  if (s.format === 'quantity') return 'quantity';
  if (s.type === 'array') return `list of ${typeOf(s.items)}`;
  if (s.type === 'object' && s.patternProperties) return 'map';
  if (s.type === 'integer') return `integer${s.minimum !== undefined ? ` ≥ ${s.minimum}` : ''}${s.maximum !== undefined ? ` ≤ ${s.maximum}` : ''}`;
  return s.type ?? 'any';
}

function rows(s: S, path: string, required: boolean, out: string[]): void {
  const desc = String(s.description ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  if (path && !(path.endsWith('[]') && !desc)) out.push(`| \`${path}\` | ${typeOf(s)} | ${required ? 'yes' : ''} | ${desc} |`);
  if (s.type === 'object' && s.properties) {
    const req = new Set<string>(s.required ?? []);
    for (const [k, v] of Object.entries<S>(s.properties)) rows(v, path ? `${path}.${k}` : k, req.has(k), out);
  } else if (s.type === 'object' && s.patternProperties) {
    const v = Object.values<S>(s.patternProperties)[0];
    if (v.type === 'object') rows(v, `${path}.<key>`, false, out);
  } else if (s.type === 'array' && s.items?.type === 'object') {
    rows(s.items, `${path}[]`, false, out);
  }
}

/** docs/SPEC.md as Markdown. */
export function specReference(): string {
  const out = [
    '<!-- Generated from lib/spec/schema by `npx tsx lib/spec/reference.ts > docs/SPEC.md`; do not edit (a test fails when it is stale). -->',
    '# Spec reference',
    '',
    'Every field of a `ModelServing` document. "@default" says what happens when the field is absent. Every object is',
    'closed: an unknown field is an error naming its path. Rules between fields are listed in [BAD_INPUTS.md](BAD_INPUTS.md).',
    '',
    '| field | type | required | description and default |',
    '|---|---|---|---|',
  ];
  rows(DocumentSchema as unknown as S, '', true, out);
  return out.join('\n') + '\n';
}

if (require.main === module) process.stdout.write(specReference());
