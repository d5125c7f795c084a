/** Generated docs stay true: the spec reference and the JSON Schema are regenerated and compared. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { specReference } from '../lib/spec/reference';
import { catalogue, testNames } from './support/catalogue';

test('docs/SPEC.md is the reference generated from the current schema', () => {
  assert.equal(readFileSync('docs/SPEC.md', 'utf8'), specReference(), 'run: npx tsx lib/spec/reference.ts > docs/SPEC.md');
});

test('the README gives the two commands and links the spec reference', () => {
  const readme = readFileSync('README.md', 'utf8');
  assert.match(readme, /npm ci && npm run synth/);
  assert.match(readme, /npm test/);
  assert.match(readme, /docs\/SPEC\.md/);
});

test('the README\'s template table names every file in templates/, and nothing else', () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('Templates, in `templates/`'), readme.indexOf('Cluster prerequisites'));
  const listed = [...section.matchAll(/^\| `([a-z0-9-]+\.yaml)` \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(listed, readdirSync('templates').filter((f) => f.endsWith('.yaml')).sort());
});

test('docs/BAD_INPUTS.md lists every refusal test (generated from the test names)', () => {
  assert.equal(readFileSync('docs/BAD_INPUTS.md', 'utf8'), catalogue(), 'run: npx tsx test/support/catalogue.ts > docs/BAD_INPUTS.md');
});

test('the catalogue reads a test name with an escaped quote whole, and no line ends in a backslash', () => {
  assert.deepEqual(testNames("test('refuses the route\\'s timeout', () => {});\ntest(\"refuses a \\\"quoted\\\" name\", () => {});"),
    ["refuses the route's timeout", 'refuses a "quoted" name']);
  const lines = catalogue().split('\n');
  assert.deepEqual(lines.filter((l) => l.endsWith('\\')), []);
  assert.ok(lines.includes("- refuses the device plugin's resourceName and product together with a claim"));
});

test('the catalogue lists tests called in a loop, one line per loop value, and shows other ${} expressions as such', () => {
  const source = [
    "for (const runtime of ['tfserving', 'torchserve']) {",
    '  test(`refuses tracing for runtime ${runtime}`, () => {});',
    '}',
    "for (const [field, signal] of [['a', 'x'], ['b', 'y']] as const) {",
    '  test(`refuses ${field} without ${signal}`, () => {});',
    '}',
    'test(`refuses ${TEMPLATE} here`, () => {});',
  ].join('\n');
  assert.deepEqual(testNames(source), ['refuses tracing for runtime tfserving', 'refuses tracing for runtime torchserve',
    'refuses a without x', 'refuses b without y', 'refuses ‹TEMPLATE› here']);
  assert.ok(catalogue().split('\n').includes('- refuses spec.tracing for runtime torchserve, which has no OpenTelemetry tracing'));
  assert.doesNotMatch(catalogue(), /\$\{/);
});

test('the README TypeScript example runs as written and synthesizes the model', async (t) => {
  const { existsSync, mkdtempSync, writeFileSync, readdirSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  if (!existsSync('build/lib/index.js')) return t.skip('run `npm run build` first (npm test builds)');
  const readme = readFileSync('README.md', 'utf8');
  const example = /## TypeScript\n\n```ts\n([\s\S]*?)```/.exec(readme)![1];
  const file = join('build', 'readme-example.ts');
  writeFileSync(file, example);
  const out = mkdtempSync(join(tmpdir(), 'readme-'));
  const p = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: out } });
  assert.equal(p.status, 0, p.stderr);
  assert.equal(p.stdout.trim(), 'http://vision-classifier.ml-prod.svc.cluster.local:8000');
  assert.deepEqual(readdirSync(out), ['ml-prod.k8s.yaml']);
});

/** Files of this package whose text may cite its docs: sources, docs, templates, tests, apps and benchmarks. */
function citingFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'fixtures' ? [] : citingFiles(p);
    return /\.(ts|md|ya?ml|js)$/.test(e.name) ? [p] : [];
  });
}

test('every docs/<NAME>.md this package cites, and every relative link in its docs, names a file that exists', () => {
  const files = ['README.md', ...['lib', 'docs', 'templates', 'test', 'apps', 'bench', 'bin'].flatMap(citingFiles)];
  const missing: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    // this package's docs are upper case (docs/TRAFFIC.md); upstream paths (docs/user_guide/metrics.md) are not
    for (const m of text.matchAll(/(?<![\w./-])docs\/([A-Z][A-Z0-9_]*\.md)/g)) if (!existsSync(join('docs', m[1]))) missing.push(`${f}: docs/${m[1]}`);
    if (!f.endsWith('.md')) continue;
    for (const m of text.matchAll(/\]\(([^)#:\s]+)(#[^)]*)?\)/g)) if (!existsSync(join(dirname(f), m[1]))) missing.push(`${f}: ${m[1]}`);
  }
  assert.deepEqual(missing, []);
});
