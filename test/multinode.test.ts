/** spec.multiNode: a LeaderWorkerSet per track, vLLM's multiprocessing multi-node mode, leaders-only traffic. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { synth, synthFile, find, all, specErrors, K8sObject } from './support/synth';
import { assertValidObjects, validateObjects } from './support/k8s-validate';
import { SHARED_CRDS } from './support/crd-schema';
import { planResources } from '../lib/pulumi';
import type { ModelServingDocument } from '../lib/spec/schema/spec';

const TEMPLATE = 'templates/vllm-multinode-lws.yaml';
const objs = synthFile(TEMPLATE);
const lws = find(objs, 'LeaderWorkerSet', 'llama-405b-lws');
const leader = lws.spec.leaderWorkerTemplate.leaderTemplate;
const worker = lws.spec.leaderWorkerTemplate.workerTemplate;
const server = (t: K8sObject) => t.spec.containers.find((c: K8sObject) => c.name === 'server');
/** The value after `flag` in an argument list. */
const arg = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

function mnDoc(spec: Record<string, unknown> = {}, engine?: Record<string, unknown>, name = 'big'): Record<string, unknown> {
  return {
    apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name, namespace: 'ml' },
    spec: {
      runtime: 'vllm',
      models: [{ name: 'llama', format: 'huggingface', ...(engine ? { engine } : {}) }],
      repository: { pvc: { claimName: 'weights' } },
      resources: { gpu: { count: 8 } },
      multiNode: { nodes: 2 },
      ...spec,
    },
  };
}

test('vllm-multinode-lws.yaml synthesizes to strictly valid objects (the LeaderWorkerSet against its CRD and typed definition)', async (t) => {
  if (!existsSync(join(SHARED_CRDS, 'leaderworkerset.x-k8s.io_leaderworkersets.yaml'))) t.diagnostic(`no ${SHARED_CRDS}: the LeaderWorkerSet is checked by its typed definition only`);
  await assertValidObjects(objs);
});

test('the LeaderWorkerSet check refuses what its CRD refuses: an unknown field and a value outside an enum', async (t) => {
  if (!existsSync(join(SHARED_CRDS, 'leaderworkerset.x-k8s.io_leaderworkersets.yaml'))) return t.skip(`${SHARED_CRDS} is absent: the CRD layer cannot run`);
  const bad = structuredClone(lws);
  bad.spec.leaderWorkerTemplate.sizee = 2;
  bad.spec.startupPolicy = 'LeaderStarted';
  const messages = (await validateObjects([bad])).map((p) => p.message);
  assert.ok(messages.some((m) => m.startsWith('[schema]') && m.includes('sizee')), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('[schema]') && m.includes('must be equal to one of the allowed values')), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('[strict]') && m.includes("'sizee'")), messages.join('\n'));
});

test('one LeaderWorkerSet of size nodes: group restart on failure, replicas left to the HPA, and no Deployment', () => {
  assert.equal(lws.spec.leaderWorkerTemplate.size, 2);
  assert.equal(lws.spec.leaderWorkerTemplate.restartPolicy, 'RecreateGroupOnPodRestart');
  assert.equal(lws.spec.replicas, undefined);
  assert.deepEqual(all(objs, 'Deployment'), []);
  assert.deepEqual(lws.spec.networkConfig, { subdomainPolicy: 'Shared' });
  assert.deepEqual(lws.spec.rolloutStrategy, { type: 'RollingUpdate', rollingUpdateConfiguration: { maxSurge: 0, maxUnavailable: 1 } });
});

test('startupPolicy is LeaderCreated: the leader is ready only after the workers joined its engine, so LeaderReady would never create them', () => {
  assert.equal(lws.spec.startupPolicy, 'LeaderCreated');
  // the leader's readiness is vLLM's /health, which answers only once the engine (every rank) is up
  assert.deepEqual(server(leader).readinessProbe.httpGet, { path: '/health', port: 'http' });
  // and the rendezvous waits as long as the startup budget for pods that start later
  assert.equal(arg(server(worker).args, '--distributed-timeout-seconds'), '3600');
});

test('tensor parallel within a node, pipeline parallel across nodes; each pod gets the spec\'s GPUs and its own /dev/shm', () => {
  for (const t of [leader, worker]) {
    const s = server(t);
    assert.equal(arg(s.args, '--tensor-parallel-size'), '8');
    assert.equal(arg(s.args, '--pipeline-parallel-size'), '2');
    assert.equal(arg(s.args, '--nnodes'), '2');
    assert.equal(arg(s.args, '--distributed-executor-backend'), 'mp');
    assert.equal(arg(s.args, '--master-addr'), '$(LWS_LEADER_ADDRESS)');
    assert.equal(arg(s.args, '--master-port'), '29501');
    assert.equal(s.resources.limits['nvidia.com/gpu'], 8);
    assert.deepEqual(t.spec.volumes.find((v: K8sObject) => v.name === 'dshm').emptyDir, { medium: 'Memory', sizeLimit: '32Gi' });
    assert.deepEqual(s.env.find((e: K8sObject) => e.name === 'VLLM_HOST_IP'), { name: 'VLLM_HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } });
  }
  assert.equal(arg(server(leader).args, '--node-rank'), '0');
  assert.ok(!server(leader).args.includes('--headless'));
  assert.equal(arg(server(worker).args, '--node-rank'), '$(LWS_WORKER_INDEX)');
  assert.ok(server(worker).args.includes('--headless'));
});

test('workers run no server: no ports, no probes, no preStop pause', () => {
  const w = server(worker);
  for (const f of ['ports', 'startupProbe', 'readinessProbe', 'livenessProbe', 'lifecycle']) assert.equal(w[f], undefined, f);
  assert.deepEqual(server(leader).ports, [{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
});

test('the Service, the metrics Service and the HTTPRoute reach the leaders only', () => {
  const svc = find(objs, 'Service', 'llama-405b');
  const metrics = find(objs, 'Service', 'llama-405b-metrics');
  for (const s of [svc, metrics]) {
    assert.ok(matches(s.spec.selector, leader.metadata.labels), `${s.metadata.name} selects the leaders`);
    assert.ok(!matches(s.spec.selector, worker.metadata.labels), `${s.metadata.name} does not select the workers`);
  }
  const route = find(objs, 'HTTPRoute', 'llama-405b');
  assert.deepEqual(route.spec.rules[0].backendRefs, [{ name: 'llama-405b', port: 8000 }]);
});

test('the HPA scales the LeaderWorkerSet (its scale subresource counts groups)', () => {
  const hpa = find(objs, 'HorizontalPodAutoscaler', 'llama-405b');
  assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', name: 'llama-405b-lws' });
  assert.equal(hpa.spec.minReplicas, 2);
});

test('KEDA targets the LeaderWorkerSet too, and a canary\'s default query selects its leader pods by name', async () => {
  const o = synth(mnDoc({
    autoscaling: { engine: 'keda', maxReplicas: 3, keda: { serverAddress: 'http://prometheus:9090', threshold: 10 } },
    rollout: { strategy: 'canary', weight: 10, canary: { image: 'vllm/vllm-openai:v0.31.1' } },
    gateway: { parentRef: { name: 'gw' } }, networkPolicy: { allowFromNamespaces: ['gateway-system'] },
  }));
  await assertValidObjects(o);
  const so = find(o, 'ScaledObject', 'big-canary');
  assert.deepEqual(so.spec.scaleTargetRef, { apiVersion: 'leaderworkerset.x-k8s.io/v1', kind: 'LeaderWorkerSet', name: 'big-canary-lws' });
  // the canary's series only: only leaders are scraped (the metrics Service selects them), so the track is enough
  assert.match(so.spec.triggers[0].metadata.query, /job="big-metrics",model_serving_track="canary"/);
  assert.equal(find(o, 'Service', 'big-metrics').spec.selector['model-serving/role'], 'leader');
  // the canary's own Service selects the canary's leaders
  assert.equal(find(o, 'Service', 'big-canary').spec.selector['model-serving/role'], 'leader');
});

test('one PodDisruptionBudget per track, counted in pods so that one group is disrupted at a time', () => {
  const pdb = find(objs, 'PodDisruptionBudget', 'llama-405b');
  assert.equal(pdb.spec.maxUnavailable, 1);
  assert.equal(pdb.spec.minAvailable, undefined);
  // it covers the leaders and the workers: an eviction of either restarts the group
  assert.ok(matches(pdb.spec.selector.matchLabels, leader.metadata.labels));
  assert.ok(matches(pdb.spec.selector.matchLabels, worker.metadata.labels));
  // a single group gets none: any budget would block every node drain
  assert.deepEqual(all(synth(mnDoc({ replicas: 1 })), 'PodDisruptionBudget'), []);
});

test('the NetworkPolicy lets the pods of a group reach each other on every port (rendezvous, NCCL, message queues)', () => {
  const np = find(objs, 'NetworkPolicy', 'llama-405b');
  const peer = np.spec.ingress.find((r: K8sObject) => r.ports === undefined);
  assert.deepEqual(peer, { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vllm', 'app.kubernetes.io/instance': 'llama-405b' } } }] });
  // single-pod specs get no such rule
  assert.ok(find(synthFile('templates/vllm-llama.yaml'), 'NetworkPolicy').spec.ingress.every((r: K8sObject) => r.ports !== undefined));
});

test('engine fields override the split: tensor parallel across both nodes, or an explicit pipeline size', () => {
  const tp16 = server(find(synth(mnDoc({}, { tensorParallelSize: 16 })), 'LeaderWorkerSet').spec.leaderWorkerTemplate.leaderTemplate);
  assert.equal(arg(tp16.args, '--tensor-parallel-size'), '16');
  assert.equal(arg(tp16.args, '--pipeline-parallel-size'), '1');
  const pp4 = server(find(synth(mnDoc({}, { pipelineParallelSize: 4 })), 'LeaderWorkerSet').spec.leaderWorkerTemplate.workerTemplate);
  assert.equal(arg(pp4.args, '--tensor-parallel-size'), '4');
  assert.deepEqual(pp4.args.filter((a: string) => a === '--pipeline-parallel-size'), ['--pipeline-parallel-size']);
  assert.equal(arg(pp4.args, '--pipeline-parallel-size'), '4');
});

test('the user\'s extraArgs stay last (they override the generated multi-node arguments)', () => {
  const s = server(find(synth(mnDoc({ extraArgs: ['--enforce-eager'] })), 'LeaderWorkerSet').spec.leaderWorkerTemplate.workerTemplate);
  assert.equal(s.args[s.args.length - 1], '--enforce-eager');
});

test('the Pulumi plan creates the LeaderWorkerSet after its prerequisites and lists its CRD', () => {
  const doc = parse(readFileSync(TEMPLATE, 'utf8')) as ModelServingDocument;
  const plan = planResources([doc], { componentName: 'llm' });
  const r = plan.resources.find((x) => x.kind === 'LeaderWorkerSet')!;
  assert.equal(r.stage, 'workloads');
  assert.ok(r.dependsOn.includes('llm-configmap-llama-405b-metrics-adapter-rule') || r.dependsOn.includes('llm-serviceaccount-llama-405b'), r.dependsOn.join(','));
  assert.ok(plan.requiredCrds.includes('leaderworkerset.x-k8s.io/v1 LeaderWorkerSet'));
  const hpa = plan.resources.find((x) => x.kind === 'HorizontalPodAutoscaler')!;
  assert.ok(hpa.dependsOn.includes(r.logicalName));
});

test('refuses tensorParallelSize x pipelineParallelSize that does not match nodes x GPUs', () => {
  assert.equal(specErrors(mnDoc({}, { tensorParallelSize: 8, pipelineParallelSize: 3 })),
    'spec.yaml: spec.models[0].engine: tensorParallelSize (8) x pipelineParallelSize (3) = 24 must equal the GPUs of a replica, spec.multiNode.nodes (2) x spec.resources.gpu.count (8) = 16: one vLLM engine uses exactly tensorParallelSize x pipelineParallelSize GPUs');
  assert.equal(specErrors(mnDoc({}, { tensorParallelSize: 6 })),
    'spec.yaml: spec.models[0].engine: tensorParallelSize (6) x pipelineParallelSize (2 by default) = 12 must equal the GPUs of a replica, spec.multiNode.nodes (2) x spec.resources.gpu.count (8) = 16: one vLLM engine uses exactly tensorParallelSize x pipelineParallelSize GPUs');
});

test('refuses a pipelineParallelSize that does not fit the GPUs of a single-pod replica', () => {
  const doc = mnDoc({ multiNode: undefined, resources: { gpu: { count: 4 } } }, { pipelineParallelSize: 3 });
  assert.equal(specErrors(doc),
    'spec.yaml: spec.models[0].engine: tensorParallelSize (1 by default) x pipelineParallelSize (3) = 3 must equal the GPUs of a replica, spec.resources.gpu.count (4): one vLLM engine uses exactly tensorParallelSize x pipelineParallelSize GPUs');
});

test('refuses spec.multiNode for a runtime without a multi-node mode', () => {
  const doc = { apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm', namespace: 'ml' },
    spec: { runtime: 'triton', models: [{ name: 'r', format: 'onnx' }], repository: { pvc: { claimName: 'x' } }, resources: { gpu: { count: 1 } }, multiNode: { nodes: 2 } } };
  assert.equal(specErrors(doc), 'spec.yaml: spec.multiNode: is supported by runtime vllm only (runtime triton runs one pod per replica)');
});

test('refuses spec.multiNode without GPUs, outside mode online, and with fewer than 2 nodes', () => {
  assert.equal(specErrors(mnDoc({ resources: undefined, image: 'vllm/vllm-cpu:v0.31.0' })),
    'spec.yaml: spec.multiNode: needs spec.resources.gpu.count: the GPUs of each pod of a group');
  assert.equal(specErrors(mnDoc({ mode: 'edge', edge: { nodeSelector: { edge: 'true' } } })),
    'spec.yaml: spec.multiNode: applies to mode online only (mode is edge)');
  assert.match(specErrors(mnDoc({ multiNode: { nodes: 1 } }))!, /^spec\.yaml: spec\.multiNode\.nodes: /);
});

test('refuses a VerticalPodAutoscaler with spec.multiNode', () => {
  assert.equal(specErrors(mnDoc({ verticalAutoscaling: {} })),
    'spec.yaml: spec.verticalAutoscaling: cannot act on a LeaderWorkerSet (spec.multiNode): its scale selector selects the leaders only, and an eviction restarts the whole group');
});

test('refuses a minAvailable or percentage disruption budget with spec.multiNode (the budget counts groups)', () => {
  assert.equal(specErrors(mnDoc({ replicas: 3, disruption: { minAvailable: 2 } })),
    'spec.yaml: spec.disruption.minAvailable: is not supported with spec.multiNode: one evicted pod restarts its whole group, so the budget is maxUnavailable, counted in groups');
  assert.equal(specErrors(mnDoc({ replicas: 3, disruption: { maxUnavailable: '50%' } })),
    'spec.yaml: spec.disruption.maxUnavailable: ("50%") must be a number of groups with spec.multiNode (a percentage of pods does not bound the groups disrupted)');
});

test('refuses a name the LeaderWorkerSet cannot carry: a leading digit, or too long for its StatefulSets', () => {
  assert.equal(specErrors(mnDoc({}, undefined, '4llama')),
    'spec.yaml: metadata.name: "4llama" names the Services of mode online, and a Service name must be a DNS-1035 label: start with a letter (a-z)');
  const long = 'a'.repeat(47);
  assert.equal(specErrors(mnDoc({}, undefined, long)),
    `spec.yaml: metadata.name: ("${long}", 47 characters) must be at most 46 characters with spec.multiNode: the LeaderWorkerSet ${long}-lws names one StatefulSet per group (${long}-lws-<group>), and a StatefulSet name over 52 characters breaks its pods' controller-revision-hash label`);
  // a canary track and more groups leave less room
  assert.match(specErrors(mnDoc({ autoscaling: { maxReplicas: 20 }, rollout: { strategy: 'canary', weight: 5, canary: {} }, gateway: { parentRef: { name: 'gw' } }, networkPolicy: { allowFromNamespaces: ['gw'] } }, undefined, 'a'.repeat(40)))!, /must be at most 38 characters/);
});

test('refuses a shared GPU claim with spec.multiNode', () => {
  assert.equal(specErrors(mnDoc({ resources: { gpu: { count: 8, claim: { sharing: { strategy: 'MPS' } } } } })),
    'spec.yaml: spec.resources.gpu.claim.sharing: cannot be used with spec.multiNode: a shared ResourceClaim is allocated on one node, and the pods of a group run on different nodes');
});
