/**
 * GPU generation vs image: the product table, GPU Feature Discovery's label suffixes, and the refusal of a
 * pinned GPU the image's CUDA build cannot run on (spec.image, the default image, rollout track images).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specErrors, tritonDoc, synth, find } from './support/synth';
import { gpuProduct, wholeGpuProduct } from '../lib/spec/gpu-products';

const V100 = 'Tesla-V100-SXM2-32GB';
const ingress = { gateway: { parentRef: { name: 'inference' } } };

test('knows the compute capability of the products GPU Feature Discovery labels', () => {
  assert.equal(gpuProduct('Tesla-V100-SXM2-32GB')?.computeCapability, 7.0);
  assert.equal(gpuProduct('Tesla-T4')?.computeCapability, 7.5);
  assert.equal(gpuProduct('NVIDIA-A100-SXM4-80GB')?.computeCapability, 8.0);
  assert.equal(gpuProduct('NVIDIA-L4')?.computeCapability, 8.9);
  assert.equal(gpuProduct('NVIDIA-H100-80GB-HBM3')?.computeCapability, 9.0);
  assert.equal(gpuProduct('NVIDIA-B200')?.computeCapability, 10.0);
  assert.equal(gpuProduct('Some-Future-GPU'), undefined);
});

test('reads MIG and time-sliced product labels as their whole GPU', () => {
  assert.equal(wholeGpuProduct('NVIDIA-A100-SXM4-40GB-MIG-1g.5gb'), 'NVIDIA-A100-SXM4-40GB');
  assert.equal(wholeGpuProduct('NVIDIA-H100-80GB-HBM3-MIG-1g.10gb+me'), 'NVIDIA-H100-80GB-HBM3');
  assert.equal(wholeGpuProduct('Tesla-T4-SHARED'), 'Tesla-T4');
  assert.equal(gpuProduct('NVIDIA-A100-SXM4-40GB-MIG-3g.20gb')?.computeCapability, 8.0);
});

test('refuses a V100 with the default Triton image (CUDA 13), naming both fields and the CUDA 12 tag', () => {
  assert.equal(specErrors(tritonDoc({ resources: { gpu: { count: 1, product: V100 } } })),
    'spec.yaml: spec.resources.gpu.product: Tesla-V100-SXM2-32GB (Volta, compute capability 7.0) cannot run the default image nvcr.io/nvidia/tritonserver:26.07-py3: its CUDA 13.3 build supports compute capability 7.5 and newer; pin spec.image to nvcr.io/nvidia/tritonserver:25.07-py3 (CUDA 12.9) or choose a GPU of compute capability 7.5 or newer');
});

test('refuses a V100 with an explicit CUDA 13 spec.image', () => {
  assert.equal(specErrors(tritonDoc({ image: 'nvcr.io/nvidia/tritonserver:25.08-py3', resources: { gpu: { count: 1, product: V100 } } })),
    'spec.yaml: spec.resources.gpu.product: Tesla-V100-SXM2-32GB (Volta, compute capability 7.0) cannot run spec.image nvcr.io/nvidia/tritonserver:25.08-py3: its CUDA 13.x build supports compute capability 7.5 and newer; pin spec.image to nvcr.io/nvidia/tritonserver:25.07-py3 (CUDA 12.9) or choose a GPU of compute capability 7.5 or newer');
});

test('accepts a V100 on the last CUDA 12 Triton release, an L4 on the default, and products it does not know', () => {
  assert.equal(specErrors(tritonDoc({ image: 'nvcr.io/nvidia/tritonserver:25.07-py3', resources: { gpu: { count: 1, product: V100 } } })), undefined);
  assert.equal(specErrors(tritonDoc({ resources: { gpu: { count: 1, product: 'NVIDIA-L4' } } })), undefined);
  assert.equal(specErrors(tritonDoc({ resources: { gpu: { count: 1, product: 'Some-Future-GPU' } } })), undefined);
});

test('refuses a rollout track whose image the pinned GPU cannot run, at the GPU product', () => {
  assert.equal(specErrors(tritonDoc({
    ...ingress, image: 'nvcr.io/nvidia/tritonserver:25.07-py3', resources: { gpu: { count: 1, product: 'Tesla-V100-SXM2-16GB-SHARED' } },
    rollout: { strategy: 'canary', weight: 10, canary: { image: 'nvcr.io/nvidia/tritonserver:26.07-py3' } },
  })), 'spec.yaml: spec.resources.gpu.product: Tesla-V100-SXM2-16GB-SHARED (Volta, compute capability 7.0) cannot run spec.rollout.canary.image nvcr.io/nvidia/tritonserver:26.07-py3: its CUDA 13.3 build supports compute capability 7.5 and newer; pin spec.image to nvcr.io/nvidia/tritonserver:25.07-py3 (CUDA 12.9) or choose a GPU of compute capability 7.5 or newer');
});

test('refuses a GPU product listed in nodeAffinity that the image cannot run, at that value', () => {
  assert.equal(specErrors(tritonDoc({ nodeAffinity: { required: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-L4', 'Tesla-P4'] }] } })),
    'spec.yaml: spec.nodeAffinity.required[0].values[1]: Tesla-P4 (Pascal, compute capability 6.1) cannot run the default image nvcr.io/nvidia/tritonserver:26.07-py3: its CUDA 13.3 build supports compute capability 7.5 and newer; pin spec.image to nvcr.io/nvidia/tritonserver:25.07-py3 (CUDA 12.9) or choose a GPU of compute capability 7.5 or newer');
});

test('refuses a GPU product pinned by spec.nodeSelector or spec.edge.nodeSelector that the image cannot run, at that label', () => {
  const TAIL = 'cannot run the default image nvcr.io/nvidia/tritonserver:26.07-py3: its CUDA 13.3 build supports compute capability 7.5 and newer; pin spec.image to nvcr.io/nvidia/tritonserver:25.07-py3 (CUDA 12.9) or choose a GPU of compute capability 7.5 or newer';
  assert.equal(specErrors(tritonDoc({ nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-P4' } })),
    `spec.yaml: spec.nodeSelector["nvidia.com/gpu.product"]: Tesla-P4 (Pascal, compute capability 6.1) ${TAIL}`);
  assert.equal(specErrors(tritonDoc({ mode: 'edge', repository: { uri: 's3://b/m' }, edge: { nodeSelector: { 'nvidia.com/gpu.product': V100 } } })),
    `spec.yaml: spec.edge.nodeSelector["nvidia.com/gpu.product"]: ${V100} (Volta, compute capability 7.0) ${TAIL}`);
  assert.equal(specErrors(tritonDoc({ nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } })), undefined);
});

test('refuses a nodeSelector GPU product that contradicts resources.gpu.product or a nodeAffinity product requirement', () => {
  assert.equal(specErrors(tritonDoc({
    resources: { gpu: { count: 1, product: 'NVIDIA-L4' } },
    nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' },
    nodeAffinity: { required: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-L4'] }] },
  })), [
    'spec.yaml: spec.nodeSelector["nvidia.com/gpu.product"]: ("NVIDIA-A100-SXM4-80GB") contradicts spec.resources.gpu.product (NVIDIA-L4): no node could run the pods',
    'spec.yaml: spec.nodeAffinity.required[0]: nvidia.com/gpu.product In [NVIDIA-L4] excludes spec.nodeSelector["nvidia.com/gpu.product"] (NVIDIA-A100-SXM4-80GB): no node could run the pods',
  ].join('\n'));
  assert.equal(specErrors(tritonDoc({ resources: { gpu: { count: 1, product: 'NVIDIA-L4' } }, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } })), undefined);
});

test('refuses a V100 for vLLM whatever the CUDA build: vLLM needs compute capability 7.5', () => {
  const doc = (image?: string) => ({
    apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm' },
    spec: { runtime: 'vllm', ...(image ? { image } : {}), models: [{ name: 'l', format: 'huggingface' }], repository: { huggingface: { modelId: 'a/b' } }, resources: { gpu: { count: 1, product: V100 } } },
  });
  assert.equal(specErrors(doc()),
    'spec.yaml: spec.resources.gpu.product: Tesla-V100-SXM2-32GB (Volta, compute capability 7.0) cannot run the default image vllm/vllm-openai:v0.27.1: its CUDA 13.0 build supports compute capability 7.5 and newer; choose a GPU of compute capability 7.5 or newer');
  assert.equal(specErrors(doc('vllm/vllm-openai:v0.27.1-cu129')),
    'spec.yaml: spec.resources.gpu.product: Tesla-V100-SXM2-32GB (Volta, compute capability 7.0) cannot run spec.image vllm/vllm-openai:v0.27.1-cu129: its CUDA 12.9 build supports compute capability 7.5 and newer; choose a GPU of compute capability 7.5 or newer');
});

test('the examples run on a GPU the default images support', () => {
  const objs = synth(tritonDoc({ resources: { gpu: { count: 1, product: 'NVIDIA-L4' } } }));
  const terms = find(objs, 'Deployment').spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
  assert.deepEqual(terms, [{ matchExpressions: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-L4'] }] }]);
});
