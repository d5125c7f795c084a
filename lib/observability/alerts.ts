/**
 * The PrometheusRule of one ModelServing: recording rules built from the runtime's real metric names
 * (`ServingRuntime.metrics`) and alerts on the recorded series, scoped to this deployment by
 * `namespace` + `job="<name>-metrics"` (the job of the headless metrics Service the ServiceMonitor scrapes).
 * Pod alerts use kube-state-metrics, scoped by ownership (pod -> ReplicaSet -> Deployment, or DaemonSet).
 * docs/OBSERVABILITY.md explains every rule and threshold.
 */
import type { ServingContext } from '../model/context';

/** Alert names: a contract (routes, silences and runbook pages use them). */
export const ALERTS = {
  down: 'ModelServingDown',
  targetDown: 'ModelServingTargetDown',
  crashLooping: 'ModelServingPodCrashLooping',
  errorRate: 'ModelServingHighErrorRate',
  latency: 'ModelServingHighLatency',
  queueTime: 'ModelServingHighQueueTime',
  gpuUtilization: 'ModelServingLowGpuUtilization',
  gpuMemory: 'ModelServingGpuMemoryNearlyFull',
} as const;
export type AlertName = (typeof ALERTS)[keyof typeof ALERTS];

/** Names of the recorded series. Each carries the labels `namespace` and `job` of the deployment. */
export const RECORDS = {
  requests: 'model_serving:requests:rate5m',
  errorRatio: 'model_serving:request_error_ratio:rate5m',
  latencyP95: 'model_serving:request_latency_seconds:p95',
  latencyMean: 'model_serving:request_latency_seconds:mean5m',
  queueTime: 'model_serving:queue_time_seconds:mean5m',
  gpuUtilization: 'model_serving:gpu_utilization:ratio',
  gpuMemory: 'model_serving:gpu_memory_used:ratio',
} as const;

/** Thresholds used when `spec.monitoring.alerts` leaves them out (the schema's `@default` sentences). */
export const DEFAULT_THRESHOLDS = {
  p95LatencySeconds: 1,
  maxErrorRatePercent: 1,
  maxQueueTimeSeconds: 0.5,
  minGpuUtilizationPercent: 30,
  maxGpuMemoryPercent: 90,
} as const;

/**
 * runbook_url when `runbookBaseUrl` is unset: the runbook section of docs/OBSERVABILITY.md in this package
 * (a relative reference, not a web address: set runbookBaseUrl to your own runbook site).
 */
export const DEFAULT_RUNBOOK = 'cdk8s-model-serving/docs/OBSERVABILITY.md';

/** `<base>/<AlertName>`, or the alert's section of the bundled docs when no base is set. */
export function runbookUrl(alert: AlertName, base?: string): string {
  return base ? `${base.replace(/\/+$/, '')}/${alert}` : `${DEFAULT_RUNBOOK}#${alert.toLowerCase()}`;
}

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Record<string, string>;
}

export interface AlertingRule {
  readonly alert: AlertName;
  readonly expr: string;
  readonly for: string;
  readonly labels: Record<string, string>;
  readonly annotations: { summary: string; description: string; runbook_url: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: (RecordingRule | AlertingRule)[];
}

/** Label matchers selecting exactly one of several names (DNS labels: no regex metacharacters). */
function oneOf(names: readonly string[]): string {
  return names.length === 1 ? `"${names[0]}"` : `~"${names.join('|')}"`;
}

/**
 * A vector with one series per (namespace, pod) of this deployment's pods, from kube-state-metrics' default
 * metrics. A name prefix (`pod=~"<name>-.*"`) would also catch the pods of an app called `<name>-x`;
 * following the owner references does not.
 */
export function podsOfDeployment(ctx: ServingContext): string {
  const ns = ctx.namespace;
  const workloads = oneOf(ctx.tracks.map((t) => t.name));
  if (ctx.mode === 'edge') {
    return `max by (namespace, pod) (kube_pod_owner{namespace="${ns}",owner_kind="DaemonSet",owner_name=${workloads}})`;
  }
  return `max by (namespace, pod) (label_replace(kube_pod_owner{namespace="${ns}",owner_kind="ReplicaSet"}, "replicaset", "$1", "owner_name", "(.*)")` +
    ` * on (namespace, replicaset) group_left () max by (namespace, replicaset) (kube_replicaset_owner{namespace="${ns}",owner_kind="Deployment",owner_name=${workloads}}))`;
}

/** The fewest pods this deployment runs; 0 when it may scale to zero (then "down" is not an alert). */
function minimumPods(ctx: ServingContext): number {
  if (ctx.mode === 'edge') return 1;
  if (ctx.spec.autoscaling) return ctx.spec.autoscaling.minReplicas ?? 1;
  return ctx.spec.replicas ?? 1;
}

const minutes = (seconds: number) => `${Math.ceil(seconds / 60)}m`;

/** A percent as a 0..1 ratio without binary noise in the rule text (33.3 -> 0.333, not 0.33299999999999996). */
export const ratio = (percent: number) => Number((percent / 100).toPrecision(12));

/** The rule groups of one deployment (one group: recording rules first, so alerts read fresh values). */
export function buildRuleGroups(ctx: ServingContext): RuleGroup[] {
  const m = ctx.runtime.metrics;
  const sel = ctx.metricsSelector;
  const ns = ctx.namespace;
  const job = `${ctx.name}-metrics`;
  const who = `${ns}/${ctx.name}`;
  // some runtimes count errors per server, not per model: then the series has no model label
  const model = `{{ if $labels.${m.modelLabel} }}model {{ $labels.${m.modelLabel} }}{{ else }}all models{{ end }}`;
  const t = { ...DEFAULT_THRESHOLDS, ...(ctx.spec.monitoring?.alerts ?? {}) };
  const base = ctx.spec.monitoring?.alerts?.runbookBaseUrl;
  const scope = { namespace: ns, job };
  const rec = (record: string, expr: string): RecordingRule => ({ record, expr, labels: { ...scope } });
  const alert = (a: AlertName, expr: string, forDuration: string, severity: string, summary: string, description: string,
    extraLabels: Record<string, string> = {}): AlertingRule => ({
    alert: a, expr, for: forDuration, labels: { severity, ...extraLabels },
    annotations: { summary, description, runbook_url: runbookUrl(a, base) },
  });
  const latency = m.latencySeconds(sel, '5m');
  const latencyRecord = latency.kind === 'p95' ? RECORDS.latencyP95 : RECORDS.latencyMean;
  const latencyWord = latency.kind === 'p95' ? 'p95' : 'mean';

  const rules: (RecordingRule | AlertingRule)[] = [
    rec(RECORDS.requests, m.requestRate(sel, '5m')),
    rec(RECORDS.errorRatio, `(${m.errorRate(sel, '5m')}) / (${m.totalRate(sel, '5m')})`),
    rec(latencyRecord, latency.expr),
  ];
  if (m.queueTimeSeconds) rules.push(rec(RECORDS.queueTime, m.queueTimeSeconds(sel, '5m')));
  const gpu = ctx.gpuCount > 0;
  if (gpu) {
    rules.push(rec(RECORDS.gpuUtilization, m.gpuUtilization(sel)));
    rules.push(rec(RECORDS.gpuMemory, m.gpuMemoryUsedRatio(sel)));
  }

  if (minimumPods(ctx) > 0) {
    rules.push(alert(ALERTS.down, `absent(up{${sel}} == 1)`, '5m', 'critical',
      `${who} is down: no ${ctx.runtime.displayName} pod answers`,
      `No target of job ${job} in namespace ${ns} has been up for 5 minutes: every pod is down, not started, ` +
      'or not scraped (check the pods, then the ServiceMonitor).', scope));
  }
  const startup = ctx.spec.startupTimeoutSeconds ?? ctx.runtime.defaultStartupTimeoutSeconds;
  const metricsPort = ctx.runtime.ports.find((p) => p.name === m.portName);
  const targetFor = minutes(Math.max(600, startup));
  rules.push(alert(ALERTS.targetDown, `up{${sel}} == 0`, targetFor, 'warning',
    `${who}: pod {{ $labels.pod }} does not answer metrics scrapes`,
    `Prometheus has not scraped pod {{ $labels.pod }} (job ${job}) for ${targetFor} ` +
    `(its startup budget is ${startup}s): the server is stuck loading or crashed, or its metrics port ${metricsPort?.port ?? m.portName} is blocked.`));
  rules.push(alert(ALERTS.crashLooping,
    'max by (namespace, pod, container) (' +
    `max_over_time(kube_pod_container_status_waiting_reason{namespace="${ns}",reason="CrashLoopBackOff"}[5m])` +
    ` or max_over_time(kube_pod_init_container_status_waiting_reason{namespace="${ns}",reason="CrashLoopBackOff"}[5m])` +
    `) >= 1 and on (namespace, pod) ${podsOfDeployment(ctx)}`,
    '15m', 'warning',
    `${who}: container {{ $labels.container }} of pod {{ $labels.pod }} is crash-looping`,
    'Container {{ $labels.container }} of pod {{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes ' +
    `(a model download or load failure, or out of memory). See: kubectl -n ${ns} logs {{ $labels.pod }} -c {{ $labels.container }} --previous`));
  const errorRatio = ratio(t.maxErrorRatePercent);
  rules.push(alert(ALERTS.errorRate, `${RECORDS.errorRatio}{${sel}} > ${errorRatio}`, '5m', 'critical',
    `${who}: {{ $value | humanizePercentage }} of requests to ${model} fail`,
    `More than ${t.maxErrorRatePercent}% of the requests to ${model} have failed for 5 minutes ` +
    '(spec.monitoring.alerts.maxErrorRatePercent).'));
  rules.push(alert(ALERTS.latency, `${latencyRecord}{${sel}} > ${t.p95LatencySeconds}`, '10m', 'warning',
    `${who}: ${latencyWord} latency of ${model} is {{ $value | humanizeDuration }}`,
    `The ${latencyWord} request latency of ${model} has been above ${t.p95LatencySeconds}s for 10 minutes ` +
    `(spec.monitoring.alerts.p95LatencySeconds${latency.kind === 'mean' ? `; ${ctx.runtime.displayName} exposes no latency distribution, so the mean is used` : ''}).`));
  if (m.queueTimeSeconds) {
    rules.push(alert(ALERTS.queueTime, `${RECORDS.queueTime}{${sel}} > ${t.maxQueueTimeSeconds}`, '10m', 'warning',
      `${who}: requests to ${model} wait {{ $value | humanizeDuration }} in the queue`,
      `The mean queue time of ${model} has been above ${t.maxQueueTimeSeconds}s for 10 minutes ` +
      '(spec.monitoring.alerts.maxQueueTimeSeconds): the server needs more replicas or larger batches.'));
  }
  if (gpu && t.minGpuUtilizationPercent > 0) {
    rules.push(alert(ALERTS.gpuUtilization, `${RECORDS.gpuUtilization}{${sel}} < ${ratio(t.minGpuUtilizationPercent)}`, '1h', 'info',
      `${who}: GPU utilization of pod {{ $labels.pod }} is {{ $value | humanizePercentage }}`,
      `The GPUs of pod {{ $labels.pod }} have been less than ${t.minGpuUtilizationPercent}% busy for 1 hour ` +
      '(spec.monitoring.alerts.minGpuUtilizationPercent): fewer replicas, a smaller GPU or MIG would serve the same load.'));
  }
  if (gpu) {
    const memory = m.gpuMemorySignal ?? 'GPU memory';
    rules.push(alert(ALERTS.gpuMemory, `${RECORDS.gpuMemory}{${sel}} > ${ratio(t.maxGpuMemoryPercent)}`, '15m', 'warning',
      `${who}: ${memory} of pod {{ $labels.pod }} is {{ $value | humanizePercentage }}`,
      `${memory} of pod {{ $labels.pod }} has been above ${t.maxGpuMemoryPercent}% for 15 minutes ` +
      '(spec.monitoring.alerts.maxGpuMemoryPercent): the next model version or a larger batch may not fit.'));
  }
  return [{ name: `model-serving.${ctx.name}`, rules }];
}

/** Every expression of the groups with the name it is reported under (for the PromQL check). */
export function ruleExpressions(groups: readonly RuleGroup[], owner: string) {
  return groups.flatMap((g) => g.rules.map((r) => ({
    name: `${owner}: ${'alert' in r ? `alert ${r.alert}` : `recording rule ${r.record}`}`,
    expr: r.expr,
  })));
}
