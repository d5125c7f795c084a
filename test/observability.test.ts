/** ServiceMonitor, PrometheusRule and Grafana dashboard of a ModelServing: each fact asserted on its own. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { App, Chart } from 'cdk8s';
import { synth, find, all, tritonDoc, specErrors, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { ServingContext } from '../lib/model/context';
import { ModelObservability } from '../lib/constructs/observability';
import { propsFromDocument } from '../lib/constructs/model-serving';
import { promqlProblems, assertValidPromql } from '../lib/promql/promql';
import { ALERTS, RECORDS, type AlertingRule, type RecordingRule } from '../lib/observability/alerts';
import type { ModelServingDocument } from '../lib/spec/schema/spec';
import { RUNTIME_REGISTRY } from '../lib/runtimes/registry';
import { ALERT_FIXTURES } from './fixtures/alerts';

const objs = synth(tritonDoc());
const rules = (o: K8sObject[]) => find(o, 'PrometheusRule').spec.groups.flatMap((g: K8sObject) => g.rules) as (AlertingRule | RecordingRule)[];
const alerts = (o: K8sObject[]) => rules(o).filter((r): r is AlertingRule => 'alert' in r);
const alert = (o: K8sObject[], name: string) => alerts(o).find((a) => a.alert === name)!;
const dashboard = (o: K8sObject[]) => JSON.parse(find(o, 'ConfigMap', 'm-dashboard').data['ml-m.json']);
const SEL = 'namespace="ml",job="m-metrics"';
/** The runbooks of this release: docs/OBSERVABILITY.md at the package's version tag in its repository (package.json). */
const PKG = JSON.parse(readFileSync('package.json', 'utf8'));
const RUNBOOKS = `https://github.com/${/github\.com\/([^/]+\/[^/.]+)/.exec(PKG.repository.url)![1]}/blob/v${PKG.version}/docs/OBSERVABILITY.md`;

test('every observability object is valid against its schema, strictly', async () => {
  await assertValidObjects(objs);
  await assertValidObjects(synth(tritonDoc({ mode: 'edge', edge: { nodeSelector: { edge: 'true' } }, resources: undefined })));
});

test('the ServiceMonitor selects the headless metrics Service of this instance in its own namespace', () => {
  const sm = find(objs, 'ServiceMonitor', 'm');
  assert.equal(sm.metadata.namespace, 'ml');
  assert.deepEqual(sm.spec.selector, { matchLabels: { 'app.kubernetes.io/name': 'triton', 'app.kubernetes.io/instance': 'm', 'model-serving/metrics': 'true' } });
  assert.deepEqual(sm.spec.namespaceSelector, { matchNames: ['ml'] });
  const matched = all(objs, 'Service').filter((s) => Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels[k] === v));
  assert.deepEqual(matched.map((s) => s.metadata.name), ['m-metrics'], 'the job label is the Service name: job="m-metrics"');
});

test('the ServiceMonitor scrapes Triton port metrics (8002) on /metrics every 15s and keeps the track label', () => {
  const sm = find(objs, 'ServiceMonitor');
  assert.deepEqual(sm.spec.endpoints, [{ port: 'metrics', path: '/metrics', interval: '15s', scheme: 'http' }]);
  assert.equal(find(objs, 'Service', 'm-metrics').spec.ports[0].port, 8002);
  assert.deepEqual(sm.spec.podTargetLabels, ['model-serving/track']);
});

test('monitoring.interval sets the scrape interval', () => {
  assert.equal(find(synth(tritonDoc({ monitoring: { interval: '30s' } })), 'ServiceMonitor').spec.endpoints[0].interval, '30s');
});

test('serviceMonitor, prometheusRule and dashboard false leave each object out', () => {
  const o = synth(tritonDoc({ monitoring: { serviceMonitor: false, prometheusRule: false, dashboard: false } }));
  assert.deepEqual([...all(o, 'ServiceMonitor'), ...all(o, 'PrometheusRule')], []);
  assert.equal(all(o, 'ConfigMap').some((c) => c.metadata.name === 'm-dashboard'), false);
});

test('a batch job gets no ServiceMonitor, PrometheusRule or dashboard (it has no Service)', () => {
  const o = synth(tritonDoc({ mode: 'batch', batch: { input: 's3://data/in/', output: 's3://data/out/' } }));
  assert.deepEqual([...all(o, 'ServiceMonitor'), ...all(o, 'PrometheusRule')], []);
  assert.equal(all(o, 'ConfigMap').some((c) => c.metadata.labels.grafana_dashboard), false);
});

test('records the request rate, error ratio, p95, queue time and GPU series with this deployment\'s labels', () => {
  const recs = rules(objs).filter((r): r is RecordingRule => 'record' in r);
  assert.deepEqual(recs.map((r) => r.record), [
    RECORDS.requests, RECORDS.errorRatio, RECORDS.latencyP95, RECORDS.queueTime, RECORDS.gpuUtilization, RECORDS.gpuMemory,
  ]);
  for (const r of recs) assert.deepEqual(r.labels, { namespace: 'ml', job: 'm-metrics' });
  const byName = Object.fromEntries(recs.map((r) => [r.record, r.expr]));
  assert.equal(byName[RECORDS.latencyP95], `max by (model) (nv_inference_request_summary_us{${SEL},quantile="0.95"}) / 1e6`);
  assert.match(byName[RECORDS.errorRatio], /^\(sum by \(model\) \(rate\(nv_inference_request_failure\{namespace="ml",job="m-metrics",reason!="CANCELED"\}\[5m\]\)\)\) \/ \(/);
});

test('emits the nine alerts of a GPU Triton deployment, in order', () => {
  assert.deepEqual(alerts(objs).map((a) => a.alert), [
    ALERTS.down, ALERTS.notScraped, ALERTS.targetDown, ALERTS.crashLooping, ALERTS.errorRate, ALERTS.latency, ALERTS.queueTime, ALERTS.gpuUtilization, ALERTS.gpuMemory,
  ]);
});

test('every alert has a for duration, a severity, a summary, a description and a runbook_url', () => {
  for (const a of alerts(objs)) {
    assert.match(a.for, /^\d+[mh]$/, a.alert);
    assert.ok(['critical', 'warning', 'info'].includes(a.labels.severity), a.alert);
    assert.deepEqual(Object.keys(a.annotations).sort(), ['description', 'runbook_url', 'summary'], a.alert);
    assert.equal(a.annotations.runbook_url, `${RUNBOOKS}#${a.alert.toLowerCase()}`);
  }
});

test('the default thresholds are 1% errors, 1 s latency, 0.5 s queue, 30% GPU busy and 90% GPU memory', () => {
  assert.equal(alert(objs, ALERTS.errorRate).expr, `${RECORDS.errorRatio}{${SEL}} > 0.01`);
  assert.equal(alert(objs, ALERTS.latency).expr, `${RECORDS.latencyP95}{${SEL}} > 1`);
  assert.equal(alert(objs, ALERTS.queueTime).expr, `${RECORDS.queueTime}{${SEL}} > 0.5`);
  assert.equal(alert(objs, ALERTS.gpuUtilization).expr, `${RECORDS.gpuUtilization}{${SEL}} < 0.3`);
  assert.equal(alert(objs, ALERTS.gpuMemory).expr, `${RECORDS.gpuMemory}{${SEL}} > 0.9`);
});

test('monitoring.alerts sets every threshold and the runbook base', () => {
  const o = synth(tritonDoc({ monitoring: { alerts: {
    p95LatencySeconds: 0.25, maxErrorRatePercent: 0.5, maxQueueTimeSeconds: 0.05, minGpuUtilizationPercent: 20, maxGpuMemoryPercent: 95,
    runbookBaseUrl: 'https://runbooks.example.org/ml/',
  } } }));
  assert.equal(alert(o, ALERTS.errorRate).expr, `${RECORDS.errorRatio}{${SEL}} > 0.005`);
  assert.equal(alert(o, ALERTS.latency).expr, `${RECORDS.latencyP95}{${SEL}} > 0.25`);
  assert.equal(alert(o, ALERTS.queueTime).expr, `${RECORDS.queueTime}{${SEL}} > 0.05`);
  assert.equal(alert(o, ALERTS.gpuUtilization).expr, `${RECORDS.gpuUtilization}{${SEL}} < 0.2`);
  assert.equal(alert(o, ALERTS.gpuMemory).expr, `${RECORDS.gpuMemory}{${SEL}} > 0.95`);
  assert.equal(alert(o, ALERTS.latency).annotations.runbook_url, 'https://runbooks.example.org/ml/ModelServingHighLatency');
});

test('a percent threshold is written without binary noise', () => {
  const o = synth(tritonDoc({ monitoring: { alerts: { maxErrorRatePercent: 33.3 } } }));
  assert.equal(alert(o, ALERTS.errorRate).expr, `${RECORDS.errorRatio}{${SEL}} > 0.333`);
});

test('ModelServingDown reads the available pods of the stable Deployment from kube-state-metrics, not up', () => {
  const a = alert(objs, ALERTS.down);
  assert.equal(a.expr, 'max by (namespace, deployment) (kube_deployment_status_replicas_available{namespace="ml",deployment="m"}) < 1'
    + ' unless on (namespace, deployment) (time() - max by (namespace, deployment) (kube_deployment_created{namespace="ml",deployment="m"}) < 600)');
  assert.equal(a.for, '5m');
  assert.deepEqual(a.labels, { severity: 'critical', namespace: 'ml', job: 'm-metrics', model_serving_track: 'stable' });
});

test('ModelServingDown: one rule per serving track, named from the synthesized Deployments; a preview track is not serving', () => {
  const doc = tritonDoc({ rollout: { strategy: 'blueGreen', active: 'green', tracks: { blue: {}, green: {} } } });
  const o = synth(doc);
  const deploymentOf = (track: string) => all(o, 'Deployment').find((d) => d.spec.template.metadata.labels['model-serving/track'] === track)!.metadata.name;
  const down = alerts(o).filter((a) => a.alert === ALERTS.down);
  assert.deepEqual(down.map((a) => [a.labels.model_serving_track, a.labels.severity]), [['green', 'critical']]);
  assert.match(down[0].expr, new RegExp(`deployment="${deploymentOf('green')}"`));
  // blue is the primary track (the first by name): its pods keep the label `stable` (docs/TRAFFIC.md)
  assert.doesNotMatch(down[0].expr, new RegExp(`"${deploymentOf('stable')}"`));
  const canary = synth(tritonDoc({ gateway: { parentRef: { name: 'inference' } }, rollout: { strategy: 'canary', weight: 5, canary: {} } }));
  assert.deepEqual(alerts(canary).filter((a) => a.alert === ALERTS.down).map((a) => [a.labels.model_serving_track, a.labels.severity]),
    [['stable', 'critical'], ['canary', 'warning']]);
});

test('ModelServingNotScraped fires when the workloads have available pods but the job has no target', () => {
  const a = alert(objs, ALERTS.notScraped);
  assert.equal(a.expr, `sum(kube_deployment_status_replicas_available{namespace="ml",deployment="m"}) > 0 unless on () count(up{${SEL}})`);
  assert.deepEqual(a.labels, { severity: 'warning', namespace: 'ml', job: 'm-metrics' });
});

test('ModelServingTargetDown waits out the startup budget', () => {
  assert.equal(alert(objs, ALERTS.targetDown).for, '10m');
  assert.equal(alert(synth(tritonDoc({ startupTimeoutSeconds: 1800 })), ALERTS.targetDown).for, '30m');
});

test('a deployment that may scale to zero gets no ModelServingDown alert', () => {
  const o = synth(tritonDoc({ autoscaling: { engine: 'keda', minReplicas: 0, maxReplicas: 4, keda: {
    serverAddress: 'http://prometheus.monitoring:9090', threshold: 100, query: 'sum(rate(nginx_ingress_controller_requests{namespace="ml"}[2m]))',
  } } }));
  assert.equal(alerts(o).some((a) => a.alert === ALERTS.down), false);
  assert.equal(alerts(o).some((a) => a.alert === ALERTS.targetDown), true);
});

test('crash loops are scoped through pod -> ReplicaSet -> Deployment ownership, not a name prefix', () => {
  const expr = alert(objs, ALERTS.crashLooping).expr;
  assert.match(expr, /kube_replicaset_owner\{namespace="ml",owner_kind="Deployment",owner_name="m"\}/);
  assert.doesNotMatch(expr, /pod=~/);
  const canary = synth(tritonDoc({ gateway: { parentRef: { name: 'gw' } }, rollout: { strategy: 'canary', weight: 5, canary: {} } }));
  assert.match(alert(canary, ALERTS.crashLooping).expr, /owner_name=~"m\|m-canary"/);
  const edge = synth(tritonDoc({ mode: 'edge', edge: { nodeSelector: { edge: 'true' } }, resources: undefined }));
  assert.match(alert(edge, ALERTS.crashLooping).expr, /kube_pod_owner\{namespace="ml",owner_kind="DaemonSet",owner_name="m"\}/);
});

test('without a GPU there are no GPU recordings, alerts or panels', () => {
  const o = synth(tritonDoc({ resources: undefined }));
  assert.equal(rules(o).some((r) => JSON.stringify(r).includes('gpu')), false);
  assert.deepEqual(dashboard(o).panels.map((p: K8sObject) => p.title), ['Requests per second', 'Error ratio', 'Latency percentiles', 'Queue time', 'Requests waiting', 'Replicas']);
});

test('minGpuUtilizationPercent 0 turns the low-utilization alert off', () => {
  const o = synth(tritonDoc({ monitoring: { alerts: { minGpuUtilizationPercent: 0 } } }));
  assert.equal(alerts(o).some((a) => a.alert === ALERTS.gpuUtilization), false);
  assert.equal(alerts(o).some((a) => a.alert === ALERTS.gpuMemory), true);
});

test('the dashboard ConfigMap carries the Grafana sidecar label and one JSON file per namespace and name', () => {
  const cm = find(objs, 'ConfigMap', 'm-dashboard');
  assert.equal(cm.metadata.labels.grafana_dashboard, '1');
  assert.deepEqual(Object.keys(cm.data), ['ml-m.json']);
  assert.ok(cm.data['ml-m.json'].length < 32 * 1024, `dashboard is ${cm.data['ml-m.json'].length} bytes`);
});

test('the dashboard reads every panel through the DS_PROMETHEUS datasource variable', () => {
  const d = dashboard(objs);
  assert.deepEqual(d.templating.list.map((v: K8sObject) => [v.name, v.type, v.query]), [['DS_PROMETHEUS', 'datasource', 'prometheus']]);
  for (const p of d.panels) {
    assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${DS_PROMETHEUS}' }, p.title);
    for (const t of p.targets) assert.deepEqual(t.datasource, { type: 'prometheus', uid: '${DS_PROMETHEUS}' }, p.title);
  }
  assert.ok(d.uid.length <= 40);
});

test('the dashboard shows traffic, errors, latency percentiles, queue, GPUs and replicas from real metric names', () => {
  const d = dashboard(objs);
  assert.deepEqual(d.panels.map((p: K8sObject) => p.title), [
    'Requests per second', 'Error ratio', 'Latency percentiles', 'Queue time', 'Requests waiting', 'GPU utilization', 'GPU memory used', 'Replicas',
  ]);
  const exprs = (title: string) => d.panels.find((p: K8sObject) => p.title === title).targets.map((t: K8sObject) => t.expr);
  assert.deepEqual(exprs('Requests per second'), [`sum by (model) (rate(nv_inference_request_success{${SEL}}[$__rate_interval]))`]);
  assert.deepEqual(exprs('Latency percentiles'), ['0.5', '0.9', '0.95', '0.99'].map((q) => `max by (model) (nv_inference_request_summary_us{${SEL},quantile="${q}"}) / 1e6`));
  assert.deepEqual(exprs('Replicas'), ['kube_deployment_status_replicas_available{namespace="ml",deployment="m"}', 'kube_deployment_spec_replicas{namespace="ml",deployment="m"}']);
  for (const p of d.panels) for (const t of p.targets) assert.deepEqual(promqlProblems(t.expr), [], `${p.title}: ${t.expr}`);
});

test('the dashboard draws each alert threshold as a dashed line', () => {
  const p = dashboard(objs).panels.find((x: K8sObject) => x.title === 'Error ratio');
  assert.deepEqual(p.fieldConfig.defaults.thresholds.steps, [{ value: null, color: 'green' }, { value: 0.01, color: 'red' }]);
  assert.equal(p.fieldConfig.defaults.custom.thresholdsStyle.mode, 'dashed');
});

test('the PromQL check accepts valid expressions and names the position of a syntax error', () => {
  assert.deepEqual(promqlProblems('histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))'), []);
  assert.deepEqual(promqlProblems(':tensorflow:serving:request_count{status="OK"}'), []);
  assert.deepEqual(promqlProblems('sum(rate(x[5m])'), ['syntax error at column 16 (at the end)']);
  assert.deepEqual(promqlProblems('rate(x)'), ['rate() needs a range vector such as x[5m] at column 6 (near "x)")']);
  assert.deepEqual(promqlProblems(''), ['the expression is empty']);
  assert.throws(() => assertValidPromql([{ name: 'PrometheusRule ml/m: alert X', expr: 'up ==' }]),
    { name: 'PromqlError', message: 'PrometheusRule ml/m: alert X: invalid PromQL, syntax error at column 6 (at the end): up ==' });
});

test('a runtime expression that does not parse fails the synth, naming the rule', () => {
  const ctx = new ServingContext(propsFromDocument(tritonDoc() as ModelServingDocument));
  const metrics = { ...ctx.runtime.metrics, requestRate: () => 'sum by (model) (rate(nv_inference_request_success[5m])' };
  Object.assign(ctx, { runtime: { ...ctx.runtime, metrics } });
  assert.throws(() => new ModelObservability(new Chart(new App(), 'c'), 'Observability', { context: ctx }), {
    name: 'PromqlError',
    message: [
      'PrometheusRule ml/m: recording rule model_serving:requests:rate5m: invalid PromQL, syntax error at column 55 (at the end): sum by (model) (rate(nv_inference_request_success[5m])',
      'dashboard ml/m: panel "Requests per second": invalid PromQL, syntax error at column 55 (at the end): sum by (model) (rate(nv_inference_request_success[5m])',
    ].join('\n'),
  });
});

test('refuses monitoring fields that cannot take effect, each with its path', () => {
  assert.equal(specErrors(tritonDoc({ monitoring: { serviceMonitor: false, interval: '30s' } })),
    "spec.yaml: spec.monitoring.interval: is the ServiceMonitor's scrape interval, but spec.monitoring.serviceMonitor is false");
  assert.equal(specErrors(tritonDoc({ monitoring: { prometheusRule: false, alerts: { maxErrorRatePercent: 5 } } })),
    'spec.yaml: spec.monitoring.alerts: configures the PrometheusRule, but spec.monitoring.prometheusRule is false');
  assert.equal(specErrors(tritonDoc({ resources: undefined, monitoring: { alerts: { minGpuUtilizationPercent: 40, maxGpuMemoryPercent: 80 } } })), [
    'spec.yaml: spec.monitoring.alerts.minGpuUtilizationPercent: needs a GPU (set spec.resources.gpu, or 0 to turn the alert off)',
    'spec.yaml: spec.monitoring.alerts.maxGpuMemoryPercent: needs a GPU (set spec.resources.gpu)',
  ].join('\n'));
  assert.equal(specErrors(tritonDoc({ mode: 'batch', batch: { input: 's3://d/in/', output: 's3://d/out/' }, monitoring: { dashboard: false } })),
    'spec.yaml: spec.monitoring: applies to modes online and edge (a batch job has no Service to scrape; mode is batch)');
  assert.equal(specErrors(tritonDoc({ resources: undefined, monitoring: { alerts: { minGpuUtilizationPercent: 0 } } })), undefined);
});

test('refuses a queue-time threshold on a runtime without a queue-time metric', () => {
  assert.equal(specErrors(tritonDoc({ runtime: 'tfserving', models: [{ name: 'resnet', format: 'savedmodel' }], monitoring: { alerts: { maxQueueTimeSeconds: 1 } } })),
    'spec.yaml: spec.monitoring.alerts.maxQueueTimeSeconds: needs a queue-time metric, which runtime tfserving does not expose');
});

for (const runtime of RUNTIME_REGISTRY) {
  test(`${runtime.name}: the ServiceMonitor scrapes port ${runtime.metrics.portName} at ${runtime.metrics.path} and every object is strictly valid`, async () => {
    const o = synth(tritonDoc(ALERT_FIXTURES[runtime.name][0].doc));
    await assertValidObjects(o);
    const ep = find(o, 'ServiceMonitor').spec.endpoints[0];
    assert.deepEqual([ep.port, ep.path], [runtime.metrics.portName, runtime.metrics.path]);
    const port = runtime.ports.find((p) => p.name === runtime.metrics.portName)!.port;
    assert.equal(find(o, 'Service', 'm-metrics').spec.ports[0].port, port);
    for (const p of dashboard(o).panels) for (const t of p.targets) assert.deepEqual(promqlProblems(t.expr), [], `${p.title}: ${t.expr}`);
  });
}

test('a runtime with only cumulative latency counters gets a mean-latency alert and panel that say so', () => {
  const o = synth(tritonDoc(ALERT_FIXTURES.torchserve[0].doc));
  const a = alert(o, ALERTS.latency);
  assert.equal(a.expr, `${RECORDS.latencyMean}{${SEL}} > 1`);
  assert.match(a.annotations.description, /TorchServe exposes no latency distribution, so the mean is used/);
  assert.equal(dashboard(o).panels.some((p: K8sObject) => p.title === 'Mean latency'), true);
});

const vllmDoc = (spec: Record<string, unknown> = {}) => tritonDoc({ ...ALERT_FIXTURES.vllm[0].doc, ...spec });

test('vLLM alerts per token and on KV-cache pressure: no end-to-end latency alert, no full-cache alert', () => {
  const o = synth(vllmDoc());
  assert.deepEqual(alerts(o).map((a) => a.alert), [
    ALERTS.down, ALERTS.notScraped, ALERTS.targetDown, ALERTS.crashLooping, ALERTS.errorRate, ALERTS.timeToFirstToken, ALERTS.interTokenLatency,
    ALERTS.queueTime, ALERTS.gpuUtilization, ALERTS.kvCachePressure,
  ]);
  assert.equal(alert(o, ALERTS.timeToFirstToken).expr, `${RECORDS.timeToFirstTokenP95}{${SEL}} > 2`);
  assert.equal(alert(o, ALERTS.interTokenLatency).expr, `${RECORDS.interTokenLatencyP95}{${SEL}} > 0.2`);
  assert.equal(alert(o, ALERTS.kvCachePressure).expr,
    `${RECORDS.preemptions}{${SEL}} > 0 or (${RECORDS.waiting}{${SEL}} > 0 and on (namespace, job, pod) ${RECORDS.kvCache}{${SEL}} > 0.9)`);
  assert.equal(rules(o).some((r) => 'record' in r && r.record === RECORDS.latencyP95), false);
  const custom = synth(vllmDoc({ monitoring: { alerts: { timeToFirstTokenP95Seconds: 0.8, interTokenLatencyP95Seconds: 0.05, maxGpuMemoryPercent: 95 } } }));
  assert.equal(alert(custom, ALERTS.timeToFirstToken).expr, `${RECORDS.timeToFirstTokenP95}{${SEL}} > 0.8`);
  assert.equal(alert(custom, ALERTS.interTokenLatency).expr, `${RECORDS.interTokenLatencyP95}{${SEL}} > 0.05`);
  assert.match(alert(custom, ALERTS.kvCachePressure).expr, /> 0\.95\)$/);
});

test('the vLLM dashboard shows token latencies with their thresholds, the end-to-end latency without one, and KV-cache pressure', () => {
  const d = dashboard(synth(vllmDoc()));
  assert.deepEqual(d.panels.map((p: K8sObject) => p.title), [
    'Requests per second', 'Error ratio', 'Time to first token', 'Inter-token latency', 'End-to-end latency', 'Queue time', 'Requests waiting',
    'GPU utilization', 'KV-cache use', 'KV-cache preemptions', 'Tokens per second', 'Queue and KV cache per track', 'Replicas',
  ]);
  const panel = (title: string) => d.panels.find((p: K8sObject) => p.title === title);
  assert.deepEqual(panel('Time to first token').fieldConfig.defaults.thresholds.steps[1], { value: 2, color: 'red' });
  assert.deepEqual(panel('Inter-token latency').fieldConfig.defaults.thresholds.steps[1], { value: 0.2, color: 'red' });
  assert.equal(panel('End-to-end latency').fieldConfig.defaults.thresholds, undefined);
  assert.deepEqual(panel('KV-cache preemptions').targets.map((t: K8sObject) => t.expr),
    [`sum by (pod) (rate(vllm:num_preemptions_total{${SEL}}[$__rate_interval]))`]);
});

test('refuses per-token thresholds on a runtime without token histograms, and p95LatencySeconds on vLLM', () => {
  assert.equal(specErrors(tritonDoc({ monitoring: { alerts: { timeToFirstTokenP95Seconds: 1, interTokenLatencyP95Seconds: 0.1 } } })), [
    'spec.yaml: spec.monitoring.alerts.timeToFirstTokenP95Seconds: needs token latency histograms, which runtime triton does not expose (runtime vllm does)',
    'spec.yaml: spec.monitoring.alerts.interTokenLatencyP95Seconds: needs token latency histograms, which runtime triton does not expose (runtime vllm does)',
  ].join('\n'));
  assert.equal(specErrors(vllmDoc({ monitoring: { alerts: { p95LatencySeconds: 5 } } })),
    'spec.yaml: spec.monitoring.alerts.p95LatencySeconds: does not apply to runtime vllm: its latency alerts are per token (set timeToFirstTokenP95Seconds and interTokenLatencyP95Seconds)');
});

test('on a MIG slice, GPU utilization is DCGM_FI_PROF_GR_ENGINE_ACTIVE and the dashboard says so', () => {
  const o = synth(tritonDoc({ resources: { gpu: { count: 1, resourceName: 'nvidia.com/mig-3g.40gb' } } }));
  const rec = (name: string) => (rules(o).find((r) => 'record' in r && r.record === name) as RecordingRule).expr;
  assert.match(rec(RECORDS.gpuUtilization), /^avg by \(pod\) \(label_replace\(label_replace\(DCGM_FI_PROF_GR_ENGINE_ACTIVE,/);
  assert.doesNotMatch(rec(RECORDS.gpuUtilization), /nv_gpu_utilization|DCGM_FI_DEV_GPU_UTIL/);
  // Triton has no GPU metrics on MIG: memory comes from DCGM's frame buffer of the instance
  assert.match(rec(RECORDS.gpuMemory), /^max by \(pod, gpu, GPU_I_ID\) \(.*DCGM_FI_DEV_FB_USED/);
  assert.match(alert(o, ALERTS.gpuUtilization).annotations.description, /Measured as DCGM_FI_PROF_GR_ENGINE_ACTIVE/);
  const p = dashboard(o).panels.find((x: K8sObject) => x.title.startsWith('GPU utilization'));
  assert.equal(p.title, 'GPU utilization (MIG: graphics-engine activity)');
  assert.match(p.description, /DCGM_FI_PROF_GR_ENGINE_ACTIVE .*on MIG \(nvidia\.com\/mig-3g\.40gb\) the GPU utilization gauges read 0 or are absent/);
  // whole GPUs keep Triton's own gauge
  assert.match((rules(objs).find((r) => 'record' in r && r.record === RECORDS.gpuUtilization) as RecordingRule).expr, /^avg by \(pod\) \(nv_gpu_utilization\{/);
});

test('the error alert and panel say which failures count: server-side only', () => {
  const a = alert(objs, ALERTS.errorRate);
  assert.match(a.annotations.description, /failed on the server's side .* Counted: nv_inference_request_failure with reason BACKEND/);
  const p = dashboard(objs).panels.find((x: K8sObject) => x.title === 'Error ratio');
  assert.match(p.description, /Not counted: reason CANCELED/);
});

test('Triton leaves ensembles out of the failures (their steps\' failures, counted again), with dots in names escaped', () => {
  const m = RUNTIME_REGISTRY.find((r) => r.name === 'triton')!.metrics;
  const models = [{ name: 'det.v2', format: 'onnx' }, { name: 'pipe.v2', format: 'ensemble' }, { name: 'cls', format: 'ensemble' }] as never;
  assert.equal(m.errorRate(SEL, '5m', models),
    `sum by (model) (rate(nv_inference_request_failure{${SEL},reason!="CANCELED",model!~"pipe\\\\.v2|cls"}[5m]))`);
  assert.deepEqual(promqlProblems(m.errorRate(SEL, '5m', models)), []);
});
