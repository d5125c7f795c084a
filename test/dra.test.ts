/** spec.resources.gpu.claim: GPUs through Dynamic Resource Allocation, CEL selectors, NVIDIA DRA driver sharing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { synth, synthFile, find, all, container, specErrors, tritonDoc } from './support/synth';
import { assertValidObjects, validateObjects } from './support/k8s-validate';
import { planResources } from '../lib/pulumi';
import { classFor, classIn } from '../lib/pulumi/resources';
import * as k8s from '@pulumi/kubernetes';
import { parseSpecs } from '../lib/spec/load';
import type { ModelServingDocument } from '../lib/spec/schema/spec';

const TEMPLATE = 'templates/triton-dra-shared.yaml';
const objs = synthFile(TEMPLATE);
const deploy = find(objs, 'Deployment', 'text-classifiers');
const pod = deploy.spec.template.spec;

const claimDoc = (claim: Record<string, unknown>, spec: Record<string, unknown> = {}) =>
  tritonDoc({ resources: { gpu: { count: 1, claim } }, ...spec });

test('triton-dra-shared.yaml synthesizes to strictly valid objects (the NVIDIA driver config against its typed definition)', async () => {
  await assertValidObjects(objs);
});

test('the driver-config check refuses what the NVIDIA DRA driver refuses: an unknown field, a strategy and its missing config', async () => {
  const claim = structuredClone(find(objs, 'ResourceClaim'));
  const params = claim.spec.devices.config[0].opaque.parameters;
  params.sharing.mpsConfig.defaultActiveThreadPercentag = 33;
  params.sharing.strategy = 'Exclusive';
  const messages = (await validateObjects([claim])).map((p) => p.message);
  assert.ok(messages.some((m) => m.startsWith('[strict] spec.devices.config[0].opaque.parameters') && m.includes('defaultActiveThreadPercentag')), messages.join('\n'));
  assert.ok(messages.includes('[schema] spec.devices.config[0].opaque.parameters: sharing.strategy: unknown GPU sharing strategy: Exclusive'), messages.join('\n'));
  const noConfig = structuredClone(find(objs, 'ResourceClaim'));
  delete noConfig.spec.devices.config[0].opaque.parameters.sharing.mpsConfig;
  assert.deepEqual((await validateObjects([noConfig])).map((p) => p.message),
    ['[schema] spec.devices.config[0].opaque.parameters: sharing.mpsConfig: required with MPS (Validate dereferences it)']);
});

test('sharing: one ResourceClaim for the track, referenced by every replica, with the driver\'s MPS config', () => {
  assert.deepEqual(all(objs, 'ResourceClaimTemplate'), []);
  const claim = find(objs, 'ResourceClaim');
  assert.match(claim.metadata.name, /^text-classifiers-gpu-[0-9a-f]{10}$/);
  assert.deepEqual(claim.spec, {
    devices: {
      requests: [{ name: 'gpu', exactly: { deviceClassName: 'gpu.nvidia.com', selectors: [{ cel: { expression: "device.attributes['gpu.nvidia.com'].productName == 'NVIDIA L4'" } }], allocationMode: 'ExactCount', count: 1 } }],
      config: [{ requests: ['gpu'], opaque: { driver: 'gpu.nvidia.com', parameters: { apiVersion: 'resource.nvidia.com/v1beta1', kind: 'GpuConfig', sharing: { strategy: 'MPS', mpsConfig: { defaultActiveThreadPercentage: 33, defaultPinnedDeviceMemoryLimit: '7Gi' } } } } }],
    },
  });
  assert.deepEqual(pod.resourceClaims, [{ name: 'gpu', resourceClaimName: claim.metadata.name }]);
  assert.equal(deploy.spec.replicas, 3);
});

test('the container uses the claim instead of the nvidia.com/gpu limit', () => {
  const server = container(deploy);
  assert.deepEqual(server.resources.claims, [{ name: 'gpu', request: 'gpu' }]);
  assert.equal(server.resources.limits['nvidia.com/gpu'], undefined);
  assert.deepEqual(Object.keys(server.resources.limits).sort(), ['cpu', 'memory']);
  // no GPU Feature Discovery node affinity: the device is chosen by the claim's selector
  assert.equal(pod.affinity, undefined);
});

test('without sharing: a ResourceClaimTemplate per track, so every pod gets its own devices', async () => {
  const o = synth(claimDoc({ selectors: ["device.attributes['gpu.nvidia.com'].architecture == 'Hopper'"] }, { replicas: 2 }));
  await assertValidObjects(o);
  const tpl = find(o, 'ResourceClaimTemplate');
  assert.match(tpl.metadata.name, /^m-gpu-[0-9a-f]{10}$/);
  assert.equal(tpl.spec.spec.devices.requests[0].exactly.deviceClassName, 'gpu.nvidia.com');
  assert.equal(tpl.spec.spec.devices.config, undefined);
  assert.deepEqual(all(o, 'ResourceClaim'), []);
  assert.deepEqual(find(o, 'Deployment').spec.template.spec.resourceClaims, [{ name: 'gpu', resourceClaimTemplateName: tpl.metadata.name }]);
});

test('MIG through the driver\'s MIG device class: a MigDeviceConfig, count devices', async () => {
  const o = synth(claimDoc({ deviceClassName: 'mig.nvidia.com', selectors: ["device.attributes['gpu.nvidia.com'].profile == '1g.10gb'"], sharing: { strategy: 'TimeSlicing' } }));
  await assertValidObjects(o);
  const claim = find(o, 'ResourceClaim');
  assert.equal(claim.spec.devices.requests[0].exactly.deviceClassName, 'mig.nvidia.com');
  assert.deepEqual(claim.spec.devices.config[0].opaque.parameters, { apiVersion: 'resource.nvidia.com/v1beta1', kind: 'MigDeviceConfig', sharing: { strategy: 'TimeSlicing' } });
});

test('time slicing on whole GPUs writes its interval (the driver dereferences the config)', async () => {
  const o = synth(claimDoc({ sharing: { strategy: 'TimeSlicing', interval: 'Long' } }));
  await assertValidObjects(o);
  assert.deepEqual(find(o, 'ResourceClaim').spec.devices.config[0].opaque.parameters.sharing, { strategy: 'TimeSlicing', timeSlicingConfig: { interval: 'Long' } });
  assert.deepEqual(find(synth(claimDoc({ sharing: { strategy: 'TimeSlicing' } })), 'ResourceClaim').spec.devices.config[0].opaque.parameters.sharing.timeSlicingConfig, { interval: 'Default' });
});

test('a canary track gets its own claim; the device plugin stays the default', () => {
  const o = synth(claimDoc({}, { rollout: { strategy: 'canary', weight: 10, canary: {} }, gateway: { parentRef: { name: 'inference' } } }));
  const names = all(o, 'ResourceClaimTemplate').map((t) => t.metadata.name).sort();
  assert.equal(names.length, 2);
  assert.match(names[0], /^m-canary-gpu-[0-9a-f]{10}$/);
  assert.match(names[1], /^m-gpu-[0-9a-f]{10}$/);
  assert.equal(find(o, 'Deployment', 'm-canary').spec.template.spec.resourceClaims[0].resourceClaimTemplateName, names[0]);
  assert.equal(find(o, 'Deployment', 'm').spec.template.spec.resourceClaims[0].resourceClaimTemplateName, names[1]);
  const plain = synth(tritonDoc());
  assert.equal(container(find(plain, 'Deployment')).resources.limits['nvidia.com/gpu'], 1);
  assert.equal(find(plain, 'Deployment').spec.template.spec.resourceClaims, undefined);
});

test('batch and edge pods carry the claim too (the server is a sidecar in batch)', async () => {
  const batch = synth(claimDoc({ sharing: { strategy: 'MPS' } }, { mode: 'batch', batch: { input: 's3://in/x/', output: 's3://out/y/', parallelism: 2 } }));
  await assertValidObjects(batch);
  const job = find(batch, 'Job');
  assert.deepEqual(job.spec.template.spec.resourceClaims, [{ name: 'gpu', resourceClaimName: find(batch, 'ResourceClaim').metadata.name }]);
  assert.deepEqual(container(job).resources.claims, [{ name: 'gpu', request: 'gpu' }]);
  const edge = synth(claimDoc({}, { mode: 'edge', edge: { nodeSelector: { edge: 'true' } } }));
  await assertValidObjects(edge);
  assert.equal(find(edge, 'DaemonSet').spec.template.spec.resourceClaims[0].resourceClaimTemplateName, find(edge, 'ResourceClaimTemplate').metadata.name);
});

test('a changed claim is a new object (claim specs are immutable) and the pods that reference it roll; other changes keep the name', () => {
  const claimOf = (o: ReturnType<typeof synth>) => [...all(o, 'ResourceClaim'), ...all(o, 'ResourceClaimTemplate')][0];
  const ref = (o: ReturnType<typeof synth>) => find(o, 'Deployment').spec.template.spec.resourceClaims[0];
  const mps = { strategy: 'MPS', activeThreadPercentage: 33 };
  const base = synth(claimDoc({ sharing: mps }));
  const name = claimOf(base).metadata.name;
  assert.equal(ref(base).resourceClaimName, name);
  assert.equal(claimOf(synth(claimDoc({ sharing: mps }, { replicas: 3, monitoring: { dashboard: false } }))).metadata.name, name);
  for (const changed of [
    claimDoc({ sharing: { strategy: 'MPS', activeThreadPercentage: 50 } }),
    claimDoc({ sharing: mps, selectors: ["device.attributes['gpu.nvidia.com'].productName == 'NVIDIA L4'"] }),
    claimDoc({ sharing: { strategy: 'TimeSlicing' } }),
    tritonDoc({ resources: { gpu: { count: 2, claim: { sharing: mps } } } }),
  ]) {
    const o = synth(changed);
    assert.notEqual(claimOf(o).metadata.name, name, JSON.stringify(changed.spec.resources));
    assert.equal(ref(o).resourceClaimName, claimOf(o).metadata.name);
  }
  // sharing off: a template, under another name
  const own = synth(claimDoc({}));
  assert.equal(claimOf(own).kind, 'ResourceClaimTemplate');
  assert.notEqual(claimOf(own).metadata.name, name);
  assert.equal(ref(own).resourceClaimTemplateName, claimOf(own).metadata.name);
});

test('the Pulumi plan creates the claim before the Deployment that references it', () => {
  const doc = parse(readFileSync(TEMPLATE, 'utf8')) as ModelServingDocument;
  const plan = planResources([doc], { componentName: 'c' });
  const claim = plan.resources.find((r) => r.kind === 'ResourceClaim')!;
  assert.equal(claim.stage, 'prerequisites');
  assert.deepEqual(claim.typedClass, { module: 'resource', version: 'v1', kind: 'ResourceClaim' });
  const dep = plan.resources.find((r) => r.kind === 'Deployment')!;
  assert.ok(dep.dependsOn.includes(claim.logicalName), dep.dependsOn.join(','));
  assert.ok(!plan.requiredCrds.some((c) => c.startsWith('resource.k8s.io')));
});

test('reports a claim on a @pulumi/kubernetes without resource.k8s.io/v1 classes, naming the first release that has them', () => {
  const doc = parse(readFileSync(TEMPLATE, 'utf8')) as ModelServingDocument;
  const plan = planResources([doc], { componentName: 'c' });
  const claim = plan.resources.find((r) => r.kind === 'ResourceClaim')!;
  // a release before 4.26.0: resource has v1beta2 but no v1
  class Stub {}
  const old = { apiextensions: { CustomResource: Stub }, resource: { v1beta2: { ResourceClaim: Stub } }, apps: { v1: { Deployment: Stub } } };
  assert.throws(() => classIn(claim, old, '4.25.0'), {
    name: 'PlanError',
    message: `ResourceClaim ${claim.name}: @pulumi/kubernetes 4.25.0 has no class k8s.resource.v1.ResourceClaim (resource.k8s.io/v1); ` +
      'it is in @pulumi/kubernetes 4.26.0 and later: install @pulumi/kubernetes@^4.26.0 in the Pulumi project',
  });
  // the other objects of the plan still resolve there; the installed release has the class
  assert.equal(classIn(plan.resources.find((r) => r.kind === 'Deployment')!, old, '4.25.0'), Stub);
  assert.equal(classFor(claim), k8s.resource.v1.ResourceClaim);
});

test('refuses a CEL selector that does not parse, with the line and column', () => {
  assert.equal(specErrors(claimDoc({ selectors: ["device.attributes['gpu.nvidia.com'].productName == "] })),
    'spec.yaml: spec.resources.gpu.claim.selectors[0]: is not a CEL expression: line 1, column 49: found = but expecting end of input');
});

test('refuses a CEL selector that uses a variable other than device', () => {
  assert.equal(specErrors(claimDoc({ selectors: ["gpu.productName == 'NVIDIA L4' && [1].all(x, x > 0)"] })),
    'spec.yaml: spec.resources.gpu.claim.selectors[0]: refers to "gpu": a device selector can use only the variable "device" (device.driver, device.attributes, device.capacity)');
});

const SELECTOR = 'spec.yaml: spec.resources.gpu.claim.selectors[0]: ';
const FIELDS = 'a device has only device.driver, device.attributes, device.capacity, device.allowMultipleAllocations; ' +
  'attributes and capacity are maps keyed by domain, then name (device.attributes[\'gpu.nvidia.com\'].productName)';
const notBool = (type: string) => `evaluates to ${type === 'int' ? 'an' : 'a'} ${type}, not a bool: the API server accepts a selector only when its result is a bool; compare it, e.g. device.driver == 'gpu.nvidia.com'`;

test('refuses a CEL selector that reads a field a device does not have', () => {
  assert.equal(specErrors(claimDoc({ selectors: ["device.driverr == 'gpu.nvidia.com'"] })), `${SELECTOR}reads device.driverr: ${FIELDS}`);
  // inside macros and has() too, each field once
  assert.equal(specErrors(claimDoc({ selectors: ["has(device.attribute) && device.attribute['gpu.nvidia.com'].x.all(a, a > device.capcity)"] })),
    `${SELECTOR}reads device.attribute, device.capcity: ${FIELDS}`);
});

test('refuses a CEL selector whose result is known not to be a bool', () => {
  assert.equal(specErrors(claimDoc({ selectors: ['device.driver'] })), SELECTOR + notBool('string'));
  assert.equal(specErrors(claimDoc({ selectors: ["'gpu.nvidia.com'", '1', "device.attributes['gpu.nvidia.com']"] })), [
    SELECTOR + notBool('string'),
    SELECTOR.replace('[0]', '[1]') + notBool('int'),
    SELECTOR.replace('[0]', '[2]') + notBool('map'),
  ].join('\n'));
});

test('accepts selectors over the device fields, attributes of unknown type, and a loop variable named device', () => {
  for (const sel of [
    "device.attributes['gpu.nvidia.com'].productName == 'NVIDIA L4'",
    "device.attributes['gpu.nvidia.com'].uvm",  // an attribute's type is known only on the device: the API server accepts it
    "has(device.attributes['gpu.nvidia.com'].profile) && device.capacity['gpu.nvidia.com'].memory.compareTo(quantity('40Gi')) >= 0",
    "device.allowMultipleAllocations || [1].exists(device, device.foo == 1)",
    'true',
  ]) assert.equal(specErrors(claimDoc({ selectors: [sel] })), undefined, sel);
});

test('refuses the device plugin\'s resourceName and product together with a claim', () => {
  assert.equal(specErrors(tritonDoc({ resources: { gpu: { count: 1, resourceName: 'nvidia.com/mig-1g.10gb', product: 'NVIDIA-L4', claim: {} } } })), [
    'spec.yaml: spec.resources.gpu.resourceName: is the device plugin\'s extended resource; with spec.resources.gpu.claim the devices come from the claim\'s device class (use deviceClassName mig.nvidia.com for MIG)',
    'spec.yaml: spec.resources.gpu.product: is GPU Feature Discovery\'s node label for the device plugin; with spec.resources.gpu.claim select the product with a CEL selector, e.g. device.attributes[\'gpu.nvidia.com\'].productName == \'NVIDIA L4\'',
  ].join('\n'));
});

test('refuses TensorRT plans (format tensorrt, or built by spec.models[].build) with a claim, once, saying why', () => {
  const WHY = 'a plan loads only on the GPU architecture it was built for, so it is checked against, built on and named after resources.gpu.product, ' +
    'the device plugin\'s node label nvidia.com/gpu.product; a claim\'s devices are chosen by the DRA driver, not by that label (and its CEL selectors are not read for this): ' +
    'request the GPU with resources.gpu.count and resources.gpu.product';
  const plan = { name: 'detector', format: 'tensorrt' };
  // one refusal, whether product is set (which a claim refuses too) or missing (which a plan requires without a claim)
  for (const gpu of [{ count: 1, claim: {} }, { count: 1, product: 'NVIDIA-L4', claim: {} }]) {
    assert.equal(specErrors(tritonDoc({ models: [plan], resources: { gpu } })), `spec.yaml: spec.resources.gpu.claim: cannot serve TensorRT plans (spec.models[0] "detector"): ${WHY}`);
  }
  const built = { name: 'yolo', format: 'tensorrt', versions: [1], build: { tensorrt: {} } };
  assert.equal(specErrors(tritonDoc({
    models: [{ name: 'resnet50', format: 'onnx' }, built], repository: { pvc: { claimName: 'models', readOnly: false } },
    resources: { gpu: { count: 1, claim: { selectors: ["device.attributes['gpu.nvidia.com'].productName == 'NVIDIA L4'"] } } },
  })), `spec.yaml: spec.resources.gpu.claim: cannot serve TensorRT plans (spec.models[1] "yolo"): ${WHY}`);
  // without a claim, the plan runs on the device plugin's GPU of the pinned product
  assert.equal(specErrors(tritonDoc({ models: [plan], resources: { gpu: { count: 1, product: 'NVIDIA-L4' } } })), undefined);
});

test('refuses sharing settings that do not belong to the strategy or the device class', () => {
  assert.equal(specErrors(claimDoc({ deviceClassName: 'mig.nvidia.com', sharing: { strategy: 'MPS', interval: 'Short' } })), [
    'spec.yaml: spec.resources.gpu.claim.sharing.interval: applies to strategy TimeSlicing (strategy is MPS)',
    'spec.yaml: spec.resources.gpu.claim.sharing.interval: is not supported on MIG devices (the driver\'s MigDeviceSharing has no timeSlicingConfig)',
  ].join('\n'));
  assert.equal(specErrors(claimDoc({ sharing: { strategy: 'TimeSlicing', activeThreadPercentage: 50 } })),
    'spec.yaml: spec.resources.gpu.claim.sharing.activeThreadPercentage: applies to strategy MPS (strategy is TimeSlicing)');
  assert.equal(specErrors(claimDoc({ deviceClassName: 'a100.example.com', sharing: { strategy: 'MPS' } })),
    'spec.yaml: spec.resources.gpu.claim.sharing: is the NVIDIA DRA driver\'s GpuConfig (class gpu.nvidia.com) or MigDeviceConfig (class mig.nvidia.com); device class a100.example.com has no known sharing config');
});

test('refuses a shared claim for more pods than a ResourceClaim can hold, or for a DaemonSet', () => {
  assert.equal(specErrors(claimDoc({ sharing: { strategy: 'MPS' } }, { autoscaling: { maxReplicas: 300 } })),
    'spec.yaml: spec.resources.gpu.claim.sharing: is one ResourceClaim for every pod of a track, and a claim holds at most 256 consumers (the track may run 300 pods)');
  assert.equal(specErrors(claimDoc({ sharing: { strategy: 'MPS' } }, { mode: 'edge', edge: { nodeSelector: { edge: 'true' } } })),
    'spec.yaml: spec.resources.gpu.claim.sharing: cannot be used in mode edge: the DaemonSet\'s pods run on many nodes, and a shared ResourceClaim is allocated on one');
});

test('requires Kubernetes 1.34 for a GPU claim (DRA resource.k8s.io/v1)', () => {
  assert.throws(() => parseSpecs(JSON.stringify(claimDoc({})), 'spec.yaml', { kubeVersion: '1.33' }), (e: Error) => {
    assert.equal(e.message, 'spec.yaml: spec.resources.gpu.claim: a GPU claim (ResourceClaimTemplate / ResourceClaim, resource.k8s.io/v1) needs Dynamic Resource Allocation with resource.k8s.io/v1 (feature gate DynamicResourceAllocation, GA in 1.34), which Kubernetes 1.34 has; the target is 1.33 (--kube-version)');
    return true;
  });
});

test('refuses tensor parallelism for vLLM on MIG devices from a claim', () => {
  const doc = { apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm', namespace: 'ml' },
    spec: { runtime: 'vllm', models: [{ name: 'l', format: 'huggingface', engine: { tensorParallelSize: 2 } }], repository: { pvc: { claimName: 'w' } },
      resources: { gpu: { count: 2, claim: { deviceClassName: 'mig.nvidia.com' } } } } };
  assert.equal(specErrors(doc), 'spec.yaml: spec.models[0].engine.tensorParallelSize: tensor parallelism needs whole GPUs: a container sees at most one MIG device');
});

