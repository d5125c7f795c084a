/**
 * One-pass validation (schema and cross-field errors together, did-you-mean, one error per missing field)
 * and messages that are safe to print: control characters escaped, infinities and NaN named as written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { specErrors, tritonDoc } from './support/synth';
import { escapeText, formatIssues } from '../lib/spec/errors';
import { didYouMean, validateDocument } from '../lib/spec/load';
import { main } from '../lib/cli/main';
import { loadSpecFiles } from '../lib/model/files';

const HEAD = 'apiVersion: model-serving/v1alpha1\nkind: ModelServing\nmetadata: {name: m}\n';

test('reports schema errors and cross-field errors together, in one run', () => {
  const doc: any = tritonDoc({
    replica: 2,
    autoscaling: { minReplicas: 5, maxReplicas: 2 },
    resources: { cpu: { request: 'lots' }, gpu: { count: 1 } },
    nodeSelector: { 'a b': 'x' },
    image: 'nvcr.io/nvidia/tritonserver:latest',
  });
  assert.equal(specErrors(doc), [
    'spec.yaml: spec.replica: unknown field (did you mean "replicas"?)',
    'spec.yaml: spec.resources.cpu.request: must be a Kubernetes quantity such as 500m, 4 or 8Gi (got "lots")',
    'spec.yaml: spec.image: image "nvcr.io/nvidia/tritonserver:latest" must be pinned to a tag or digest (no \':latest\', no missing tag)',
    'spec.yaml: spec.nodeSelector["a b"]: label key name part "a b" must be 1-63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit',
    'spec.yaml: spec.autoscaling.minReplicas: (5) must be <= spec.autoscaling.maxReplicas (2)',
  ].join('\n'));
});

test('reports the runtime\'s own rules next to unrelated schema errors', () => {
  // Triton: dynamic batching needs maxBatchSize > 0 (lib/runtimes/triton.ts), reported with a typo elsewhere
  const doc: any = tritonDoc({ models: [{ name: 'resnet50', format: 'onnx', dynamicBatching: {} }] });
  doc.spec.monitoring = { intervall: '15s' };
  assert.equal(specErrors(doc), [
    'spec.yaml: spec.monitoring.intervall: unknown field (did you mean "interval"?)',
    'spec.yaml: spec.models[0].dynamicBatching: dynamic batching needs maxBatchSize > 0',
  ].join('\n'));
});

test('never judges a rule on a malformed value: a rule that reads one is skipped, not fed a guess', () => {
  // gpu.count is malformed: the "needs a GPU" rule of the alerts reads it and must not claim there is no GPU
  const doc: any = tritonDoc({ resources: { gpu: { count: 'two' } }, monitoring: { alerts: { maxGpuMemoryPercent: 80 } } });
  assert.equal(specErrors(doc), 'spec.yaml: spec.resources.gpu.count: must be a whole number (got "two")');
});

test('reports a missing field once, with its choices', () => {
  const doc: any = tritonDoc();
  delete doc.spec.repository;
  delete doc.spec.runtime;
  assert.equal(specErrors(doc), [
    'spec.yaml: spec.runtime: is required (one of: triton, tfserving, torchserve, vllm)',
    'spec.yaml: spec.repository: is required',
  ].join('\n'));
  assert.equal(specErrors(`${HEAD}spec: {runtime: triton, models: [{name: a}], repository: {pvc: {claimName: x}}}\n`),
    'spec.yaml: spec.models[0].format: is required (one of: onnx, tensorrt, torchscript, savedmodel, python, ensemble, mar, huggingface)');
});

test('rejects a misspelt choice with the choice it was probably meant to be', () => {
  const doc: any = tritonDoc({ runtime: 'trition' });
  assert.equal(specErrors(doc), 'spec.yaml: spec.runtime: must be one of: triton, tfserving, torchserve, vllm (got "trition"; did you mean "triton"?)');
});

test('rejects a field put one level too high with the place it belongs', () => {
  const doc: any = tritonDoc({ minReplicas: 2, claimName: 'models', zones: true });
  assert.equal(specErrors(doc), [
    'spec.yaml: spec.minReplicas: unknown field (did you mean spec.autoscaling.minReplicas?)',
    'spec.yaml: spec.claimName: unknown field (did you mean spec.repository.pvc.claimName?)',
    'spec.yaml: spec.zones: unknown field (did you mean spec.topologySpread.zones?)',
  ].join('\n'));
});

test('did-you-mean suggests only close names', () => {
  assert.equal(didYouMean('replica', ['replicas', 'resources']), 'replicas');
  assert.equal(didYouMean('Replicas', ['replicas']), 'replicas');
  assert.equal(didYouMean('autoscalng', ['autoscaling', 'verticalAutoscaling']), 'autoscaling');
  assert.equal(didYouMean('minReplcas', ['minReplicas', 'maxReplicas']), 'minReplicas');
  assert.equal(didYouMean('banana', ['replicas', 'runtime']), undefined);
  assert.equal(didYouMean('ab', ['xy']), undefined);
});

test('refuses 1e309, .inf and .nan naming them as written, not as "got null"', () => {
  const err = specErrors(`${HEAD}spec:
  runtime: triton
  models: [{name: a, format: onnx, maxBatchSize: .inf}]
  repository: {pvc: {claimName: x}}
  resources: {cpu: {request: 1e309}}
  monitoring: {alerts: {p95LatencySeconds: .nan, maxErrorRatePercent: -.inf}}
`)!;
  assert.equal(err, [
    'spec.yaml: spec.models[0].maxBatchSize: must be a whole number (got .inf, which is infinity)',
    'spec.yaml: spec.resources.cpu.request: must be a Kubernetes quantity such as 500m, 4 or 8Gi (got 1e309, which is infinity)',
    'spec.yaml: spec.monitoring.alerts.p95LatencySeconds: must be a number (got .nan, which is not a number)',
    'spec.yaml: spec.monitoring.alerts.maxErrorRatePercent: must be a number (got -.inf, which is minus infinity)',
  ].join('\n'));
  assert.doesNotMatch(err, /null/);
  // a TypeScript object has no source text: the value is still named
  assert.deepEqual(validateDocument(tritonDoc({ replicas: Infinity })), [{ path: 'spec.replicas', message: 'must be a whole number (got Infinity, which is infinity)' }]);
});

test('refuses a label value with control characters without letting them reach the terminal', () => {
  const doc = tritonDoc({}, { labels: { team: 'a\u001b[2K\rspec.yaml: m: valid\nb' } });
  const err = specErrors(doc)!;
  assert.equal(err, 'spec.yaml: metadata.labels["team"]: label value "a\\e[2K\\rspec.yaml: m: valid\\nb" must be at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit');
  assert.equal(err.split('\n').length, 1);
  assert.doesNotMatch(err, /[\u0000-\u001f\u007f]/);
});

test('escapes every character a terminal acts on, and bidirectional overrides', () => {
  assert.equal(escapeText('a\tb\u0007c\u007fd\u009be\u202ef\u2066g\u2028'), 'a\\tb\\u0007c\\u007fd\\u009be\\u202ef\\u2066g\\u2028');
  assert.equal(formatIssues([{ path: 'spec.x', message: 'bad "\u001b]0;title\u0007"' }], 'f\nvalid.yaml'), 'f\\nvalid.yaml: spec.x: bad "\\e]0;title\\u0007"');
});

test('the CLI prints a file name with a newline on one line (no forged "valid" line)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-onepass-'));
  const file = join(dir, 'x\ny.yaml: good: valid');
  writeFileSync(file, JSON.stringify(tritonDoc({}, { name: 'good' })));
  let out = '';
  const code = main(['validate', file], { out: (s) => (out += s), err: () => undefined });
  assert.equal(code, 0);
  assert.equal(out, `${dir}/x\\ny.yaml: good: valid: good: valid\n`);
});

test('reports a misspelt kind or apiVersion with the value it should be, and still checks the spec in the same run', () => {
  assert.equal(specErrors({ ...tritonDoc({ replicas: -1 }), kind: 'ModelServng' }), [
    'spec.yaml: kind: must be ModelServing (got "ModelServng"; did you mean ModelServing?)',
    'spec.yaml: spec.replicas: must be >= 0 (got -1)',
  ].join('\n'));
  assert.equal(specErrors({ ...tritonDoc({ replicas: -1 }), apiVersion: 'model-serving/v1alpha' }), [
    'spec.yaml: apiVersion: must be model-serving/v1alpha1 (got "model-serving/v1alpha"; did you mean model-serving/v1alpha1?)',
    'spec.yaml: spec.replicas: must be >= 0 (got -1)',
  ].join('\n'));
  // a document that is not a spec at all gets the envelope errors only, and no guess
  assert.equal(specErrors({ apiVersion: 'v1', kind: 'ConfigMap', data: {} }),
    'spec.yaml: apiVersion: must be model-serving/v1alpha1 (got "v1")\nspec.yaml: kind: must be ModelServing (got "ConfigMap")');
});

test('reports a spec name used twice across files next to the other problems of the invalid spec, in one run', () => {
  const valid = { name: 'a.yaml', text: JSON.stringify(tritonDoc({}, { name: 'm' })) };
  const invalid = { name: 'b.yaml', text: JSON.stringify(tritonDoc({ replicas: -1 }, { name: 'm' })) };
  assert.deepEqual(loadSpecFiles([valid, invalid]).issues, [
    { file: 'b.yaml', path: 'spec.replicas', message: 'must be >= 0 (got -1)' },
    { file: 'b.yaml', path: 'metadata.name', message: '"m" is also the name of a spec in a.yaml (document 1); each spec writes m.k8s.yaml, so names must be unique' },
  ]);
  // both invalid, and the second with a misspelt kind: still both problems and the clash
  const bad = { name: 'c.yaml', text: JSON.stringify({ ...tritonDoc({ replicas: -2 }, { name: 'm' }), kind: 'ModelServng' }) };
  assert.deepEqual(loadSpecFiles([invalid, bad]).issues.map((i) => `${i.file}: ${i.path}: ${i.message}`), [
    'b.yaml: spec.replicas: must be >= 0 (got -1)',
    'c.yaml: kind: must be ModelServing (got "ModelServng"; did you mean ModelServing?)',
    'c.yaml: spec.replicas: must be >= 0 (got -2)',
    'c.yaml: metadata.name: "m" is also the name of a spec in b.yaml (document 1); each spec writes m.k8s.yaml, so names must be unique',
  ]);
  // a name that is itself invalid is not compared
  const badName = { name: 'd.yaml', text: JSON.stringify(tritonDoc({}, { name: 'M_' })) };
  assert.equal(loadSpecFiles([badName, { ...badName, name: 'e.yaml' }]).issues.filter((i) => i.message.includes('also the name')).length, 0);
});
