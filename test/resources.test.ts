/**
 * Resource defaults the API server and the kubelet accept: never below an explicit value, /dev/shm inside the
 * memory limit, vLLM's defaults growing with its GPUs; explicit contradictions refused with their path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synth, find, container, specErrors, tritonDoc } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';

type K = Record<string, any>;
const server = (objs: K[]) => container(find(objs, 'Deployment'));
const shmOf = (objs: K[]) => find(objs, 'Deployment').spec.template.spec.volumes.find((v: K) => v.name === 'dshm').emptyDir.sizeLimit;

const vllmDoc = (gpus: number, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm', namespace: 'ml' },
  spec: { runtime: 'vllm', models: [{ name: 'l', format: 'huggingface' }], repository: { huggingface: { modelId: 'a/b' } }, resources: { gpu: { count: gpus } }, ...spec },
});

test('keeps the generic defaults: 2/4 CPUs, 8Gi of memory, 1Gi of /dev/shm', () => {
  const objs = synth(tritonDoc());
  assert.deepEqual(server(objs).resources.requests, { cpu: '2', memory: '8Gi' });
  assert.deepEqual(server(objs).resources.limits, { cpu: '4', memory: '8Gi', 'nvidia.com/gpu': 1 });
  assert.equal(shmOf(objs), '1Gi');
});

test('raises the default memory limit to an explicit request (16Gi with the 8Gi default was request > limit)', async () => {
  const objs = synth(tritonDoc({ resources: { gpu: { count: 1 }, memory: { request: '16Gi' } } }));
  assert.deepEqual([server(objs).resources.requests.memory, server(objs).resources.limits.memory], ['16Gi', '16Gi']);
  await assertValidObjects(objs);
});

test('follows an explicit memory limit with the request, and lowers /dev/shm to half of it', () => {
  const objs = synth(tritonDoc({ resources: { gpu: { count: 1 }, memory: { limit: '1Gi' } } }));
  assert.deepEqual([server(objs).resources.requests.memory, server(objs).resources.limits.memory], ['1Gi', '1Gi']);
  assert.equal(shmOf(objs), '512Mi');
});

test('raises the default CPU limit to an explicit request, and lowers the default request to an explicit limit', () => {
  assert.deepEqual(server(synth(tritonDoc({ resources: { gpu: { count: 1 }, cpu: { request: '6' } } }))).resources.limits.cpu, '6');
  assert.deepEqual(server(synth(tritonDoc({ resources: { gpu: { count: 1 }, cpu: { limit: '500m' } } }))).resources.requests.cpu, '500m');
});

test('sizes the default memory limit to hold an explicit /dev/shm twice', () => {
  const objs = synth(tritonDoc({ sharedMemorySize: '16Gi' }));
  assert.equal(shmOf(objs), '16Gi');
  assert.equal(server(objs).resources.limits.memory, '32Gi');
});

test('refuses a /dev/shm sizeLimit above an explicit memory limit', () => {
  assert.equal(specErrors(tritonDoc({ sharedMemorySize: '16Gi', resources: { gpu: { count: 1 }, memory: { limit: '8Gi' } } })),
    'spec.yaml: spec.sharedMemorySize: (16Gi) must be <= spec.resources.memory.limit (8Gi): /dev/shm is memory-backed and counts against the memory limit');
});

test('grows vLLM\'s default memory, CPU and /dev/shm with the GPU count', async () => {
  const one = synth(vllmDoc(1));
  // the Hub cache (20Gi plus a fifth, test/model-sources.test.ts) and vLLM's HOME (10Gi) are emptyDirs: their sizes
  // are requested as ephemeral storage
  assert.deepEqual(server(one).resources.requests, { cpu: '2', memory: '10Gi', 'ephemeral-storage': '34Gi' });
  assert.equal(shmOf(one), '2Gi');
  const eight = synth(vllmDoc(8));
  assert.deepEqual(server(eight).resources.requests, { cpu: '16', memory: '80Gi', 'ephemeral-storage': '34Gi' });
  assert.deepEqual(server(eight).resources.limits, { cpu: '32', memory: '80Gi', 'nvidia.com/gpu': 8 });
  assert.equal(shmOf(eight), '16Gi');
  await assertValidObjects(eight);
});

test('fits vLLM\'s default /dev/shm into an explicit memory limit', () => {
  const objs = synth(vllmDoc(8, { resources: { gpu: { count: 8 }, memory: { limit: '24Gi' } } }));
  assert.equal(shmOf(objs), '12Gi');
});

// --- Node disk: every emptyDir the server's data lives in has a sizeLimit, and the pod requests their sum -------

const pvc = { pvc: { claimName: 'models' } };
const volumesOf = (objs: K[]) => find(objs, 'Deployment').spec.template.spec.volumes as K[];

test('bounds the runtimes\' writable caches (TensorRT engine cache, vLLM HOME, TorchServe home) and requests them as ephemeral storage', () => {
  const trt = synth(tritonDoc({ models: [{ name: 'r', format: 'onnx', optimization: { tensorrt: { precision: 'FP16' } } }] }));
  assert.deepEqual(volumesOf(trt).find((v) => v.name === 'writable-0'), { name: 'writable-0', emptyDir: { sizeLimit: '10Gi' } });
  assert.equal(server(trt).volumeMounts.find((m: K) => m.name === 'writable-0').mountPath, '/var/cache/tensorrt');
  assert.equal(server(trt).resources.requests['ephemeral-storage'], '10Gi', 'the models are on a PVC: the cache alone');
  const vllm = synth(vllmDoc(1, { repository: pvc, models: [{ name: 'l', format: 'huggingface' }] }));
  assert.deepEqual(volumesOf(vllm).find((v) => v.name === 'writable-0'), { name: 'writable-0', emptyDir: { sizeLimit: '10Gi' } });
  assert.equal(server(vllm).resources.requests['ephemeral-storage'], '10Gi');
  const ts = synth({ ...tritonDoc(), spec: { runtime: 'torchserve', models: [{ name: 's', format: 'mar' }], repository: pvc } });
  assert.deepEqual(volumesOf(ts).find((v) => v.name === 'writable-0'), { name: 'writable-0', emptyDir: { sizeLimit: '4Gi' } });
  assert.equal(server(ts).resources.requests['ephemeral-storage'], '4Gi');
  // a download adds its volume: 12Gi (10Gi plus a fifth) + the 10Gi cache
  const both = synth(tritonDoc({ models: [{ name: 'r', format: 'onnx', optimization: { tensorrt: { precision: 'FP16' } } }], repository: { uri: 's3://b/m', modelSize: '10Gi' } }));
  assert.equal(server(both).resources.requests['ephemeral-storage'], '22Gi');
});

test('every disk-backed emptyDir of an online pod has a sizeLimit, and the server requests every one but /tmp and the symlink repository', () => {
  const specs = [
    tritonDoc({ models: [{ name: 'r', format: 'onnx', optimization: { tensorrt: { precision: 'FP16' } } }], repository: { uri: 's3://b/m' } }),
    vllmDoc(1),
    { ...tritonDoc(), spec: { runtime: 'torchserve', models: [{ name: 's', format: 'mar' }], repository: { uri: 's3://b/m' } } },
    { ...tritonDoc(), spec: { runtime: 'tfserving', models: [{ name: 's', format: 'savedmodel' }], repository: { uri: 's3://b/m' } } },
  ];
  const bytes = (q: string) => Number(q.replace(/Gi$/, '')) * 2 ** 30 || Number(q.replace(/Mi$/, '')) * 2 ** 20;
  for (const doc of specs) {
    const objs = synth(doc);
    const disk = volumesOf(objs).filter((v) => v.emptyDir && v.emptyDir.medium !== 'Memory');
    for (const v of disk) assert.ok(v.emptyDir.sizeLimit, `${(doc as K).spec.runtime}: ${v.name} has a sizeLimit`);
    const counted = disk.filter((v) => v.name !== 'tmp' && v.name !== 'repository');
    const sum = counted.reduce((n, v) => n + bytes(v.emptyDir.sizeLimit), 0);
    assert.equal(bytes(server(objs).resources.requests['ephemeral-storage']), sum, `${(doc as K).spec.runtime}: ${counted.map((v) => v.name).join(' + ')}`);
  }
});
