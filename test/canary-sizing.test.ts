/**
 * How many pods each rollout track runs, and what each track's autoscaler reads: a canary sized for its weight,
 * a blue-green preview with the active track's floor, every autoscaler query scoped to its own track.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { synth, find, all, tritonDoc, specErrors, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { promqlProblems } from '../lib/promql/promql';
import { scopeQueryToTrack } from '../lib/promql/track-scope';
import { canaryShare } from '../lib/model/context';

const NEXT_IMAGE = 'nvcr.io/nvidia/tritonserver:25.09-py3';
const PROM = 'http://prometheus-operated.monitoring:9090';
const gateway = { parentRef: { name: 'inference', namespace: 'gateway-system' } };
const canary = (weight: number, track: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  tritonDoc({ gateway, rollout: { strategy: 'canary', weight, canary: { image: NEXT_IMAGE, ...track } }, ...extra });
const replicasOf = (objs: K8sObject[]) => Object.fromEntries(all(objs, 'Deployment').map((d) => [d.metadata.name, d.spec.replicas]));

// --- Canary size ---------------------------------------------------------------------------------------

test('sizes the canary for its weight: its share of the stable replicas, rounded up, at least 1', () => {
  assert.deepEqual(replicasOf(synth(canary(5, {}, { replicas: 4 }))), { m: 4, 'm-canary': 1 });
  assert.deepEqual(replicasOf(synth(canary(0, {}, { replicas: 4 }))), { m: 4, 'm-canary': 1 });
  assert.deepEqual(replicasOf(synth(canary(30, {}, { replicas: 4 }))), { m: 4, 'm-canary': 2 });
  assert.deepEqual(replicasOf(synth(canary(100, {}, { replicas: 3 }))), { m: 3, 'm-canary': 3 });
  assert.deepEqual([canaryShare(0, 50), canaryShare(10, 1), canaryShare(10, 11)], [0, 1, 2]);
});

test('runs spec.rollout.canary.replicas when set', () => {
  assert.deepEqual(replicasOf(synth(canary(5, { replicas: 2 }, { replicas: 4 }))), { m: 4, 'm-canary': 2 });
});

test('bounds the canary\'s autoscaler by its weight\'s share of minReplicas and maxReplicas', async () => {
  const objs = synth(canary(25, {}, { autoscaling: { minReplicas: 2, maxReplicas: 20, targetInferencesPerSecondPerPod: 300 } }));
  await assertValidObjects(objs);
  const bounds = (name: string) => { const h = find(objs, 'HorizontalPodAutoscaler', name).spec; return [h.minReplicas, h.maxReplicas]; };
  assert.deepEqual(bounds('m'), [2, 20]);
  assert.deepEqual(bounds('m-canary'), [1, 5]);
  const own = synth(canary(5, { replicas: 3 }, { autoscaling: { minReplicas: 2, maxReplicas: 20, targetInferencesPerSecondPerPod: 300 } }));
  assert.deepEqual([find(own, 'HorizontalPodAutoscaler', 'm-canary').spec.minReplicas, find(own, 'HorizontalPodAutoscaler', 'm-canary').spec.maxReplicas], [3, 3]);
});

test('refuses canary replicas above spec.autoscaling.maxReplicas', () => {
  assert.equal(specErrors(canary(10, { replicas: 8 }, { autoscaling: { minReplicas: 2, maxReplicas: 6 } })),
    'spec.yaml: spec.rollout.canary.replicas: (8) must be <= spec.autoscaling.maxReplicas (6): it is the floor of the canary\'s autoscaler');
});

test('refuses canary replicas below 1 and on a blue-green track', () => {
  assert.equal(specErrors(canary(10, { replicas: 0 })), 'spec.yaml: spec.rollout.canary.replicas: must be >= 1 (got 0)');
  assert.equal(specErrors(tritonDoc({ rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: { replicas: 2 }, green: {} } } })),
    'spec.yaml: spec.rollout.tracks.blue.replicas: unknown field');
});

// --- Blue-green preview floor ---------------------------------------------------------------------------

const blueGreen = { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: { image: NEXT_IMAGE } } };

test('gives the blue-green preview the active track\'s replica floor, so a flip never lands on fewer pods', async () => {
  assert.deepEqual(replicasOf(synth(tritonDoc({ replicas: 3, rollout: blueGreen }))), { m: 3, 'm-green': 3 });
  const objs = synth(tritonDoc({ rollout: blueGreen, autoscaling: { engine: 'keda', minReplicas: 3, maxReplicas: 9, keda: { serverAddress: PROM, threshold: 100 } } }));
  await assertValidObjects(objs);
  const floors = all(objs, 'ScaledObject').map((s) => [s.metadata.name, s.spec.minReplicaCount, s.spec.maxReplicaCount]);
  assert.deepEqual(floors, [['m', 3, 9], ['m-green', 3, 9]]);
});

// --- Autoscaler queries scoped to their track -------------------------------------------------------------

test('scopes the default KEDA query to each track, so a 5% canary does not scale on 100% of the load', async () => {
  const objs = synth(canary(5, {}, { autoscaling: { engine: 'keda', minReplicas: 2, maxReplicas: 20, keda: { serverAddress: PROM, threshold: 100 } } }));
  await assertValidObjects(objs);
  const query = (name: string) => find(objs, 'ScaledObject', name).spec.triggers[0].metadata.query;
  assert.equal(query('m'), 'sum(sum by (model) (rate(nv_inference_request_success{namespace="ml",job="m-metrics",model_serving_track="stable"}[2m])))');
  assert.equal(query('m-canary'), 'sum(sum by (model) (rate(nv_inference_request_success{namespace="ml",job="m-metrics",model_serving_track="canary"}[2m])))');
  // the track label is the pod label the ServiceMonitor copies onto every series
  assert.deepEqual(find(objs, 'ServiceMonitor').spec.podTargetLabels, ['model-serving/track']);
  assert.equal(find(objs, 'Deployment', 'm-canary').spec.template.metadata.labels['model-serving/track'], 'canary');
});

test('scopes a user KEDA query to each track: every selector of this spec\'s metrics job gets the track matcher', () => {
  const doc = parse(readFileSync('templates/vllm-keda.yaml', 'utf8'));
  doc.spec.gateway = gateway;
  doc.spec.rollout = { strategy: 'canary', weight: 10, canary: { image: 'vllm/vllm-openai:v0.11.1' } };
  const objs = synth(doc);
  const q = find(objs, 'ScaledObject', 'llama-chat-canary').spec.triggers[0].metadata.query;
  assert.equal(q, 'sum(vllm:num_requests_running{namespace="llm",job="llama-chat-metrics",model_serving_track="canary"}) + sum(vllm:num_requests_waiting{namespace="llm",job="llama-chat-metrics",model_serving_track="canary"})');
  assert.deepEqual(promqlProblems(q), []);
  assert.match(find(objs, 'ScaledObject', 'llama-chat').spec.triggers[0].metadata.query, /model_serving_track="stable"\}\) \+ /);
});

test('adds the track matcher only to selectors of the job, after a trailing comma or into empty braces as needed', () => {
  const s = (q: string) => scopeQueryToTrack(q, 'm-metrics', 'model_serving_track', 'canary');
  assert.deepEqual(s('sum(rate(x{job="m-metrics",}[2m])) / sum(up{job="other"})'),
    { query: 'sum(rate(x{job="m-metrics",model_serving_track="canary"}[2m])) / sum(up{job="other"})', scoped: 1, presetTrack: false });
  assert.deepEqual(s("sum({__name__='y', job='m-metrics' })"), { query: "sum({__name__='y', job='m-metrics',model_serving_track=\"canary\"})", scoped: 1, presetTrack: false });
  assert.deepEqual(s('sum(x{job=~"m-metrics"})'), { query: 'sum(x{job=~"m-metrics"})', scoped: 0, presetTrack: false }, 'a regex matcher is not this job');
  assert.equal(s('sum(x{job="m-metrics",model_serving_track="stable"})').presetTrack, true);
});

test('refuses, with a rollout, a user KEDA query that cannot be scoped to a track', () => {
  const keda = (query: string) => ({ autoscaling: { engine: 'keda', maxReplicas: 6, keda: { serverAddress: PROM, threshold: 10, query } } });
  assert.equal(specErrors(canary(10, {}, keda('sum(rate(nginx_ingress_controller_requests{service="m"}[2m]))'))),
    'spec.yaml: spec.autoscaling.keda.query: has no selector with job="m-metrics" (this spec\'s metrics): with a rollout each track\'s ScaledObject must read its own track\'s load, which is done by adding model_serving_track="<track>" to those selectors; select this spec\'s series with job="m-metrics"');
  assert.equal(specErrors(canary(10, {}, keda('sum(x{job="m-metrics",model_serving_track="stable"})'))),
    'spec.yaml: spec.autoscaling.keda.query: matches on model_serving_track itself: with a rollout every track\'s ScaledObject gets its own model_serving_track matcher, added to each selector with job="m-metrics"; leave it out');
  assert.equal(specErrors(tritonDoc(keda('sum(rate(nginx_ingress_controller_requests{service="m"}[2m]))'))), undefined, 'one track: nothing to scope');
});

test('scopes each track\'s HPA through the adapter\'s pod matchers: every HPA targets a Deployment selecting its own track', () => {
  const objs = synth(canary(10, {}, { autoscaling: { minReplicas: 2, maxReplicas: 8, targetInferencesPerSecondPerPod: 300 } }));
  const rule = parse(find(objs, 'ConfigMap', 'm-metrics-adapter-rule').data['config.yaml']).rules[0];
  assert.equal(rule.metricsQuery, 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)');
  for (const hpa of all(objs, 'HorizontalPodAutoscaler')) {
    const target = find(objs, 'Deployment', hpa.spec.scaleTargetRef.name);
    assert.equal(target.spec.selector.matchLabels['model-serving/track'], hpa.metadata.labels['model-serving/track']);
  }
  assert.deepEqual(all(objs, 'HorizontalPodAutoscaler').map((h) => h.metadata.labels['model-serving/track']), ['stable', 'canary']);
});
