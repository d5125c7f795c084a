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
  // the Hub cache is an emptyDir: its size is requested as ephemeral storage (test/model-sources.test.ts)
  assert.deepEqual(server(one).resources.requests, { cpu: '2', memory: '10Gi', 'ephemeral-storage': '24Gi' });
  assert.equal(shmOf(one), '2Gi');
  const eight = synth(vllmDoc(8));
  assert.deepEqual(server(eight).resources.requests, { cpu: '16', memory: '80Gi', 'ephemeral-storage': '24Gi' });
  assert.deepEqual(server(eight).resources.limits, { cpu: '32', memory: '80Gi', 'nvidia.com/gpu': 8 });
  assert.equal(shmOf(eight), '16Gi');
  await assertValidObjects(eight);
});

test('fits vLLM\'s default /dev/shm into an explicit memory limit', () => {
  const objs = synth(vllmDoc(8, { resources: { gpu: { count: 8 }, memory: { limit: '24Gi' } } }));
  assert.equal(shmOf(objs), '12Gi');
});
