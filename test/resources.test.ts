/**
 * Resource defaults the API server and the kubelet accept: never below an explicit value, /dev/shm inside the
 * memory limit, every runtime's defaults growing with its GPUs; explicit contradictions refused with their path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synth, find, container, specErrors, tritonDoc } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';

type K = Record<string, any>;
const server = (objs: K[]) => container(find(objs, 'Deployment'));
const shmOf = (objs: K[]) => find(objs, 'Deployment').spec.template.spec.volumes.find((v: K) => v.name === 'dshm').emptyDir.sizeLimit;

const pvc = { pvc: { claimName: 'models' } };
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
    'spec.yaml: spec.sharedMemorySize: (16Gi) must be below spec.resources.memory.limit (8Gi): /dev/shm is memory-backed and its pages count against the server\'s memory limit, so it must leave the server memory of its own');
});

test('refuses a /dev/shm sizeLimit equal to an explicit memory limit (it would leave the server no memory)', async () => {
  assert.equal(specErrors(tritonDoc({ sharedMemorySize: '8Gi', resources: { gpu: { count: 1 }, memory: { limit: '8192Mi' } } })),
    'spec.yaml: spec.sharedMemorySize: (8Gi) must be below spec.resources.memory.limit (8192Mi): /dev/shm is memory-backed and its pages count against the server\'s memory limit, so it must leave the server memory of its own');
  // just below the limit is the user's call
  const objs = synth(tritonDoc({ sharedMemorySize: '7Gi', resources: { gpu: { count: 1 }, memory: { limit: '8Gi' } } }));
  assert.deepEqual([shmOf(objs), server(objs).resources.limits.memory], ['7Gi', '8Gi']);
});

const gpuDoc = (runtime: string, models: unknown[], gpus: number, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm', namespace: 'ml' },
  spec: { runtime, models, repository: pvc, resources: { gpu: { count: gpus } }, ...spec },
});
const perRuntime: [string, unknown[]][] = [
  ['triton', [{ name: 'r', format: 'onnx' }]],
  ['tfserving', [{ name: 'r', format: 'savedmodel' }]],
  ['torchserve', [{ name: 'r', format: 'mar' }]],
];

test('grows Triton\'s, TF Serving\'s and TorchServe\'s default memory, CPU and /dev/shm with the GPU count', async () => {
  for (const [runtime, models] of perRuntime) {
    const one = synth(gpuDoc(runtime, models, 1));
    assert.deepEqual([server(one).resources.requests.cpu, server(one).resources.limits.cpu, server(one).resources.limits.memory, shmOf(one)],
      ['2', '4', '8Gi', '1Gi'], `${runtime}, 1 GPU: unchanged`);
    const eight = synth(gpuDoc(runtime, models, 8));
    const r = server(eight).resources;
    assert.deepEqual([r.requests.cpu, r.requests.memory, r.limits.cpu, r.limits.memory, r.limits['nvidia.com/gpu'], shmOf(eight)],
      ['16', '64Gi', '32', '64Gi', 8, '8Gi'], `${runtime}, 8 GPUs`);
    await assertValidObjects(eight);
  }
});

test('keeps explicit values over the per-GPU defaults, and fits the default /dev/shm into an explicit limit', () => {
  for (const [runtime, models] of perRuntime) {
    const r = server(synth(gpuDoc(runtime, models, 4, { resources: { gpu: { count: 4 }, cpu: { limit: '3' }, memory: { limit: '12Gi' } } }))).resources;
    // CPU request: the 8-CPU default lowered to the explicit limit; memory request follows the explicit limit
    assert.deepEqual([r.requests.cpu, r.limits.cpu, r.requests.memory, r.limits.memory], ['3', '3', '12Gi', '12Gi'], runtime);
    const objs = synth(gpuDoc(runtime, models, 4, { resources: { gpu: { count: 4 }, memory: { limit: '12Gi' } } }));
    assert.equal(shmOf(objs), '4Gi', `${runtime}: 4Gi default below half of 12Gi`);
    assert.equal(shmOf(synth(gpuDoc(runtime, models, 4, { resources: { gpu: { count: 4 }, memory: { limit: '6Gi' } } }))), '3Gi', `${runtime}: halved`);
    const shm = synth(gpuDoc(runtime, models, 4, { sharedMemorySize: '40Gi' }));
    assert.equal(server(shm).resources.limits.memory, '80Gi', `${runtime}: twice an explicit /dev/shm beats 4 x 8Gi`);
  }
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
  // a download adds its volume: 12Gi (10Gi plus a fifth) + the cache, sized like it (12Gi)
  const both = synth(tritonDoc({ models: [{ name: 'r', format: 'onnx', optimization: { tensorrt: { precision: 'FP16' } } }], repository: { uri: 's3://b/m', modelSize: '10Gi' } }));
  assert.equal(server(both).resources.requests['ephemeral-storage'], '24Gi');
});

test('sizes the TensorRT engine cache from the model size: max(10Gi, modelSize plus a fifth), and requests it', async () => {
  const trtModels = [{ name: 'r', format: 'onnx', optimization: { tensorrt: { precision: 'FP16' } } }];
  const big = synth(tritonDoc({ models: trtModels, repository: { pvc: { claimName: 'models' }, modelSize: '30Gi' } }));
  assert.deepEqual(volumesOf(big).find((v) => v.name === 'writable-0'), { name: 'writable-0', emptyDir: { sizeLimit: '36Gi' } });
  assert.equal(server(big).resources.requests['ephemeral-storage'], '36Gi', 'the models are on a PVC: the cache alone');
  // downloaded: the 30Gi download volume (36Gi) and the cache (36Gi)
  const dl = synth(tritonDoc({ models: trtModels, repository: { uri: 's3://b/m', modelSize: '30Gi' } }));
  assert.equal(server(dl).resources.requests['ephemeral-storage'], '72Gi');
  await assertValidObjects(dl);
  // small models keep the 10Gi floor; 9000Mi plus a fifth is 10800Mi
  const small = synth(tritonDoc({ models: trtModels, repository: { pvc: { claimName: 'models' }, modelSize: '2Gi' } }));
  assert.equal(volumesOf(small).find((v) => v.name === 'writable-0')!.emptyDir.sizeLimit, '10Gi');
  const odd = synth(tritonDoc({ models: trtModels, repository: { pvc: { claimName: 'models' }, modelSize: '9000Mi' } }));
  assert.equal(volumesOf(odd).find((v) => v.name === 'writable-0')!.emptyDir.sizeLimit, '10800Mi');
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
