/** The model-serving CLI: synth, validate, schema, help; errors name file and field; nothing written on error. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { tritonDoc } from './support/synth';
import { runCli as run } from './support/cli';

const tmp = () => mkdtempSync(join(tmpdir(), 'ms-cli-'));
function specFile(dir: string, name: string, doc: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return f;
}

test('synth writes one <name>.k8s.yaml per spec document', () => {
  const dir = tmp();
  const f = specFile(dir, 'two.yaml', `${JSON.stringify(tritonDoc({}, { name: 'a' }))}\n---\n${JSON.stringify(tritonDoc({}, { name: 'b' }))}\n`);
  const r = run(['synth', f, '-o', join(dir, 'out')]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(readdirSync(join(dir, 'out')).sort(), ['a.k8s.yaml', 'b.k8s.yaml']);
  const docs = parseAllDocuments(readFileSync(join(dir, 'out', 'a.k8s.yaml'), 'utf8')).map((d) => d.toJS());
  assert.ok(docs.some((d: any) => d.kind === 'Deployment' && d.metadata.name === 'a'));
  assert.match(r.out, /wrote .*a\.k8s\.yaml \(\d+ objects\)/);
});

test('synth writes nothing when any spec of any file is invalid, and names file and field', () => {
  const dir = tmp();
  const good = specFile(dir, 'good.yaml', tritonDoc({}, { name: 'good' }));
  const bad = specFile(dir, 'bad.yaml', tritonDoc({ replicas: -1 }, { name: 'bad' }));
  const r = run(['synth', good, bad, '-o', join(dir, 'out')]);
  assert.equal(r.code, 1);
  assert.equal(r.err, `${bad}: spec.replicas: must be >= 0 (got -1)\n`);
  assert.equal(existsSync(join(dir, 'out')), false);
  assert.doesNotMatch(r.err, /at .*\.ts:\d+/, 'no stack trace');
});

test('synth refuses two specs with the same name (they would write the same file)', () => {
  const dir = tmp();
  const a = specFile(dir, 'a.yaml', tritonDoc({}, { name: 'same' }));
  const b = specFile(dir, 'b.yaml', tritonDoc({}, { name: 'same' }));
  const r = run(['synth', a, b, '-o', join(dir, 'out')]);
  assert.equal(r.code, 1);
  assert.match(r.err, /b\.yaml: metadata\.name: "same" is also the name of a spec in .*a\.yaml \(document 1\)/);
});

test('synth without -o is a usage error (exit 2)', () => {
  const r = run(['synth', 'x.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.err, /synth needs -o DIR \(or -o - for standard output\)/);
});

test('validate prints every problem of every file and exits 1', () => {
  const dir = tmp();
  const a = specFile(dir, 'a.yaml', tritonDoc({ replicas: -1 }, { name: 'a' }));
  const b = specFile(dir, 'b.yaml', 'kind: Nope\n');
  const r = run(['validate', a, b]);
  assert.equal(r.code, 1);
  assert.equal(r.err, [
    `${a}: spec.replicas: must be >= 0 (got -1)`,
    `${b}: apiVersion: must be model-serving/v1alpha1 (got undefined)`,
    `${b}: kind: must be ModelServing (got "Nope")`,
  ].join('\n') + '\n');
});

test('validate names a missing file without a stack trace (exit 2: an IO problem, not an invalid spec)', () => {
  const r = run(['validate', '/nonexistent/spec.yaml']);
  assert.equal(r.code, 2);
  assert.equal(r.err, '/nonexistent/spec.yaml: cannot read file: ENOENT\n');
});

test('validate accepts every template', () => {
  const files = readdirSync('templates').filter((f) => f.endsWith('.yaml')).map((f) => join('templates', f));
  const r = run(['validate', ...files]);
  assert.equal(r.code, 0, r.err);
});

test('schema prints a JSON Schema with the closed spec and descriptions', () => {
  const r = run(['schema']);
  const s = JSON.parse(r.out);
  assert.equal(s.properties.kind.const, 'ModelServing');
  assert.equal(s.properties.spec.additionalProperties, false);
  assert.match(s.properties.spec.properties.startupTimeoutSeconds.description, /@default - 600/);
  // the note is for the user of the schema, not for whoever maintains this repository
  assert.match(s.$comment, /^The schema of a ModelServing spec, as printed by `model-serving schema`/);
  assert.doesNotMatch(s.$comment, /npm run|lib\/|a test|do not edit/);
});

test('the committed model-serving.schema.json is the current schema', () => {
  const r = run(['schema']);
  assert.equal(readFileSync('model-serving.schema.json', 'utf8'), r.out, 'run: npx tsx lib/cli/main.ts schema > model-serving.schema.json');
});

test('--help works for the tool and every command', () => {
  assert.match(run(['--help']).out, /model-serving synth FILE\.\.\. -o DIR\|-/);
  for (const cmd of ['synth', 'diff', 'validate', 'lint', 'init', 'schema', 'plan']) assert.match(run([cmd, '--help']).out, new RegExp(`Usage: model-serving ${cmd}`));
});

test('every command\'s help lists -h, --help, and -h prints the same help', () => {
  for (const cmd of ['synth', 'diff', 'validate', 'lint', 'init', 'schema', 'plan']) {
    const help = run([cmd, '--help']);
    assert.match(help.out, /^ {2}-h, --help +this help$/m, cmd);
    assert.deepEqual(run([cmd, '-h']), help, cmd);
  }
});

test('an unknown command or option is a usage error', () => {
  assert.equal(run(['deploy']).code, 2);
  const r = run(['validate', '--frobnicate']);
  assert.equal(r.code, 2);
  assert.match(r.err, /Unknown option '--frobnicate'/);
});

test('the bin script runs the CLI as a process with the same exit codes', () => {
  const dir = tmp();
  const bad = specFile(dir, 'bad.yaml', tritonDoc({ replicas: -1 }));
  const p = spawnSync(process.execPath, ['bin/model-serving.js', 'validate', bad], { encoding: 'utf8' });
  assert.equal(p.status, 1);
  assert.equal(p.stderr, `${bad}: spec.replicas: must be >= 0 (got -1)\n`);
});
