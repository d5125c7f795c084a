/** The spec loader: every rule of the foundation, each error asserted by its exact text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specErrors, tritonDoc } from './support/synth';
import { parseSpecs, MAX_SPEC_BYTES } from '../lib/spec/load';
import { parseQuantity } from '../lib/spec/quantity';
import { imageIsPinned } from '../lib/spec/image';

const withSpec = (patch: Record<string, unknown>) => tritonDoc(patch);

test('accepts the minimal Triton spec', () => {
  assert.equal(specErrors(tritonDoc()), undefined);
});

test('rejects a typo in a field name with its path, and names the field it was probably meant to be', () => {
  const doc = tritonDoc();
  (doc.spec as any).autoscalng = { maxReplicas: 3 };
  assert.equal(specErrors(doc), 'spec.yaml: spec.autoscalng: unknown field (did you mean "autoscaling"?)');
});

test('rejects unknown fields at every depth, all at once', () => {
  const doc = tritonDoc({ resources: { gpu: { count: 1, prodcut: 'A100' } } });
  (doc.metadata as any).nmae = 'x';
  (doc.spec.models[0] as any).maxBatchsize = 8;
  assert.equal(specErrors(doc), [
    'spec.yaml: metadata.nmae: unknown field (did you mean "name"?)',
    'spec.yaml: spec.models[0].maxBatchsize: unknown field (did you mean "maxBatchSize"?)',
    'spec.yaml: spec.resources.gpu.prodcut: unknown field (did you mean "product"?)',
  ].join('\n'));
});

test('refuses a name that is not a DNS-1123 label', () => {
  assert.match(specErrors(tritonDoc({}, { name: 'Bad_Name' }))!, /^spec\.yaml: metadata\.name: "Bad_Name" does not match \^\[a-z0-9\]/);
});

test('refuses a name longer than 52 characters', () => {
  assert.equal(specErrors(tritonDoc({}, { name: 'a'.repeat(53) })), 'spec.yaml: metadata.name: must be at most 52 characters (got 53)');
});

test('refuses a value that is not a Kubernetes quantity', () => {
  assert.equal(specErrors(withSpec({ resources: { cpu: { request: 'lots' } } })),
    'spec.yaml: spec.resources.cpu.request: must be a Kubernetes quantity such as 500m, 4 or 8Gi (got "lots")');
});

test('refuses requests above limits, for cpu and memory together', () => {
  assert.equal(specErrors(withSpec({ resources: { cpu: { request: '8', limit: '4' }, memory: { request: '1Gi', limit: '512Mi' } } })), [
    'spec.yaml: spec.resources.cpu.request: request (8) must be <= spec.resources.cpu.limit (4)',
    'spec.yaml: spec.resources.memory.request: request (1Gi) must be <= spec.resources.memory.limit (512Mi)',
  ].join('\n'));
});

test('compares quantities across units (1500m cpu <= 2, 1Gi <= 1024Mi)', () => {
  assert.equal(specErrors(withSpec({ resources: { cpu: { request: '1500m', limit: 2 }, memory: { request: '1Gi', limit: '1024Mi' } } })), undefined);
  assert.equal(parseQuantity('1500m'), 1.5);
  assert.equal(parseQuantity('8Gi'), 8 * 2 ** 30);
  assert.equal(parseQuantity('1e3'), 1000);
  assert.equal(parseQuantity('1.5.5'), undefined);
});

test('refuses GPU counts that are not positive whole numbers', () => {
  assert.equal(specErrors(withSpec({ resources: { gpu: { count: 1.5 } } })), 'spec.yaml: spec.resources.gpu.count: must be a whole number (got 1.5)');
  assert.equal(specErrors(withSpec({ resources: { gpu: { count: 0 } } })), 'spec.yaml: spec.resources.gpu.count: must be >= 1 (got 0)');
});

test('refuses negative replicas', () => {
  assert.equal(specErrors(withSpec({ replicas: -1 })), 'spec.yaml: spec.replicas: must be >= 0 (got -1)');
});

test('requires exactly one repository source', () => {
  assert.equal(specErrors(withSpec({ repository: { pvc: { claimName: 'a' }, uri: 's3://b/m' } })),
    'spec.yaml: spec.repository: exactly one model source must be set: pvc, image, uri or huggingface (found pvc, uri)');
  assert.equal(specErrors(withSpec({ repository: {} })),
    'spec.yaml: spec.repository: exactly one model source must be set: pvc, image, uri or huggingface (found none)');
  assert.equal(specErrors(withSpec({ repository: { pvc: { claimName: 'a', create: { size: '10Gi' } } } })),
    'spec.yaml: spec.repository.pvc: set exactly one of claimName (an existing claim) or create (a new claim)');
});

test('refuses unpinned images', () => {
  assert.equal(specErrors(withSpec({ image: 'nvcr.io/nvidia/tritonserver:latest' })),
    'spec.yaml: spec.image: image "nvcr.io/nvidia/tritonserver:latest" must be pinned to a tag or digest (no \':latest\', no missing tag)');
  assert.equal(specErrors(withSpec({ image: 'nvcr.io/nvidia/tritonserver' })),
    'spec.yaml: spec.image: image "nvcr.io/nvidia/tritonserver" must be pinned to a tag or digest (no \':latest\', no missing tag)');
  assert.equal(imageIsPinned('registry:5000/tritonserver'), false, 'a registry port is not a tag');
  assert.equal(imageIsPinned(`tritonserver@sha256:${'a'.repeat(64)}`), true);
});

test('refuses a model format the runtime does not serve', () => {
  assert.match(specErrors(withSpec({ models: [{ name: 'a', format: 'mar' }] }))!,
    /^spec\.yaml: spec\.models\[0\]\.format: format "mar" is not served by runtime triton \(allowed: onnx, tensorrt, torchscript, savedmodel, python, ensemble\)/);
});

test('refuses duplicate model names', () => {
  assert.equal(specErrors(withSpec({ models: [{ name: 'a', format: 'onnx' }, { name: 'a', format: 'onnx' }] })),
    'spec.yaml: spec.models[1].name: duplicate model name "a" (also spec.models[0])');
});

test('refuses a wrong kind or apiVersion', () => {
  assert.equal(specErrors({ ...tritonDoc(), kind: 'Deployment' }), 'spec.yaml: kind: must be ModelServing (got "Deployment")');
  assert.equal(specErrors({ ...tritonDoc(), apiVersion: 'v1' }), 'spec.yaml: apiVersion: must be model-serving/v1alpha1 (got "v1")');
});

test('refuses an unknown runtime and lists the known ones', () => {
  assert.equal(specErrors(withSpec({ runtime: 'tgi' })), 'spec.yaml: spec.runtime: must be one of: triton, tfserving, torchserve, vllm (got "tgi")');
});

test('reports a credential in a URI without echoing it', () => {
  const msg = specErrors(withSpec({ repository: { uri: 's3://AKIA:supersecret@bucket/models' } }))!;
  assert.equal(msg, 'spec.yaml: spec.repository.uri: must not contain credentials (user:password@); put them in a Secret and name it in credentialsSecret');
  assert.doesNotMatch(msg, /supersecret|AKIA/);
});

test('reports malformed YAML with line and column', () => {
  const msg = specErrors('apiVersion: model-serving/v1alpha1\nkind: ModelServing\nmetadata:\n  name: x\n   bad: [\n')!;
  assert.match(msg, /^spec\.yaml: YAML syntax error at line 4, column 9: /);
});

test('refuses duplicate keys', () => {
  assert.equal(specErrors('apiVersion: a\napiVersion: b\n'), 'spec.yaml: YAML syntax error at line 2, column 1: Map keys must be unique');
});

test('refuses an empty file and a file of empty documents', () => {
  assert.equal(specErrors(''), 'spec.yaml: file is empty: expected at least one ModelServing document');
  assert.equal(specErrors('---\n---\n'), 'spec.yaml: file has no documents: expected at least one ModelServing document');
});

test('refuses a YAML alias bomb', () => {
  const bomb = 'a: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n';
  assert.match(specErrors(bomb)!, /aliases are limited to 100/);
});

test('refuses a file over the size limit before parsing it', () => {
  assert.equal(specErrors(`# ${'x'.repeat(MAX_SPEC_BYTES)}\n`), `spec.yaml: file is larger than ${MAX_SPEC_BYTES} bytes; a spec is a few KiB`);
});

test('refuses __proto__ and constructor keys and pollutes no prototype', () => {
  const text = 'apiVersion: model-serving/v1alpha1\nkind: ModelServing\nmetadata:\n  name: x\n  labels:\n    __proto__: {polluted: yes}\n    constructor: x\nspec: {}\n';
  assert.equal(specErrors(text), [
    'spec.yaml: metadata.labels.__proto__: key "__proto__" is not allowed',
    'spec.yaml: metadata.labels.constructor: key "constructor" is not allowed',
  ].join('\n'));
  assert.equal(({} as any).polluted, undefined);
});

test('reads several documents from one file and names the document of an error', () => {
  const good = JSON.stringify(tritonDoc({}, { name: 'a' }));
  const bad = JSON.stringify(tritonDoc({ replicas: -2 }, { name: 'b' }));
  assert.equal(parseSpecs(`${good}\n---\n${JSON.stringify(tritonDoc({}, { name: 'c' }))}\n`, 'f.yaml').length, 2);
  assert.equal(specErrors(`${good}\n---\n${bad}\n`), 'spec.yaml (document 2): spec.replicas: must be >= 0 (got -2)');
});

test('accepts JSON as well as YAML', () => {
  assert.equal(parseSpecs(JSON.stringify(tritonDoc()), 'x.json')[0].document.metadata.name, 'm');
});

test('refuses env entries with both a value and a secret reference', () => {
  assert.equal(specErrors(withSpec({ env: [{ name: 'A', value: 'x', secretKeyRef: { name: 's', key: 'k' } }] })),
    'spec.yaml: spec.env[0]: set exactly one of value, secretKeyRef, configMapKeyRef (found 2)');
});

test('refuses an env name listed twice in spec.env: server-side apply refuses a container env with a name twice', () => {
  assert.equal(specErrors(withSpec({ env: [{ name: 'A', value: 'x' }, { name: 'B', value: 'y' }, { name: 'A', value: 'z' }] })),
    'spec.yaml: spec.env[2].name: duplicate variable "A" (also spec.env[0]): server-side apply refuses a container env that lists a name twice');
});

test('refuses mode-specific blocks in the wrong mode', () => {
  assert.equal(specErrors(withSpec({ edge: { nodeSelector: { a: 'b' } } })), 'spec.yaml: spec.edge: applies to mode edge only (mode is online)');
});

test('reports every problem of a document, not the first', () => {
  const msg = specErrors(withSpec({ replicas: -1, resources: { gpu: { count: 0 } }, mode: 'offline' }))!;
  assert.equal(msg.split('\n').length, 3);
});

test('refuses user labels that would override the labels selectors depend on', () => {
  assert.equal(specErrors(tritonDoc({}, { labels: { 'app.kubernetes.io/instance': 'other' } })),
    'spec.yaml: metadata.labels["app.kubernetes.io/instance"]: label key "app.kubernetes.io/instance" is set by cdk8s-model-serving (selectors depend on it); choose another key');
});

test('refuses label keys and values Kubernetes would reject', () => {
  assert.equal(specErrors(tritonDoc({ nodeSelector: { 'bad key': 'x', ok: 'v'.repeat(64) } })), [
    'spec.yaml: spec.nodeSelector["bad key"]: label key name part "bad key" must be 1-63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit',
    `spec.yaml: spec.nodeSelector["ok"]: label value "${'v'.repeat(64)}" must be at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit`,
  ].join('\n'));
});

test('refuses a query or fragment in a repository URI rather than dropping it, without echoing it', () => {
  const msg = specErrors(tritonDoc({ repository: { uri: 'https://models.example.org/m?X-Amz-Signature=abc123' } }))!;
  assert.equal(msg, 'spec.yaml: spec.repository.uri: must not contain a query (?...) or fragment (#...): name a bucket path; credentials go in credentialsSecret');
  assert.doesNotMatch(msg, /abc123/);
});
