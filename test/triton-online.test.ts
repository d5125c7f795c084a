/** What one Triton spec produces in mode online: each fact of the foundation asserted on its own. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synth, synthFile, find, all, container, tritonDoc } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { synthesizeSpecs } from '../lib/synth';

const objs = synthFile('templates/triton-onnx-classifier.yaml');
const deploy = find(objs, 'Deployment', 'vision-classifier');
const pod = deploy.spec.template.spec;
const server = container(deploy);

test('every object of the Triton template is valid against the Kubernetes schemas, strictly', async () => {
  await assertValidObjects(objs);
});

test('runs the pinned NGC image with tritonserver and the generated repository', () => {
  assert.equal(server.image, 'nvcr.io/nvidia/tritonserver:26.07-py3');
  assert.deepEqual(server.command, ['tritonserver']);
  assert.ok(server.args.includes('--model-repository=/models'));
  assert.ok(server.args.includes('--model-control-mode=explicit'));
  assert.ok(server.args.includes('--load-model=resnet50'));
  assert.ok(server.args.includes('--strict-readiness=true'));
  assert.ok(server.args.includes('--exit-timeout-secs=30'));
});

test('uses no deprecated Triton flag', () => {
  assert.equal(server.args.filter((a: string) => a.startsWith('--strict-model-config')).length, 0);
  assert.ok(server.args.includes('--disable-auto-complete-config'), 'all tensors are declared, so auto-complete is off');
});

test('keeps auto-complete on when a model leaves its tensors to Triton', () => {
  const c = container(find(synth(tritonDoc()), 'Deployment'));
  assert.equal(c.args.includes('--disable-auto-complete-config'), false);
});

test('exposes ports 8000 http, 8001 grpc and 8002 metrics', () => {
  assert.deepEqual(server.ports, [
    { name: 'http', containerPort: 8000, protocol: 'TCP' },
    { name: 'grpc', containerPort: 8001, protocol: 'TCP' },
    { name: 'metrics', containerPort: 8002, protocol: 'TCP' },
  ]);
});

test('probes readiness on /v2/health/ready and liveness on /v2/health/live', () => {
  assert.equal(server.readinessProbe.httpGet.path, '/v2/health/ready');
  assert.equal(server.livenessProbe.httpGet.path, '/v2/health/live');
  assert.equal(server.readinessProbe.httpGet.port, 'http');
});

test('gives model loading 10 minutes through the startupProbe by default', () => {
  assert.equal(server.startupProbe.httpGet.path, '/v2/health/live');
  assert.equal(server.startupProbe.periodSeconds * server.startupProbe.failureThreshold, 600);
});

test('sizes the startupProbe from startupTimeoutSeconds', () => {
  const c = container(find(synth(tritonDoc({ startupTimeoutSeconds: 1800 })), 'Deployment'));
  assert.equal(c.startupProbe.failureThreshold, 180);
  assert.equal(c.startupProbe.periodSeconds, 10);
});

test('pauses in preStop so in-flight requests drain before Triton unloads', () => {
  // the kubelet's sleep action (Kubernetes 1.30+; the default target is 1.35): no sleep binary needed in the image
  assert.deepEqual(server.lifecycle.preStop, { sleep: { seconds: 15 } });
  const old = container(find(synthesizeSpecs([tritonDoc()], { kubeVersion: '1.29' })[0].objects, 'Deployment'));
  assert.deepEqual(old.lifecycle.preStop, { exec: { command: ['sleep', '15'] } });
  assert.equal(pod.terminationGracePeriodSeconds, 60);
});

test('limits the GPU resource and it really appears in the output', () => {
  assert.equal(server.resources.limits['nvidia.com/gpu'], 1);
  // the TensorRT engine cache (an emptyDir of 10Gi) is node disk the pod requests
  assert.deepEqual(server.resources.requests, { cpu: '4', memory: '16Gi', 'ephemeral-storage': '10Gi' });
  assert.deepEqual({ cpu: server.resources.limits.cpu, memory: server.resources.limits.memory }, { cpu: '8', memory: '16Gi' });
});

test('uses the spec resourceName for a MIG profile', () => {
  const c = container(find(synth(tritonDoc({ resources: { gpu: { count: 2, resourceName: 'nvidia.com/mig-1g.5gb' } } })), 'Deployment'));
  assert.equal(c.resources.limits['nvidia.com/mig-1g.5gb'], 2);
  assert.equal(c.resources.limits['nvidia.com/gpu'], undefined);
});

test('sets cpu and memory defaults when the spec gives none', () => {
  const c = container(find(synth(tritonDoc()), 'Deployment'));
  assert.deepEqual(c.resources.requests, { cpu: '2', memory: '8Gi' });
  assert.deepEqual(c.resources.limits, { cpu: '4', memory: '8Gi', 'nvidia.com/gpu': 1 });
});

test('schedules on the asked GPU product, node selector and tolerates the GPU taint', () => {
  assert.deepEqual(pod.nodeSelector, { accelerator: 'nvidia-l4' });
  assert.deepEqual(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions,
    [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-L4'] }]);
  assert.deepEqual(pod.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
});

test('adds no GPU toleration, limit or GPU metrics without a GPU', () => {
  const d = find(synth(tritonDoc({ resources: {}, models: [{ name: 'a', format: 'onnx' }] })), 'Deployment');
  assert.equal(d.spec.template.spec.tolerations, undefined);
  assert.equal(container(d).resources.limits['nvidia.com/gpu'], undefined);
  assert.ok(container(d).args.includes('--allow-gpu-metrics=false'));
});

test('mounts /dev/shm as a memory-backed emptyDir', () => {
  const dshm = pod.volumes.find((v: any) => v.name === 'dshm');
  assert.deepEqual(dshm.emptyDir, { medium: 'Memory', sizeLimit: '1Gi' });
  assert.ok(server.volumeMounts.some((m: any) => m.name === 'dshm' && m.mountPath === '/dev/shm'));
});

test('sets replicas from the spec', () => {
  assert.equal(deploy.spec.replicas, 3);
});

test('mounts the existing claim read-only at its subPath', () => {
  assert.deepEqual(pod.volumes.find((v: any) => v.name === 'model-store').persistentVolumeClaim, { claimName: 'model-store', readOnly: true });
  assert.deepEqual(server.volumeMounts.find((m: any) => m.name === 'model-store'), { name: 'model-store', mountPath: '/model-store', readOnly: true, subPath: 'triton' });
});

test('creates a claim from pvc.create', () => {
  const o = synth(tritonDoc({ repository: { pvc: { create: { size: '100Gi', storageClassName: 'fast' } } } }));
  const pvc = find(o, 'PersistentVolumeClaim', 'm-models');
  assert.deepEqual(pvc.spec, { accessModes: ['ReadOnlyMany'], storageClassName: 'fast', resources: { requests: { storage: '100Gi' } } });
  assert.equal(find(o, 'Deployment').spec.template.spec.volumes.find((v: any) => v.name === 'model-store').persistentVolumeClaim.claimName, 'm-models');
});

test('delivers config.pbtxt from a ConfigMap through links, never writing into the model store', () => {
  const cm = find(objs, 'ConfigMap', 'vision-classifier-config');
  assert.deepEqual(Object.keys(cm.data), ['resnet50.config.pbtxt']);
  const init = container(deploy, 'assemble-repository');
  assert.equal(init.image, 'busybox:1.37.0');
  assert.deepEqual(init.volumeMounts.map((m: any) => [m.mountPath, m.readOnly ?? false]),
    [['/model-store', true], ['/etc/model-serving', true], ['/models', false]]);
  const script = init.command[2] as string;
  assert.match(script, /ln -sf "\/etc\/model-serving\/\$name\.config\.pbtxt" "\/models\/\$name\/config\.pbtxt"/);
  assert.match(script, /link_model "resnet50" "\/model-store\/resnet50" 1 2/);
  assert.ok(server.volumeMounts.some((m: any) => m.mountPath === '/models' && m.readOnly === true));
});

test('the generated config.pbtxt carries platform, batching, tensors, instances, versions and TensorRT', () => {
  const text: string = find(objs, 'ConfigMap', 'vision-classifier-config').data['resnet50.config.pbtxt'];
  for (const line of [
    'platform: "onnxruntime_onnx"', 'max_batch_size: 32', 'version_policy: { specific: { versions: [ 1, 2 ] } }',
    'data_type: TYPE_FP32', 'dims: [ 3, 224, 224 ]', 'preferred_batch_size: [ 8, 16 ]', 'max_queue_delay_microseconds: 100',
    'count: 2', 'kind: KIND_GPU', 'name : "tensorrt"', 'parameters { key: "precision_mode" value: "FP16" }',
  ]) assert.ok(text.includes(line), line);
});

test('rolls the pods when the generated config changes', () => {
  const a = find(synth(tritonDoc({ models: [{ name: 'a', format: 'onnx', maxBatchSize: 8 }] })), 'Deployment');
  const b = find(synth(tritonDoc({ models: [{ name: 'a', format: 'onnx', maxBatchSize: 16 }] })), 'Deployment');
  assert.notEqual(a.spec.template.metadata.annotations['model-serving/config-hash'], b.spec.template.metadata.annotations['model-serving/config-hash']);
});

test('the Service has the named ports and selects exactly these pods', () => {
  const svc = find(objs, 'Service', 'vision-classifier');
  assert.deepEqual(svc.spec.ports.map((p: any) => [p.name, p.port, p.targetPort]), [['http', 8000, 'http'], ['grpc', 8001, 'grpc'], ['metrics', 8002, 'metrics']]);
  assert.deepEqual(svc.spec.selector, deploy.spec.selector.matchLabels);
  for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(deploy.spec.template.metadata.labels[k], v);
});

test('labels every object with the recommended labels, then the user labels', () => {
  for (const o of objs) {
    const l = o.metadata.labels;
    assert.equal(l['app.kubernetes.io/name'], 'triton', `${o.kind}`);
    assert.equal(l['app.kubernetes.io/instance'], 'vision-classifier');
    assert.equal(l['app.kubernetes.io/version'], '26.07-py3');
    assert.equal(l['app.kubernetes.io/managed-by'], 'cdk8s-model-serving');
    assert.equal(l['app.kubernetes.io/part-of'], 'vision-classifier');
    assert.ok(l['app.kubernetes.io/component']);
    assert.equal(l.team, 'vision');
    assert.equal(o.metadata.namespace, 'ml-prod');
  }
});

test('creates one ServiceAccount for the model and mounts no token', () => {
  assert.equal(all(objs, 'ServiceAccount').length, 1);
  assert.equal(pod.serviceAccountName, 'vision-classifier');
  assert.equal(pod.automountServiceAccountToken, false);
});
