/**
 * One spec with thousands of models: the output keeps one entry per model (no model dropped or merged), and
 * a spec whose generated config no longer fits a ConfigMap is refused before anything is written. The cost
 * of synthesis (linear in the number of models) is measured by `npm run bench`, never here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synthesizeSpecs } from '../lib/synth';
import { validateDocument } from '../lib/spec/load';
import { MAX_CONFIGMAP_BYTES, objectLimitIssues } from '../lib/k8s/limits';
import { manyModelsSpec } from '../bench/generate';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpecError } from '../lib/spec/errors';
import { runCli } from './support/cli';

test('a spec with 2,000 models synthesizes one Triton config per model', () => {
  const doc = manyModelsSpec(2000);
  assert.deepEqual(validateDocument(doc), []);
  const [m] = synthesizeSpecs([doc]);
  const cm = m.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'many-models-config')!;
  assert.equal(Object.keys(cm.data).length, 2000);
  assert.match(cm.data['model-1999.config.pbtxt'], /^name: "model-1999"$/m);
});

test('refuses a spec whose models overflow the 1 MiB ConfigMap limit, naming the object and the size, in validate exactly as in synth', () => {
  const doc = manyModelsSpec(6500);
  assert.deepEqual(validateDocument(doc), []);
  let synthesized = '';
  assert.throws(() => synthesizeSpecs([doc]), (e: Error) => {
    assert.ok(e instanceof SpecError);
    assert.match(e.message, /^spec\.models: spec many-models: the ConfigMap many-models-config would hold (\d+) bytes of data, and Kubernetes refuses a ConfigMap over 1048576 bytes \(1 MiB\): split the models over several specs$/);
    assert.ok(Number(/hold (\d+) bytes/.exec(e.message)![1]) > MAX_CONFIGMAP_BYTES);
    synthesized = e.message;
    return true;
  });
  // the CLI: validate refuses it with the message synthesis gives (the byte count predicted from the same config), exit 1
  const dir = mkdtempSync(join(tmpdir(), 'ms-many-'));
  const file = join(dir, 'many.yaml');
  writeFileSync(file, JSON.stringify(doc));
  const run = runCli;
  const validate = run(['validate', file]);
  assert.deepEqual(validate, { code: 1, out: '', err: `${file}: ${synthesized}\n` });
  assert.deepEqual(run(['synth', file, '-o', join(dir, 'out')]), validate);
  assert.deepEqual(readdirSync(dir), ['many.yaml'], 'nothing written');
});

test('counts ConfigMap data in bytes, binaryData decoded', () => {
  const cm = (data: Record<string, string>, binaryData: Record<string, string> = {}) => ({ kind: 'ConfigMap', metadata: { name: 'c' }, data, binaryData });
  assert.deepEqual(objectLimitIssues('s', [cm({ a: 'x'.repeat(MAX_CONFIGMAP_BYTES) })]), []);
  assert.equal(objectLimitIssues('s', [cm({ a: 'é'.repeat(MAX_CONFIGMAP_BYTES / 2) }, { b: Buffer.from('z').toString('base64') })]).length, 1);
  assert.deepEqual(objectLimitIssues('s', [{ kind: 'Secret', metadata: { name: 'x' }, data: { a: 'x'.repeat(MAX_CONFIGMAP_BYTES + 1) } }]), []);
});
