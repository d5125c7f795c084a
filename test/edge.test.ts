/** Mode edge: one server per labelled edge node (a DaemonSet), CPU-only when the spec has no GPU, reached node-locally. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synth, synthFile, find, all, container, tritonDoc, specErrors, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';

const objs = synthFile('templates/triton-edge-cpu.yaml');
const ds = find(objs, 'DaemonSet', 'store-shelf-edge');
const pod = ds.spec.template.spec;
const server = container(ds);
const edgeDoc = (edge: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) =>
  tritonDoc({ mode: 'edge', edge: { nodeSelector: { 'node-role.kubernetes.io/edge': 'true' }, ...edge }, ...spec });

test('every object of the edge template is valid against the Kubernetes schemas, strictly', async () => {
  await assertValidObjects(objs);
});

test('runs a DaemonSet, not a Deployment, updated one node at a time without a second pod per node', () => {
  assert.equal(all(objs, 'Deployment').length, 0);
  assert.deepEqual(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  assert.equal(ds.spec.revisionHistoryLimit, 5);
  assert.deepEqual(ds.spec.selector.matchLabels, {
    'app.kubernetes.io/name': 'triton', 'app.kubernetes.io/instance': 'store-shelf-edge', 'model-serving/track': 'stable',
  });
  assert.equal(pod.topologySpreadConstraints, undefined);
  assert.equal(pod.restartPolicy, undefined);
});

test('runs on the labelled edge nodes and tolerates their taint', () => {
  assert.deepEqual(pod.nodeSelector, { 'node-role.kubernetes.io/edge': 'true' });
  assert.deepEqual(pod.tolerations, [{ key: 'node-role.kubernetes.io/edge', operator: 'Exists', effect: 'NoSchedule' }]);
});

test('merges edge.nodeSelector with spec.nodeSelector', () => {
  const d = find(synth(edgeDoc({}, { nodeSelector: { 'kubernetes.io/arch': 'arm64' } })), 'DaemonSet');
  assert.deepEqual(d.spec.template.spec.nodeSelector, { 'kubernetes.io/arch': 'arm64', 'node-role.kubernetes.io/edge': 'true' });
});

test('a CPU-only edge server requests the edge budget, no GPU, and Triton runs CPU instances', () => {
  assert.deepEqual(server.resources, {
    requests: { cpu: '2', memory: '3Gi' },
    limits: { cpu: '4', memory: '3Gi' },
  });
  assert.ok(server.args.includes('--allow-gpu-metrics=false'));
  const config = find(objs, 'ConfigMap', 'store-shelf-edge-config').data['shelf-yolo.config.pbtxt'];
  assert.match(config, /instance_group \[\n {2}\{\n {4}count: 2\n {4}kind: KIND_CPU\n {2}\}\n\]/);
  const dshm = pod.volumes.find((v: K8sObject) => v.name === 'dshm');
  assert.deepEqual(dshm.emptyDir, { medium: 'Memory', sizeLimit: '256Mi' });
});

test('without a GPU and without an instanceGroup, Triton still gets KIND_CPU', () => {
  const o = synth(edgeDoc({}, { resources: {} }));
  assert.match(find(o, 'ConfigMap', 'm-config').data['resnet50.config.pbtxt'], /kind: KIND_CPU/);
  assert.equal(container(find(o, 'DaemonSet')).resources.limits['nvidia.com/gpu'], undefined);
});

test('a GPU edge node gets the GPU limit, the GPU toleration and the edge tolerations', () => {
  const d = find(synth(edgeDoc({ tolerations: [{ key: 'site', operator: 'Equal', value: 'store-12', effect: 'NoExecute' }] })), 'DaemonSet');
  assert.equal(container(d).resources.limits['nvidia.com/gpu'], 1);
  assert.deepEqual(d.spec.template.spec.tolerations, [
    { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'site', operator: 'Equal', value: 'store-12', effect: 'NoExecute' },
  ]);
});

test('keeps the readiness, liveness and startup probes of the runtime', () => {
  assert.equal(server.readinessProbe.httpGet.path, '/v2/health/ready');
  assert.equal(server.livenessProbe.httpGet.path, '/v2/health/live');
  assert.equal(server.startupProbe.periodSeconds * server.startupProbe.failureThreshold, 600);
});

test('caches a uri model source in the hostPath it was asked for, mounted read-only into the server', () => {
  const store = pod.volumes.find((v: K8sObject) => v.name === 'model-store');
  assert.deepEqual(store, { name: 'model-store', hostPath: { path: '/var/lib/model-serving/store-shelf-edge', type: 'Directory' } });
  const download = container(ds, 'download-models');
  assert.ok(download.args.includes(":http,url='https://models.example.org/':edge/triton"), download.args.join(' '));
  assert.ok(download.args.includes('/model-store'));
  assert.deepEqual(download.volumeMounts.find((m: K8sObject) => m.name === 'model-store'), { name: 'model-store', mountPath: '/model-store' });
  assert.deepEqual(server.volumeMounts.find((m: K8sObject) => m.name === 'model-store'), { name: 'model-store', mountPath: '/model-store', readOnly: true });
});

test('without hostPathCache a uri source downloads into an emptyDir, and a PVC source is mounted as is', () => {
  const uri = find(synth(edgeDoc({}, { repository: { uri: 's3://models/triton' } })), 'DaemonSet');
  assert.deepEqual(uri.spec.template.spec.volumes.find((v: K8sObject) => v.name === 'model-store'), { name: 'model-store', emptyDir: { sizeLimit: '24Gi' } });
  const pvc = find(synth(edgeDoc()), 'DaemonSet');
  assert.deepEqual(pvc.spec.template.spec.volumes.find((v: K8sObject) => v.name === 'model-store'),
    { name: 'model-store', persistentVolumeClaim: { claimName: 'models', readOnly: true } });
});

test('clients on a node reach the replica on that node: the Service has internalTrafficPolicy Local', () => {
  const svc = find(objs, 'Service', 'store-shelf-edge');
  assert.equal(svc.spec.internalTrafficPolicy, 'Local');
  assert.equal(svc.spec.type, 'ClusterIP');
  assert.deepEqual(svc.spec.selector, { 'app.kubernetes.io/name': 'triton', 'app.kubernetes.io/instance': 'store-shelf-edge', 'model-serving/track': 'stable' });
  assert.deepEqual(svc.spec.ports.map((p: K8sObject) => [p.name, p.port]), [['http', 8000], ['grpc', 8001], ['metrics', 8002]]);
  assert.equal(find(objs, 'Service', 'store-shelf-edge-metrics').spec.clusterIP, 'None');
});

test('refuses hostPathCache for a source that is not downloaded', () => {
  assert.equal(specErrors(edgeDoc({ hostPathCache: '/var/cache/models' })),
    'spec.yaml: spec.edge.hostPathCache: applies to repository.uri only (the models come from a PersistentVolumeClaim, which is already local)');
});

test('refuses an edge nodeSelector that contradicts spec.nodeSelector', () => {
  assert.equal(specErrors(edgeDoc({}, { nodeSelector: { 'node-role.kubernetes.io/edge': 'false' } })),
    'spec.yaml: spec.edge.nodeSelector["node-role.kubernetes.io/edge"]: ("true") contradicts spec.nodeSelector["node-role.kubernetes.io/edge"] ("false")');
});

test('refuses an empty edge nodeSelector, which would run a replica on every node', () => {
  assert.equal(specErrors(tritonDoc({ mode: 'edge', edge: { nodeSelector: {} } })),
    'spec.yaml: spec.edge.nodeSelector: must name at least one node label (an empty selector puts a replica on every node of the cluster)');
});

test('refuses mode edge without spec.edge, and replica counts or autoscaling in mode edge', () => {
  assert.equal(specErrors(tritonDoc({ mode: 'edge' })), 'spec.yaml: spec.edge: is required when spec.mode is edge');
  assert.equal(specErrors(edgeDoc({}, { replicas: 3 })), 'spec.yaml: spec.replicas: applies to mode online only (mode is edge)');
  assert.equal(specErrors(edgeDoc({}, { autoscaling: { minReplicas: 1, maxReplicas: 3 } })), 'spec.yaml: spec.autoscaling: applies to mode online only (mode is edge)');
  assert.equal(specErrors(tritonDoc({ edge: { nodeSelector: { edge: 'true' } } })), 'spec.yaml: spec.edge: applies to mode edge only (mode is online)');
});
