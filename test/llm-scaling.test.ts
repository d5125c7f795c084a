/**
 * Scale to zero behind an inference pool, and the KV-cache target (docs/LLM.md): the ScaledObject / HPA the spec
 * gets, their rules, and the scaling expressions run under promtool on synthetic series.
 */
import { HAS_PROMTOOL, SKIP, promtool } from './support/promtool';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify, parse } from 'yaml';
import { synth, find, all, specErrors, tritonDoc, type K8sObject } from './support/synth';
import { parseSpecs } from '../lib/spec/load';
import { synthesizeSpecs } from '../lib/synth';
import { assertValidObjects } from './support/k8s-validate';
import { vllmPoolDoc } from './support/llm';

const PROM = 'http://prometheus-operated.monitoring:9090';

const kedaZero = (extra: Record<string, unknown> = {}, a: Record<string, unknown> = {}) => vllmPoolDoc({
  gateway: { parentRef: { name: 'gw', namespace: 'gateway-system' }, timeoutSeconds: 3600 },
  autoscaling: { engine: 'keda', minReplicas: 0, maxReplicas: 4, keda: { serverAddress: PROM, threshold: 10 }, ...a },
  ...extra,
});
const hpaZero = (extra: Record<string, unknown> = {}) => vllmPoolDoc({
  gateway: { parentRef: { name: 'gw', namespace: 'gateway-system' }, timeoutSeconds: 3600 },
  autoscaling: { minReplicas: 0, maxReplicas: 4, targetKvCacheUtilization: 0.8 },
  ...extra,
});
const synthAt = (doc: Record<string, unknown>, kubeVersion: string) =>
  synthesizeSpecs([parseSpecs(JSON.stringify(doc), 'test.yaml', { kubeVersion })[0].document], { kubeVersion })[0].objects;

test('scales to zero with KEDA on the picker\'s held and in-flight requests, and keeps the HPA window inside the cooldown', async () => {
  const objs = synth(kedaZero({}, { targetKvCacheUtilization: 0.75, targetPendingRequestsPerPod: 6, keda: { serverAddress: PROM, threshold: 10, cooldownPeriod: 120 } }));
  const so = find(objs, 'ScaledObject');
  assert.equal(so.spec.minReplicaCount, 0);
  assert.equal(so.spec.cooldownPeriod, 120);
  // the HPA KEDA makes never holds replicas longer than the cooldown after which KEDA removes the last one
  assert.deepEqual(so.spec.advanced, { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: 120 } } } });
  const byName = Object.fromEntries(so.spec.triggers.filter((t: K8sObject) => t.name).map((t: K8sObject) => [t.name, t]));
  assert.deepEqual(Object.keys(byName), ['picker-in-flight', 'kv-cache-utilization', 'waiting-requests']);
  const picker = byName['picker-in-flight'];
  assert.equal(picker.metricType, 'AverageValue');
  // vLLM's default max_num_seqs: one replica per 256 requests in flight; active (0 -> 1) on any held request
  assert.deepEqual(picker.metadata, {
    serverAddress: PROM,
    query: 'sum(llm_d_epp_request_running{namespace="llm",job="chat-epp"} or llm_d_epp_flow_control_queue_size{namespace="llm",job="chat-epp",inference_pool="chat"} or llm_d_epp_info{namespace="llm",job="chat-epp"} * 0)',
    threshold: '256',
    activationThreshold: '0',
  });
  assert.deepEqual(byName['kv-cache-utilization'], { type: 'prometheus', name: 'kv-cache-utilization', metricType: 'Value', metadata: { serverAddress: PROM, query: 'avg(vllm:kv_cache_usage_perc{namespace="llm",job="chat-metrics"})', threshold: '0.75' } });
  assert.equal(byName['waiting-requests'].metadata.query, 'sum(vllm:num_requests_waiting{namespace="llm",job="chat-metrics"})');
  await assertValidObjects(objs);
});

test('the picker holds a request for a cold start by default, and the picker\'s config says so', () => {
  const objs = synth(kedaZero());
  const cfg = parse(find(objs, 'ConfigMap', 'chat-epp').data['endpoint-picker-config.yaml']);
  // vLLM's 1800s startup budget + 600s for scheduling and the pull + one scrape (15s) and one KEDA poll (30s)
  assert.equal(cfg.flowControl.defaultRequestTTL, '2445s');
  assert.deepEqual(cfg.featureGates, ['flowControl']);
});

test('on Kubernetes 1.37 an HPA scales to zero on an Object metric of the picker\'s Service', async () => {
  const objs = synthAt(hpaZero(), '1.37');
  const hpa = find(objs, 'HorizontalPodAutoscaler');
  assert.equal(hpa.spec.minReplicas, 0);
  assert.deepEqual(hpa.spec.metrics, [
    { type: 'Pods', pods: { metric: { name: 'vllm_kv_cache_usage_perc' }, target: { type: 'AverageValue', averageValue: '800m' } } },
    { type: 'Object', object: { describedObject: { apiVersion: 'v1', kind: 'Service', name: 'chat-epp' }, metric: { name: 'llm_d_epp_requests_in_flight' }, target: { type: 'AverageValue', averageValue: '256' } } },
  ]);
  const rules = parse(find(objs, 'ConfigMap', 'chat-metrics-adapter-rule').data['config.yaml']).rules;
  assert.deepEqual(rules.map((r: K8sObject) => r.name.as), ['vllm_kv_cache_usage_perc', 'llm_d_epp_requests_in_flight']);
  assert.deepEqual(rules[1].resources.overrides, { namespace: { resource: 'namespace' }, service: { resource: 'service' } });
  await assertValidObjects(objs);
});

test('an HPA with a KV-cache target reads it as a Pods metric, without the CPU default', () => {
  const objs = synth(vllmPoolDoc({ autoscaling: { minReplicas: 1, maxReplicas: 4, targetKvCacheUtilization: 0.7 } }));
  const hpa = find(objs, 'HorizontalPodAutoscaler');
  assert.deepEqual(hpa.spec.metrics, [{ type: 'Pods', pods: { metric: { name: 'vllm_kv_cache_usage_perc' }, target: { type: 'AverageValue', averageValue: '700m' } } }]);
  const rule = parse(find(objs, 'ConfigMap', 'chat-metrics-adapter-rule').data['config.yaml']).rules[0];
  assert.equal(rule.metricsQuery, 'avg(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)');
  assert.equal(rule.seriesQuery, 'vllm:kv_cache_usage_perc{namespace!="",pod!=""}');
});

test('a canary scales to zero on its own pool\'s picker', () => {
  const objs = synth(kedaZero({ rollout: { strategy: 'canary', weight: 10, canary: { image: 'vllm/vllm-openai:v0.11.1' } } }));
  const canary = find(objs, 'ScaledObject', 'chat-canary');
  const t = canary.spec.triggers.find((x: K8sObject) => x.name === 'picker-in-flight');
  assert.match(t.metadata.query, /job="chat-canary-epp".*inference_pool="chat-canary"/);
  assert.equal(all(objs, 'ScaledObject').length, 2);
});

// ---- the expressions under promtool -------------------------------------------------------------------

function promtoolTest(tests: unknown[]): { status: number | null; output: string } {
  return promtool({
    'rules.yaml': stringify({ groups: [] }),
    'test.yaml': stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }),
  }, ['test', 'rules', 'test.yaml']);
}

const PICKER = 'namespace="llm",job="chat-epp",service="chat-epp",pod="chat-epp-1"';
const info = { series: `llm_d_epp_info{${PICKER},commit="c",build_ref="v0.10.0"}`, values: '1x20' };

test('the scale-from-zero query is 0 before any request, then counts held and in-flight requests', (t) => {
  if (!HAS_PROMTOOL) return t.skip(SKIP);
  const so = find(synth(kedaZero()), 'ScaledObject');
  const query = so.spec.triggers.find((x: K8sObject) => x.name === 'picker-in-flight').metadata.query;
  const r = promtoolTest([
    // a fresh picker: only its info series; the query is 0, not empty (KEDA would report an error)
    { interval: '1m', input_series: [info], promql_expr_test: [{ expr: query, eval_time: '5m', exp_samples: [{ labels: '{}', value: 0 }] }] },
    // zero pods: 3 requests held for the pool; another pool's queue is not counted
    {
      interval: '1m',
      input_series: [
        info,
        { series: `llm_d_epp_flow_control_queue_size{${PICKER},inference_pool="chat",fairness_id="a",priority="0",model_name="llama",target_model_name="llama"}`, values: '0 0 2 3x10' },
        { series: `llm_d_epp_flow_control_queue_size{${PICKER},inference_pool="other",fairness_id="a",priority="0",model_name="x",target_model_name="x"}`, values: '7x10' },
      ],
      promql_expr_test: [{ expr: query, eval_time: '5m', exp_samples: [{ labels: '{}', value: 3 }] }],
    },
    // a pod up: 2 requests running (two models: base and adapter) and 1 still held
    {
      interval: '1m',
      input_series: [
        info,
        { series: `llm_d_epp_request_running{${PICKER},model_name="llama",target_model_name="llama",fairness_id="a",priority="0"}`, values: '1x10' },
        { series: `llm_d_epp_request_running{${PICKER},model_name="sql",target_model_name="sql",fairness_id="a",priority="0"}`, values: '1x10' },
        { series: `llm_d_epp_flow_control_queue_size{${PICKER},inference_pool="chat",fairness_id="a",priority="0",model_name="llama",target_model_name="llama"}`, values: '1x10' },
      ],
      promql_expr_test: [{ expr: query, eval_time: '5m', exp_samples: [{ labels: '{}', value: 3 }] }],
    },
  ]);
  assert.equal(r.status, 0, r.output);
});

test('the picker\'s adapter rule gives the Service the in-flight count, 0 before any request', (t) => {
  if (!HAS_PROMTOOL) return t.skip(SKIP);
  const objs = synthAt(hpaZero(), '1.37');
  const rule = parse(find(objs, 'ConfigMap', 'chat-metrics-adapter-rule').data['config.yaml']).rules[1];
  // as prometheus-adapter fills the template for GET .../namespaces/llm/services/chat-epp/llm_d_epp_requests_in_flight
  const expr = rule.metricsQuery.replace(/<<\.LabelMatchers>>/g, 'namespace="llm",service="chat-epp"').replace(/<<\.GroupBy>>/g, 'service');
  const r = promtoolTest([
    { interval: '1m', input_series: [info], promql_expr_test: [{ expr, eval_time: '5m', exp_samples: [{ labels: '{service="chat-epp"}', value: 0 }] }] },
    {
      interval: '1m',
      input_series: [
        info,
        { series: `llm_d_epp_request_running{${PICKER},model_name="llama",target_model_name="llama",fairness_id="a",priority="0"}`, values: '4x10' },
        { series: `llm_d_epp_flow_control_queue_size{${PICKER},inference_pool="chat",fairness_id="a",priority="0",model_name="llama",target_model_name="llama"}`, values: '5x10' },
      ],
      promql_expr_test: [{ expr, eval_time: '5m', exp_samples: [{ labels: '{service="chat-epp"}', value: 9 }] }],
    },
  ]);
  assert.equal(r.status, 0, r.output);
});

test('the KV-cache trigger and adapter rule average the pods\' KV-cache use', (t) => {
  if (!HAS_PROMTOOL) return t.skip(SKIP);
  const so = find(synth(kedaZero({}, { targetKvCacheUtilization: 0.8 })), 'ScaledObject');
  const keda = so.spec.triggers.find((x: K8sObject) => x.name === 'kv-cache-utilization').metadata.query;
  const rule = parse(find(synth(vllmPoolDoc({ autoscaling: { maxReplicas: 4, targetKvCacheUtilization: 0.8 } })), 'ConfigMap', 'chat-metrics-adapter-rule').data['config.yaml']).rules[0];
  const adapter = rule.metricsQuery.replace('<<.Series>>', 'vllm:kv_cache_usage_perc').replace('<<.LabelMatchers>>', 'namespace="llm",pod=~"a|b"').replace('<<.GroupBy>>', 'pod');
  const kv = (pod: string, v: string) => ({ series: `vllm:kv_cache_usage_perc{namespace="llm",job="chat-metrics",pod="${pod}",model_name="llama",engine="0"}`, values: `${v}x10` });
  const r = promtoolTest([{
    interval: '1m',
    input_series: [kv('a', '0.6'), kv('b', '0.9')],
    promql_expr_test: [
      { expr: keda, eval_time: '5m', exp_samples: [{ labels: '{}', value: 0.75 }] },
      { expr: adapter, eval_time: '5m', exp_samples: [{ labels: '{pod="a"}', value: 0.6 }, { labels: '{pod="b"}', value: 0.9 }] },
    ],
  }]);
  assert.equal(r.status, 0, r.output);
});

// ---- refusals -------------------------------------------------------------------------------------------

test('refuses minReplicas 0 for vLLM without spec.inferencePool (the first request would get a 503)', () => {
  const doc = vllmPoolDoc({ autoscaling: { engine: 'keda', minReplicas: 0, maxReplicas: 2, keda: { serverAddress: PROM, threshold: 1, query: 'sum(up)' } } });
  delete (doc.spec as any).inferencePool;
  assert.equal(specErrors(doc), 'spec.yaml: spec.autoscaling.minReplicas: 0 needs spec.inferencePool for runtime vllm: at zero replicas the Service has no endpoint and a Service cannot hold a request, ' +
    'so the first request would get a 503 while the model starts (minutes for an LLM); the inference pool\'s endpoint picker holds requests until a pod is ready');
});

test('refuses a request hold shorter than a cold start', () => {
  assert.equal(specErrors(kedaZero({ startupTimeoutSeconds: 900, inferencePool: { requestHoldSeconds: 600 } })),
    'spec.yaml: spec.inferencePool.requestHoldSeconds: (600) must be longer than a cold start: startupTimeoutSeconds (900) + 45s for the autoscaler to see the first held request ' +
    '(one scrape of the picker and one autoscaler evaluation); the picker would drop held requests before the first pod is ready');
});

test('refuses scale to zero when the route\'s request timeout (spec.gateway.timeoutSeconds, else vLLM\'s 3600 s route default) is shorter than the hold', () => {
  // the default hold (45 s for the autoscaler + 600 s margin + vLLM's 1800 s startup budget) fits vLLM's route default
  const doc = kedaZero();
  delete (doc.spec as any).gateway.timeoutSeconds;
  assert.equal(specErrors(doc), undefined);
  const route = find(synth(doc), 'HTTPRoute');
  assert.deepEqual(route.spec.rules.map((r: K8sObject) => r.timeouts.request), ['3600s']);
  // a longer startup budget makes the default hold longer than the route default: the field is required
  (doc.spec as any).startupTimeoutSeconds = 3600;
  assert.equal(specErrors(doc), 'spec.yaml: spec.gateway.timeoutSeconds: is required with autoscaling.minReplicas 0 and spec.inferencePool: the route\'s default request timeout for runtime vllm (3600s) is shorter than the picker\'s hold (4245s: startupTimeoutSeconds 3600 + 600s for scheduling and the image pull + 45s for the autoscaler), so the Gateway would end requests still waiting for a cold start; set it to at least 4245');
  (doc.spec as any).gateway.timeoutSeconds = 4245;
  assert.equal(specErrors(doc), undefined);
  assert.equal(specErrors(kedaZero({ gateway: { parentRef: { name: 'gw' }, timeoutSeconds: 600 }, startupTimeoutSeconds: 300, inferencePool: { requestHoldSeconds: 900 } })),
    'spec.yaml: spec.gateway.timeoutSeconds: (600) must be at least the picker\'s hold (900s, spec.inferencePool.requestHoldSeconds): the Gateway would end requests still waiting for a cold start');
});

test('refuses HPA scale to zero on a Kubernetes release without HPAScaleToZero, naming 1.37', () => {
  assert.equal(specErrors(hpaZero()),
    'spec.yaml: spec.autoscaling.minReplicas: 0 with engine hpa (scale to zero behind spec.inferencePool; engine keda scales to zero on any release) needs HPA minReplicas 0 (feature gate HPAScaleToZero, beta on by default in 1.37), which Kubernetes 1.37 has; the target is 1.35 (--kube-version)');
});

test('refuses scale to zero with the ServiceMonitor turned off (the picker would not be scraped)', () => {
  assert.equal(specErrors(kedaZero({ monitoring: { serviceMonitor: false } })),
    'spec.yaml: spec.monitoring.serviceMonitor: false leaves the endpoint picker unscraped, but autoscaling.minReplicas 0 scales up from zero on its held requests: keep the ServiceMonitor');
});

test('refuses targetKvCacheUtilization on a runtime without a KV cache', () => {
  assert.equal(specErrors(tritonDoc({ autoscaling: { maxReplicas: 3, targetKvCacheUtilization: 0.8 } })),
    'spec.yaml: spec.autoscaling.targetKvCacheUtilization: needs a KV-cache gauge, which runtime triton does not expose (runtimes that do: vllm)');
});

test('refuses a KV-cache target outside (0, 1]', () => {
  assert.match(specErrors(vllmPoolDoc({ autoscaling: { maxReplicas: 3, targetKvCacheUtilization: 1.5 } })) ?? '', /^spec\.yaml: spec\.autoscaling\.targetKvCacheUtilization: /);
  assert.equal(specErrors(vllmPoolDoc({ autoscaling: { maxReplicas: 3, targetKvCacheUtilization: 0.0001 } })),
    'spec.yaml: spec.autoscaling.targetKvCacheUtilization: (0.0001) must be at least 0.001: the HPA compares custom metrics in thousandths');
});
