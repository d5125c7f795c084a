/**
 * The image table (lib/runtimes/images.ts) is the one place default images live: the runtimes, the generated
 * manifests, docs/RUNTIMES.md and the README agree with it; the CUDA build of other tags is classified from the
 * same upstream facts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { IMAGE_TABLE, imageTableMarkdown, imageSourcesMarkdown, defaultImageOf, HELPER_IMAGES, helperImagesMarkdown } from '../lib/runtimes/images';
import { getRuntime } from '../lib/runtimes/registry';
import { synth, synthFile, find, container, specErrors } from './support/synth';
import { tritonImageCuda } from '../lib/runtimes/triton';
import { vllmImageCuda } from '../lib/runtimes/vllm';
import { tfservingImageCuda } from '../lib/runtimes/tfserving';

const docs = readFileSync('docs/RUNTIMES.md', 'utf8');

const MODELS: Record<string, { models: unknown[]; repository: unknown }> = {
  triton: { models: [{ name: 'm', format: 'onnx' }], repository: { pvc: { claimName: 'models' } } },
  tfserving: { models: [{ name: 'm', format: 'savedmodel' }], repository: { pvc: { claimName: 'models' } } },
  torchserve: { models: [{ name: 'm', format: 'mar' }], repository: { pvc: { claimName: 'models' } } },
  vllm: { models: [{ name: 'm', format: 'huggingface' }], repository: { huggingface: { modelId: 'org/model' } } },
};

const serverImage = (runtime: string, gpu: boolean) => container(find(synth({
  apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm', namespace: 'ml' },
  spec: { runtime, ...MODELS[runtime], ...(gpu ? { resources: { gpu: { count: 1 } } } : {}) },
}), 'Deployment')).image;

test('pins Triton 26.07, TF Serving 2.20.0, TorchServe 0.12.0 and vLLM v0.27.1', () => {
  assert.deepEqual(IMAGE_TABLE.map((r) => [r.runtime, r.gpu.image, r.cpu?.image]), [
    ['triton', 'nvcr.io/nvidia/tritonserver:26.07-py3', 'nvcr.io/nvidia/tritonserver:26.07-py3'],
    ['tfserving', 'tensorflow/serving:2.20.0-gpu', 'tensorflow/serving:2.20.0'],
    ['torchserve', 'pytorch/torchserve:0.12.0-gpu', 'pytorch/torchserve:0.12.0-cpu'],
    ['vllm', 'vllm/vllm-openai:v0.27.1', undefined],
  ]);
});

test('the runtimes and the generated manifests use the table\'s images, with and without a GPU', () => {
  for (const row of IMAGE_TABLE) {
    const runtime = getRuntime(row.runtime);
    assert.equal(runtime.defaultImage(true), row.gpu.image);
    assert.equal(serverImage(row.runtime, true), row.gpu.image);
    if (row.cpu) {
      assert.equal(runtime.defaultImage(false), row.cpu.image);
      assert.equal(serverImage(row.runtime, false), row.cpu.image);
    }
    assert.equal(defaultImageOf(row.runtime, true), row.gpu.image);
  }
});

test('docs/RUNTIMES.md shows the table and the source of every row, as generated from it', () => {
  assert.ok(docs.includes(imageTableMarkdown()), 'docs/RUNTIMES.md must contain imageTableMarkdown() verbatim');
  assert.ok(docs.includes(imageSourcesMarkdown()), 'docs/RUNTIMES.md must contain imageSourcesMarkdown() verbatim');
});

test('every helper image comes from HELPER_IMAGES: the docs show it, and every image in the synthesized templates is a server or helper image', () => {
  assert.ok(docs.includes(helperImagesMarkdown()), 'docs/RUNTIMES.md must contain helperImagesMarkdown() verbatim');
  const known = new Set<string>([...Object.values(HELPER_IMAGES).map((h) => h.image),
    ...IMAGE_TABLE.flatMap((r) => [r.gpu.image, r.cpu?.image, r.olderDrivers?.image].filter((x): x is string => x !== undefined))]);
  const used = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) (k === 'image' && typeof x === 'string' ? used.add(x) : walk(x));
    }
  };
  for (const f of readdirSync('templates').filter((n) => n.endsWith('.yaml'))) walk(synthFile(join('templates', f)));
  // the templates set their own server images for a few runtimes (spec.image) and the TensorRT build image follows the serving image
  const other = [...used].filter((i) => !known.has(i) && !/^nvcr\.io\/nvidia\/(tritonserver|tensorrt):/.test(i) && !/^(tensorflow\/serving|vllm\/vllm-openai|pytorch\/torchserve):/.test(i));
  assert.deepEqual(other, []);
  for (const h of Object.values(HELPER_IMAGES)) assert.ok(used.has(h.image), `${h.image} is used by some template`);
});

test('the README names the table\'s default images', () => {
  const readme = readFileSync('README.md', 'utf8');
  for (const row of IMAGE_TABLE) assert.ok(readme.includes(row.gpu.image.replace(/-gpu$/, '')), row.gpu.image);
});

test('states the CUDA build, driver and GPU floor of each default image, and the tag for older drivers', () => {
  const triton = IMAGE_TABLE[0];
  // the driver 26.07's own compatibility matrix names (CUDA 13.3.0, driver 610.43.02), with the ways below it
  assert.deepEqual([triton.gpu.cuda!.major, triton.gpu.cuda!.minDriver, triton.gpu.cuda!.minComputeCapability], [13, 610, 7.5]);
  assert.match(triton.gpu.cuda!.olderDriverNote!, /^580-609 through CUDA minor-version compatibility, .*forward-compatibility/);
  assert.equal(triton.olderDrivers!.image, 'nvcr.io/nvidia/tritonserver:25.07-py3');
  assert.deepEqual([triton.olderDrivers!.cuda!.major, triton.olderDrivers!.cuda!.minDriver], [12, 525]);
  const vllm = IMAGE_TABLE[3];
  assert.deepEqual([vllm.gpu.cuda!.major, vllm.gpu.cuda!.minDriver, vllm.gpu.cuda!.minComputeCapability], [13, 580, 7.5]);
  assert.equal(vllm.olderDrivers!.image, 'vllm/vllm-openai:v0.27.1-cu129');
  assert.equal(IMAGE_TABLE[1].gpu.cuda!.minComputeCapability, 6.0);
});

test('classifies Triton tags: CUDA 13 from 25.08 (trtllm images from 25.11), CUDA 12 from 24.04, older unknown', () => {
  const major = (tag: string) => tritonImageCuda(`nvcr.io/nvidia/tritonserver:${tag}`)?.major;
  assert.equal(major('25.08-py3'), 13);
  assert.equal(major('25.07-py3'), 12);
  assert.equal(major('24.04-py3'), 12);
  assert.equal(major('24.03-py3'), undefined);
  assert.equal(major('25.10-trtllm-python-py3'), 12);
  assert.equal(major('25.11-trtllm-python-py3'), 13);
  assert.equal(major('26.01-vllm-python-py3'), 13);
  assert.equal(tritonImageCuda('registry.example.org/triton@sha256:' + 'a'.repeat(64)), undefined);
});

test('classifies TF Serving 2.19.1-gpu by its build\'s own capabilities (.bazelrc sm_50): Maxwell runs it, not 2.20.0', () => {
  const c = tfservingImageCuda('tensorflow/serving:2.19.1-gpu')!;
  assert.deepEqual([c.version, c.major, c.minComputeCapability], ['12.2', 12, 5.0]);
  assert.match(c.source, /2\.19\.1 .*\.bazelrc cuda_clang TF_CUDA_COMPUTE_CAPABILITIES="sm_50,sm_60,sm_70,sm_80,compute_90"/);
  assert.equal(tfservingImageCuda('tensorflow/serving:2.20.0-gpu')!.minComputeCapability, 6.0);
  const doc = (image: string, product: string) => ({
    apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm', namespace: 'ml' },
    spec: { runtime: 'tfserving', image, models: [{ name: 'r', format: 'savedmodel' }], repository: { pvc: { claimName: 'models' } }, resources: { gpu: { count: 1, product } } },
  });
  assert.equal(specErrors(doc('tensorflow/serving:2.19.1-gpu', 'Tesla-M60')), undefined);
  assert.equal(specErrors(doc('tensorflow/serving:2.20.0-gpu', 'Tesla-M60')),
    'spec.yaml: spec.resources.gpu.product: Tesla-M60 (Maxwell, compute capability 5.2) cannot run spec.image tensorflow/serving:2.20.0-gpu: its CUDA 12.5 build supports compute capability 6.0 and newer; choose a GPU of compute capability 6.0 or newer');
});

test('classifies vLLM tags by their -cuXYZ suffix, else by release', () => {
  const c = (tag: string) => { const x = vllmImageCuda(`vllm/vllm-openai:${tag}`); return x && [x.major, x.minComputeCapability]; };
  assert.deepEqual(c('v0.27.1'), [13, 7.5]);
  assert.deepEqual(c('v0.30.0'), [13, 7.5]);
  assert.deepEqual(c('v0.30.0-cu129'), [12, 7.5]);
  assert.deepEqual(c('v0.11.0'), [12, 7.0]);
  assert.equal(c('v0.25.0'), undefined);
  assert.equal(vllmImageCuda('vllm/vllm-openai-cpu:v0.27.1'), undefined);
  assert.equal(tfservingImageCuda('tensorflow/serving:2.20.0'), undefined);
});
