/** Autoscaling: the HPA, its prometheus-adapter rules, KEDA, the VPA, and the rules between them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintDocument } from '../lib/lint';
import { parse } from 'yaml';
import { synth, synthFile, tritonDoc, find, all, specErrors, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { RUNTIME_REGISTRY } from '../lib/runtimes/registry';
import { triton } from '../lib/runtimes/triton';
import { podsMetrics, customMetricName, expandedRuleQueries, metricQuantity } from '../lib/constructs/autoscaling';
import { promqlProblems } from '../lib/promql/promql';
import { App, ApiObject } from 'cdk8s';
import { ModelServingChart } from '../lib/constructs/chart';
import { parseSpecs } from '../lib/spec/load';

const RATE_QUERY = 'sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)';
const OVERRIDES = { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } };
const PROM = 'http://prometheus.monitoring:9090';

/** The rules of the MetricsAdapterRule ConfigMap: its adapter config fragment and its Helm values. */
function adapterRules(objs: K8sObject[]) {
  const cm = find(objs, 'ConfigMap', 'm-metrics-adapter-rule');
  return { config: parse(cm.data['config.yaml']).rules, values: parse(cm.data['values.yaml']).rules.custom };
}

test('an HPA targets the Deployment with the spec\'s min, max and CPU target, and the Deployment leaves replicas out', async () => {
  const objs = synth(tritonDoc({ autoscaling: { minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercent: 70 } }));
  await assertValidObjects(objs);
  const hpa = find(objs, 'HorizontalPodAutoscaler', 'm');
  assert.equal(hpa.apiVersion, 'autoscaling/v2');
  assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'm' });
  assert.equal(hpa.spec.minReplicas, 2);
  assert.equal(hpa.spec.maxReplicas, 10);
  assert.deepEqual(hpa.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
  assert.equal('replicas' in find(objs, 'Deployment', 'm').spec, false);
  assert.equal(all(objs, 'ConfigMap').some((c) => c.metadata.name === 'm-metrics-adapter-rule'), false);
});

test('an HPA without any target scales on 80% CPU, written out, from minReplicas 1', () => {
  const hpa = find(synth(tritonDoc({ autoscaling: { maxReplicas: 4 } })), 'HorizontalPodAutoscaler');
  assert.equal(hpa.spec.minReplicas, 1);
  assert.deepEqual(hpa.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
});

test('Triton\'s Pods metrics read the names its prometheus-adapter rules expose, from its real series', async () => {
  const objs = synth(tritonDoc({ autoscaling: { minReplicas: 2, maxReplicas: 8, targetInferencesPerSecondPerPod: 350, targetQueueTimeMilliseconds: 20, targetPendingRequestsPerPod: 8 } }));
  await assertValidObjects(objs);
  const hpa = find(objs, 'HorizontalPodAutoscaler', 'm');
  assert.deepEqual(hpa.spec.metrics, [
    { type: 'Pods', pods: { metric: { name: 'nv_inference_count_per_second' }, target: { type: 'AverageValue', averageValue: '350' } } },
    { type: 'Pods', pods: { metric: { name: 'nv_inference_queue_duration_ms_per_request' }, target: { type: 'AverageValue', averageValue: '20' } } },
    { type: 'Pods', pods: { metric: { name: 'nv_inference_pending_request_count' }, target: { type: 'AverageValue', averageValue: '8' } } },
  ]);
  const { config, values } = adapterRules(objs);
  assert.deepEqual(values, config);
  assert.deepEqual(config.map((r: any) => r.name.as), hpa.spec.metrics.map((m: any) => m.pods.metric.name));
  assert.deepEqual(config[0], {
    seriesQuery: 'nv_inference_count{namespace!="",pod!=""}',
    resources: { overrides: OVERRIDES },
    name: { matches: '^nv_inference_count$', as: 'nv_inference_count_per_second' },
    metricsQuery: RATE_QUERY,
  });
  assert.equal(config[1].seriesQuery, 'nv_inference_queue_duration_us{namespace!="",pod!=""}');
  assert.equal(config[1].metricsQuery,
    `${RATE_QUERY} / clamp_min(sum(rate(nv_inference_request_success{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>), 0.001) / 1000`);
  assert.equal(config[2].seriesQuery, 'nv_inference_pending_request_count{namespace!="",pod!=""}');
  assert.equal(config[2].metricsQuery, 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)');
});

test('the adapter ConfigMap tells how to check each metric through the custom metrics API', () => {
  const objs = synth(tritonDoc({ autoscaling: { maxReplicas: 8, targetInferencesPerSecondPerPod: 100 } }));
  const cm = find(objs, 'ConfigMap', 'm-metrics-adapter-rule');
  assert.equal(cm.metadata.namespace, 'ml');
  assert.match(cm.data['config.yaml'], /kubectl get --raw "\/apis\/custom\.metrics\.k8s\.io\/v1beta1\/namespaces\/ml\/pods\/\*\/nv_inference_count_per_second"/);
});

for (const runtime of RUNTIME_REGISTRY) {
  test(`${runtime.name}: every adapter rule matches the runtime's series, exposes a colon-free name and expands to valid PromQL`, () => {
    const m = runtime.metrics;
    const metrics = podsMetrics(m, {
      maxReplicas: 2,
      targetInferencesPerSecondPerPod: 10,
      ...(m.queueTimeCounters ? { targetQueueTimeMilliseconds: 5 } : {}),
      ...(m.pendingGauge ? { targetPendingRequestsPerPod: 4 } : {}),
    });
    const series = [m.inferenceCounter, ...(m.queueTimeCounters ? [m.queueTimeCounters[0]] : []), ...(m.pendingGauge ? [m.pendingGauge] : [])];
    assert.equal(metrics.length, series.length);
    metrics.forEach((pm, i) => {
      const only = i === 0 && m.inferenceCounterMatchers ? `,${m.inferenceCounterMatchers}` : '';
      assert.equal(pm.rule.seriesQuery, `${series[i]}{namespace!="",pod!=""${only}}`);
      if (only) assert.ok(pm.rule.metricsQuery.includes(`<<.LabelMatchers>>${only}}`), pm.rule.metricsQuery);
      assert.ok(new RegExp(pm.rule.name.matches).test(series[i]), pm.rule.name.matches);
      assert.match(pm.name, /^[A-Za-z_][A-Za-z0-9_]*$/);
      assert.equal(pm.rule.name.as, pm.name);
      assert.deepEqual(pm.rule.resources.overrides, OVERRIDES);
      for (const q of expandedRuleQueries(pm.rule)) assert.deepEqual(promqlProblems(q), [], q);
    });
  });
}

test('a gauge with colons, such as vLLM\'s vllm:num_requests_waiting, is renamed through name.as', () => {
  assert.equal(customMetricName('vllm:num_requests_waiting'), 'vllm_num_requests_waiting');
  assert.equal(customMetricName(':tensorflow:serving:request_count'), 'tensorflow_serving_request_count');
  const [pm] = podsMetrics({ ...triton.metrics, pendingGauge: 'vllm:num_requests_waiting' }, { maxReplicas: 2, targetPendingRequestsPerPod: 3 });
  assert.deepEqual(pm.rule.name, { matches: '^vllm:num_requests_waiting$', as: 'vllm_num_requests_waiting' });
  assert.equal(pm.rule.seriesQuery, 'vllm:num_requests_waiting{namespace!="",pod!=""}');
  const [rate] = podsMetrics({ ...triton.metrics, inferenceCounter: 'vllm:request_success_total' }, { maxReplicas: 2, targetInferencesPerSecondPerPod: 3 });
  assert.equal(rate.name, 'vllm_request_success_per_second');
});

test('fractional metric targets become milli-quantities', () => {
  assert.equal(metricQuantity(0.5), '500m');
  assert.equal(metricQuantity(2.5), '2500m');
  assert.equal(metricQuantity(350), '350');
  const hpa = find(synth(tritonDoc({ autoscaling: { maxReplicas: 3, targetQueueTimeMilliseconds: 2.5 } })), 'HorizontalPodAutoscaler');
  assert.equal(hpa.spec.metrics[0].pods.target.averageValue, '2500m');
});

test('behavior is passed to the HPA verbatim, tolerance included', async () => {
  const behavior = {
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
    scaleDown: { stabilizationWindowSeconds: 600, tolerance: '0.05', policies: [{ type: 'Percent', value: 10, periodSeconds: 120 }] },
  };
  const objs = synth(tritonDoc({ autoscaling: { maxReplicas: 6, behavior } }));
  await assertValidObjects(objs);
  assert.deepEqual(find(objs, 'HorizontalPodAutoscaler').spec.behavior, behavior);
});

test('engine keda writes a ScaledObject with a prometheus trigger on the runtime\'s request rate, and no HPA', async () => {
  const objs = synth(tritonDoc({ autoscaling: { engine: 'keda', maxReplicas: 6, keda: { serverAddress: PROM, threshold: 350 } } }));
  await assertValidObjects(objs);
  assert.equal(all(objs, 'HorizontalPodAutoscaler').length, 0);
  const so = find(objs, 'ScaledObject', 'm');
  assert.equal(so.apiVersion, 'keda.sh/v1alpha1');
  assert.deepEqual(so.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'm' });
  assert.equal(so.spec.minReplicaCount, 1);
  assert.equal(so.spec.maxReplicaCount, 6);
  assert.equal(so.spec.cooldownPeriod, 300);
  assert.equal(so.spec.pollingInterval, 30);
  assert.deepEqual(so.spec.triggers, [{
    type: 'prometheus',
    metricType: 'AverageValue',
    metadata: {
      serverAddress: PROM,
      query: 'sum(sum by (model) (rate(nv_inference_request_success{namespace="ml",job="m-metrics",model_serving_track="stable"}[2m])))',
      threshold: '350',
    },
  }]);
  assert.deepEqual(promqlProblems(so.spec.triggers[0].metadata.query), []);
  assert.equal('replicas' in find(objs, 'Deployment', 'm').spec, false);
});

test('a KEDA user query, activation threshold, cooldown and polling interval are honoured', async () => {
  const query = 'sum(rate(nginx_ingress_controller_requests{namespace="ml",service="m"}[1m]))';
  const objs = synth(tritonDoc({ autoscaling: { engine: 'keda', minReplicas: 0, maxReplicas: 4, keda: { serverAddress: PROM, threshold: 50.5, activationThreshold: 1, query, cooldownPeriod: 900, pollingInterval: 15 } } }));
  await assertValidObjects(objs);
  const so = find(objs, 'ScaledObject', 'm');
  assert.equal(so.spec.minReplicaCount, 0);
  assert.equal(so.spec.cooldownPeriod, 900);
  assert.equal(so.spec.pollingInterval, 15);
  assert.deepEqual(so.spec.triggers[0].metadata, { serverAddress: PROM, query, threshold: '50.5', activationThreshold: '1' });
});

test('engine keda without serverAddress or threshold is refused, each by its path', () => {
  assert.equal(specErrors(tritonDoc({ autoscaling: { engine: 'keda', maxReplicas: 3, keda: {} } })), [
    'spec.yaml: spec.autoscaling.keda.serverAddress: is required for engine keda (the Prometheus URL)',
    'spec.yaml: spec.autoscaling.keda.threshold: is required for engine keda (target value per replica)',
  ].join('\n'));
  assert.equal(specErrors(tritonDoc({ autoscaling: { engine: 'keda', maxReplicas: 3 } })),
    'spec.yaml: spec.autoscaling.keda: is required for engine keda (serverAddress and threshold)');
});

test('refuses scaling to zero on the default KEDA query, which has no samples while no pod runs', () => {
  assert.equal(specErrors(tritonDoc({ autoscaling: { engine: 'keda', minReplicas: 0, maxReplicas: 3, keda: { serverAddress: PROM, threshold: 10 } } })),
    'spec.yaml: spec.autoscaling.minReplicas: 0 needs spec.autoscaling.keda.query: the default query reads the server\'s own request counter, ' +
    'which has no samples while no pod runs, so KEDA would never scale up from zero (query a signal that exists without pods, ' +
    'e.g. the ingress controller\'s request rate)');
});

test('refuses a KEDA query that is not PromQL', () => {
  const errs = specErrors(tritonDoc({ autoscaling: { engine: 'keda', maxReplicas: 3, keda: { serverAddress: PROM, threshold: 10, query: 'sum(rate(x[1m])' } } }));
  assert.match(errs ?? '', /^spec\.yaml: spec\.autoscaling\.keda\.query: is not valid PromQL: syntax error at column \d+/);
});

test('refuses minReplicas above maxReplicas, and an HPA at zero', () => {
  assert.equal(specErrors(tritonDoc({ autoscaling: { minReplicas: 11, maxReplicas: 10 } })),
    'spec.yaml: spec.autoscaling.minReplicas: (11) must be <= spec.autoscaling.maxReplicas (10)');
  assert.equal(specErrors(tritonDoc({ autoscaling: { minReplicas: 0, maxReplicas: 10 } })),
    'spec.yaml: spec.autoscaling.minReplicas: an HPA cannot scale to 0 (use engine keda to scale to zero)');
});

test('accepts spec.replicas next to autoscaling (SPEC: used when no autoscaling is set), leaves it out of the Deployment, and lint says so', () => {
  const doc = tritonDoc({ replicas: 3, autoscaling: { maxReplicas: 10 } });
  assert.equal(specErrors(doc), undefined);
  assert.equal(find(synth(doc), 'Deployment').spec.replicas, undefined);
  assert.ok(lintDocument(doc).some((w) => w.path === 'spec.replicas' && /is not used while spec.autoscaling is set/.test(w.message)));
});

test('refuses a custom-metric target below one thousandth', () => {
  assert.equal(specErrors(tritonDoc({ autoscaling: { maxReplicas: 10, targetPendingRequestsPerPod: 0.0001 } })),
    'spec.yaml: spec.autoscaling.targetPendingRequestsPerPod: (0.0001) must be at least 0.001: the HPA compares custom metrics in thousandths');
});

test('refuses HPA-only fields under engine keda and the keda block under engine hpa', () => {
  assert.equal(specErrors(tritonDoc({ autoscaling: { engine: 'keda', maxReplicas: 3, targetCPUUtilizationPercent: 50, keda: { serverAddress: PROM, threshold: 1 } } })),
    'spec.yaml: spec.autoscaling.targetCPUUtilizationPercent: applies to engine hpa only (engine keda scales on spec.autoscaling.keda.query)');
  assert.equal(specErrors(tritonDoc({ autoscaling: { maxReplicas: 3, keda: { serverAddress: PROM, threshold: 1 } } })),
    'spec.yaml: spec.autoscaling.keda: applies to engine keda only (engine is hpa)');
});

for (const [field, signal] of [['targetQueueTimeMilliseconds', 'queueTimeCounters'], ['targetPendingRequestsPerPod', 'pendingGauge']] as const) {
  const without = RUNTIME_REGISTRY.find((r) => r.metrics[signal] === undefined);
  test(`refuses ${field} on a runtime without that signal`, { skip: without ? false : `every registered runtime exposes ${signal}` }, () => {
    const r = without!;
    const doc = tritonDoc({ runtime: r.name, models: [{ name: 'm1', format: r.formats[0] }], autoscaling: { maxReplicas: 3, [field]: 5 } });
    const has = RUNTIME_REGISTRY.filter((x) => x.metrics[signal] !== undefined).map((x) => x.name).join(', ');
    const what = signal === 'queueTimeCounters' ? 'a per-request queue-time metric' : 'a waiting-requests gauge';
    assert.ok((specErrors(doc) ?? '').split('\n').includes(`spec.yaml: spec.autoscaling.${field}: needs ${what}, which runtime ${r.name} does not expose (runtimes that do: ${has})`), specErrors(doc));
  });
}

test('a VPA resizes the server container only, and only recommends by default', async () => {
  const objs = synth(tritonDoc({ verticalAutoscaling: { minAllowed: { cpu: 2, memory: '4Gi' }, maxAllowed: { cpu: '16', memory: '32Gi' } } }));
  await assertValidObjects(objs);
  const vpa = find(objs, 'VerticalPodAutoscaler', 'm');
  assert.equal(vpa.apiVersion, 'autoscaling.k8s.io/v1');
  assert.deepEqual(vpa.spec.targetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: 'm' });
  assert.deepEqual(vpa.spec.updatePolicy, { updateMode: 'Off' });
  assert.deepEqual(vpa.spec.resourcePolicy.containerPolicies, [
    { containerName: 'server', mode: 'Auto', controlledResources: ['cpu', 'memory'], controlledValues: 'RequestsAndLimits', minAllowed: { cpu: '2', memory: '4Gi' }, maxAllowed: { cpu: '16', memory: '32Gi' } },
    { containerName: '*', mode: 'Off' },
  ]);
  assert.equal(find(objs, 'Deployment', 'm').spec.replicas, 1);
});

test('refuses a VPA that changes CPU while the HPA scales on CPU, and names both ways out', () => {
  assert.equal(specErrors(tritonDoc({ autoscaling: { maxReplicas: 5, targetCPUUtilizationPercent: 60 }, verticalAutoscaling: { updateMode: 'Recreate' } })),
    'spec.yaml: spec.verticalAutoscaling: updateMode Recreate lets the VPA change CPU requests while the HPA scales on CPU utilization; the two fight ' +
    '(VPA docs: do not use both on the same resource metric). Use updateMode: Off, or controlledResources: [memory]');
});

test('a VPA on memory beside an HPA on CPU, or on CPU beside an HPA on custom metrics, is accepted', async () => {
  const onMemory = synth(tritonDoc({ autoscaling: { maxReplicas: 5 }, verticalAutoscaling: { updateMode: 'InPlaceOrRecreate', controlledResources: ['memory'] } }));
  await assertValidObjects(onMemory);
  assert.deepEqual(find(onMemory, 'VerticalPodAutoscaler').spec.resourcePolicy.containerPolicies[0].controlledResources, ['memory']);
  const custom = synth(tritonDoc({ autoscaling: { maxReplicas: 5, targetInferencesPerSecondPerPod: 100 }, verticalAutoscaling: { updateMode: 'Recreate' } }));
  assert.equal(find(custom, 'VerticalPodAutoscaler').spec.updatePolicy.updateMode, 'Recreate');
});

test('refuses VPA minAllowed above maxAllowed', () => {
  assert.equal(specErrors(tritonDoc({ verticalAutoscaling: { minAllowed: { memory: '64Gi' }, maxAllowed: { memory: '32Gi' } } })),
    'spec.yaml: spec.verticalAutoscaling.minAllowed.memory: (64Gi) must be <= spec.verticalAutoscaling.maxAllowed.memory (32Gi)');
});

const blueGreen = { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: {} } };

test('with blue-green, each track Deployment gets its own HPA and VPA, named after it, the primary under the bare name', async () => {
  const objs = synth(tritonDoc({ rollout: blueGreen, autoscaling: { minReplicas: 2, maxReplicas: 6, targetInferencesPerSecondPerPod: 200 }, verticalAutoscaling: {} }));
  await assertValidObjects(objs);
  for (const [name, label] of [['m', 'stable'], ['m-green', 'green']]) {
    const hpa = find(objs, 'HorizontalPodAutoscaler', name);
    assert.equal(hpa.spec.scaleTargetRef.name, name);
    assert.equal(hpa.metadata.labels['model-serving/track'], label);
    assert.equal(find(objs, 'VerticalPodAutoscaler', name).spec.targetRef.name, name);
    assert.equal('replicas' in find(objs, 'Deployment', name).spec, false);
  }
  assert.equal(all(objs, 'ConfigMap').filter((c) => c.metadata.name === 'm-metrics-adapter-rule').length, 1);
});

test('with blue-green, each KEDA ScaledObject queries the request rate of its own track\'s pods', async () => {
  const objs = synth(tritonDoc({ rollout: blueGreen, autoscaling: { engine: 'keda', maxReplicas: 4, keda: { serverAddress: PROM, threshold: 100 } } }));
  await assertValidObjects(objs);
  const q = find(objs, 'ScaledObject', 'm-green').spec.triggers[0].metadata.query;
  assert.equal(q, 'sum(sum by (model) (rate(nv_inference_request_success{namespace="ml",job="m-metrics",model_serving_track="green"}[2m])))');
  assert.deepEqual(promqlProblems(q), []);
  assert.equal(find(objs, 'ScaledObject', 'm').spec.triggers[0].metadata.query,
    'sum(sum by (model) (rate(nv_inference_request_success{namespace="ml",job="m-metrics",model_serving_track="stable"}[2m])))');
  assert.equal(find(objs, 'ScaledObject', 'm').spec.scaleTargetRef.name, 'm');
});

test('the autoscaled template synthesizes valid objects whose HPA metrics the adapter rules serve', async () => {
  const objs = synthFile('templates/triton-autoscaled-hpa.yaml');
  await assertValidObjects(objs);
  const hpa = find(objs, 'HorizontalPodAutoscaler', 'text-classifier');
  const cm = find(objs, 'ConfigMap', 'text-classifier-metrics-adapter-rule');
  const exposed = parse(cm.data['config.yaml']).rules.map((r: any) => r.name.as);
  const read = hpa.spec.metrics.filter((m: any) => m.type === 'Pods').map((m: any) => m.pods.metric.name);
  assert.deepEqual(read, exposed);
  assert.deepEqual(read, ['nv_inference_count_per_second', 'nv_inference_queue_duration_ms_per_request']);
  assert.equal(find(objs, 'VerticalPodAutoscaler', 'text-classifier').spec.updatePolicy.updateMode, 'Off');
});

test('vLLM\'s waiting-requests gauge reaches the HPA as vllm_num_requests_waiting, renamed by its adapter rule', async () => {
  const doc = {
    apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm', namespace: 'ml' },
    spec: {
      runtime: 'vllm', models: [{ name: 'llama', format: 'huggingface' }],
      repository: { huggingface: { modelId: 'meta-llama/Llama-3.1-8B-Instruct' } }, resources: { gpu: { count: 1 } },
      autoscaling: { minReplicas: 1, maxReplicas: 4, targetPendingRequestsPerPod: 4 },
    },
  };
  const objs = synth(doc);
  await assertValidObjects(objs);
  assert.deepEqual(find(objs, 'HorizontalPodAutoscaler', 'm').spec.metrics, [
    { type: 'Pods', pods: { metric: { name: 'vllm_num_requests_waiting' }, target: { type: 'AverageValue', averageValue: '4' } } },
  ]);
  const { config } = adapterRules(objs);
  assert.deepEqual(config, [{
    seriesQuery: 'vllm:num_requests_waiting{namespace!="",pod!=""}',
    resources: { overrides: OVERRIDES },
    name: { matches: '^vllm:num_requests_waiting$', as: 'vllm_num_requests_waiting' },
    metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)',
  }]);
});

test('the vLLM KEDA template scales on the sequences its pods hold, with valid PromQL', async () => {
  const objs = synthFile('templates/vllm-keda.yaml');
  await assertValidObjects(objs);
  assert.equal(all(objs, 'HorizontalPodAutoscaler').length, 0);
  const so = find(objs, 'ScaledObject', 'llama-chat');
  const { query, threshold } = so.spec.triggers[0].metadata;
  // every selector of the spec's metrics job is scoped to the track (one track here: the same ScaledObject once a canary is added)
  assert.equal(query, 'sum(vllm:num_requests_running{namespace="llm",job="llama-chat-metrics",model_serving_track="stable"}) + sum(vllm:num_requests_waiting{namespace="llm",job="llama-chat-metrics",model_serving_track="stable"})');
  assert.equal(threshold, '24');
  assert.deepEqual(promqlProblems(query), []);
  assert.equal(find(objs, 'Service', 'llama-chat-metrics').metadata.namespace, 'llm');
});

test('construct IDs: a canary keeps the stable track\'s autoscaler IDs, the canary gets its own', () => {
  const doc = tritonDoc({
    gateway: { parentRef: { name: 'gw' }, path: '/m' },
    rollout: { strategy: 'canary', weight: 10, canary: { image: 'nvcr.io/nvidia/tritonserver:25.09-py3' } },
    autoscaling: { maxReplicas: 4, targetInferencesPerSecondPerPod: 100 }, verticalAutoscaling: {},
  });
  const [loaded] = parseSpecs(JSON.stringify(doc));
  const chart = new ModelServingChart(new App(), 'c', { specs: [loaded.document] });
  const ids = chart.node.findAll().filter((c) => c instanceof ApiObject && c.node.path.includes('/Autoscaling/'))
    .map((c) => `${c.node.path.split('/Autoscaling/')[1]}=${(c as ApiObject).kind}/${(c as ApiObject).name}`).sort();
  assert.deepEqual(ids, [
    'Hpa-canary=HorizontalPodAutoscaler/m-canary', 'Hpa=HorizontalPodAutoscaler/m', 'MetricsAdapterRule=ConfigMap/m-metrics-adapter-rule',
    'Vpa-canary=VerticalPodAutoscaler/m-canary', 'Vpa=VerticalPodAutoscaler/m',
  ]);
});

test('TF Serving\'s inference-rate adapter rule counts inference calls only, never the readiness probe\'s metadata GETs', (t) => {
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const { mkdtempSync, rmSync, writeFileSync } = require('node:fs') as typeof import('node:fs');
  const { join } = require('node:path') as typeof import('node:path');
  const { tmpdir } = require('node:os') as typeof import('node:os');
  if (spawnSync('promtool', ['--version']).status !== 0) return t.skip('promtool not found: apt-get install -y prometheus');
  const tfs = RUNTIME_REGISTRY.find((r) => r.name === 'tfserving')!.metrics;
  const [pm] = podsMetrics(tfs, { maxReplicas: 2, targetInferencesPerSecondPerPod: 10 });
  assert.equal(pm.name, 'tensorflow_serving_request_latency_count_per_second');
  // the query the adapter sends for pod p (template fields as the adapter fills them)
  const query = pm.rule.metricsQuery.replace('<<.Series>>', ':tensorflow:serving:request_latency_count')
    .replace('<<.LabelMatchers>>', 'namespace="ml",pod="p"').replace('<<.GroupBy>>', 'pod');
  const dir = mkdtempSync(join(tmpdir(), 'adapter-'));
  try {
    writeFileSync(join(dir, 'rules.yaml'), JSON.stringify({ groups: [{ name: 'a', rules: [{ record: 'result', expr: query }] }] }));
    writeFileSync(join(dir, 'test.yaml'), JSON.stringify({
      rule_files: ['rules.yaml'], evaluation_interval: '1m',
      tests: [{
        interval: '1m',
        input_series: [
          // 120 predict calls a minute: 2/s
          { series: ':tensorflow:serving:request_latency_count{namespace="ml",pod="p",model_name="resnet",API="predict",entrypoint="REST"}', values: '0+120x5' },
          // the probe's metadata GETs: recorded with an empty API (absent label), 600 a minute
          { series: ':tensorflow:serving:request_latency_count{namespace="ml",pod="p",model_name="resnet",entrypoint="REST"}', values: '0+600x5' },
          { series: ':tensorflow:serving:request_count{namespace="ml",pod="p",model_name="resnet",status="OK"}', values: '0+720x5' },
        ],
        promql_expr_test: [{ expr: 'result', eval_time: '4m', exp_samples: [{ labels: 'result{pod="p"}', value: 2 }] }],
      }],
    }));
    const r = spawnSync('promtool', ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
