/**
 * The PrometheusRule of one ModelServing: recording rules built from the runtime's real metric names
 * (`ServingRuntime.metrics`) and alerts on the recorded series, scoped to this deployment by
 * `namespace` + `job="<name>-metrics"` (the job of the headless metrics Service the ServiceMonitor scrapes).
 * Pod alerts use kube-state-metrics, scoped by ownership (pod -> ReplicaSet -> Deployment, DaemonSet, or with
 * spec.multiNode the StatefulSets of the LeaderWorkerSet).
 * docs/OBSERVABILITY.md explains every rule and threshold.
 */
import type { ServingContext } from '../model/context';
import { errorRatioExpr, gpuSignals, oneOf, servingTracks, trackDownExpr, workloadMatcher, workloadMetrics, workloadName } from './signals';
import { startupBudgetSeconds } from '../spec/budgets';
import { packageInfo, type PackageInfo } from '../model/package-info';

/** Alert names: a contract (routes, silences and runbook pages use them). */
export const ALERTS = {
  down: 'ModelServingDown',
  notScraped: 'ModelServingNotScraped',
  targetDown: 'ModelServingTargetDown',
  crashLooping: 'ModelServingPodCrashLooping',
  errorRate: 'ModelServingHighErrorRate',
  latency: 'ModelServingHighLatency',
  timeToFirstToken: 'ModelServingHighTimeToFirstToken',
  interTokenLatency: 'ModelServingHighInterTokenLatency',
  queueTime: 'ModelServingHighQueueTime',
  gpuUtilization: 'ModelServingLowGpuUtilization',
  gpuMemory: 'ModelServingGpuMemoryNearlyFull',
  kvCachePressure: 'ModelServingKvCachePressure',
  pickerRequestsDropped: 'ModelServingPickerRequestsDropped',
  pickerNotScraped: 'ModelServingPickerNotScraped',
} as const;
export type AlertName = (typeof ALERTS)[keyof typeof ALERTS];

/** Names of the recorded series. Each carries the labels `namespace` and `job` of the deployment. */
export const RECORDS = {
  requests: 'model_serving:requests:rate5m',
  errorRatio: 'model_serving:request_error_ratio:rate5m',
  latencyP95: 'model_serving:request_latency_seconds:p95',
  latencyMean: 'model_serving:request_latency_seconds:mean5m',
  timeToFirstTokenP95: 'model_serving:time_to_first_token_seconds:p95',
  interTokenLatencyP95: 'model_serving:inter_token_latency_seconds:p95',
  queueTime: 'model_serving:queue_time_seconds:mean5m',
  gpuUtilization: 'model_serving:gpu_utilization:ratio',
  gpuMemory: 'model_serving:gpu_memory_used:ratio',
  preemptions: 'model_serving:kv_cache_preemptions:rate5m',
  waiting: 'model_serving:requests_waiting',
  kvCache: 'model_serving:kv_cache_used:ratio',
} as const;

/** Thresholds used when `spec.monitoring.alerts` leaves them out (the schema's `@default` sentences). */
export const DEFAULT_THRESHOLDS = {
  p95LatencySeconds: 1,
  timeToFirstTokenP95Seconds: 2,
  interTokenLatencyP95Seconds: 0.2,
  maxErrorRatePercent: 1,
  maxQueueTimeSeconds: 0.5,
  minGpuUtilizationPercent: 30,
  maxGpuMemoryPercent: 90,
} as const;

/**
 * The runbooks of this package's release: docs/OBSERVABILITY.md on GitHub at the tag of the installed version
 * (`https://github.com/<repository>/blob/v<version>/docs/OBSERVABILITY.md`, repository and version from package.json).
 * Without a package.json (a bundle), the relative path `cdk8s-model-serving/docs/OBSERVABILITY.md`.
 */
export function defaultRunbookBase(info: PackageInfo = packageInfo()): string {
  if (!info.githubRepo) return 'cdk8s-model-serving/docs/OBSERVABILITY.md';
  const ref = info.version === 'unknown' ? 'main' : `v${info.version}`;
  return `https://github.com/${info.githubRepo}/blob/${ref}/docs/OBSERVABILITY.md`;
}

/** runbook_url base when `runbookBaseUrl` is unset: the runbook sections of this release's docs/OBSERVABILITY.md. */
export const DEFAULT_RUNBOOK = defaultRunbookBase();

/** The heading anchor of an alert's runbook section in docs/OBSERVABILITY.md (GitHub lower-cases `### AlertName`). */
export const runbookAnchor = (alert: AlertName) => alert.toLowerCase();

/** `<base>/<AlertName>`, or the alert's section of this release's docs when no base is set. */
export function runbookUrl(alert: AlertName, base?: string): string {
  return base ? `${base.replace(/\/+$/, '')}/${alert}` : `${DEFAULT_RUNBOOK}#${runbookAnchor(alert)}`;
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

/**
 * A vector with one series per (namespace, pod) of this deployment's pods, from kube-state-metrics' default
 * metrics. A name prefix (`pod=~"<name>-.*"`) would also catch the pods of an app called `<name>-x`;
 * following the owner references does not. With spec.multiNode: leaders are owned by the leader StatefulSet
 * `<lws>`, the workers of group g by the StatefulSet `<lws>-<g>` (kubernetes-sigs/lws v0.10.0).
 */
export function podsOfDeployment(ctx: ServingContext): string {
  const ns = ctx.namespace;
  const workloads = oneOf(ctx.tracks.map((t) => workloadName(ctx, t)));
  if (ctx.mode === 'edge') {
    return `max by (namespace, pod) (kube_pod_owner{namespace="${ns}",owner_kind="DaemonSet",owner_name=${workloads}})`;
  }
  if (ctx.spec.multiNode) {
    const sets = ctx.tracks.map((t) => workloadName(ctx, t)).join('|');
    return `max by (namespace, pod) (kube_pod_owner{namespace="${ns}",owner_kind="StatefulSet",owner_name=~"(${sets})(-[0-9]+)?"})`;
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

/** Builds the rules of one deployment; every alert is scoped by `namespace` + `job` (see the file comment). */
class Rules {
  readonly rules: (RecordingRule | AlertingRule)[] = [];
  readonly scope: Record<string, string>;
  readonly who: string;

  constructor(readonly ctx: ServingContext) {
    this.scope = { namespace: ctx.namespace, job: `${ctx.name}-metrics` };
    this.who = `${ctx.namespace}/${ctx.name}`;
  }

  record(record: string, expr: string): void {
    this.rules.push({ record, expr, labels: { ...this.scope } });
  }

  alert(a: AlertName, expr: string, forDuration: string, severity: string, summary: string, description: string,
    extraLabels: Record<string, string> = {}): void {
    this.rules.push({
      alert: a, expr, for: forDuration, labels: { severity, ...extraLabels },
      annotations: { summary, description, runbook_url: runbookUrl(a, this.ctx.spec.monitoring?.alerts?.runbookBaseUrl) },
    });
  }
}

/** Down per serving track (kube-state-metrics), and pods that run but are not scraped. */
function availabilityRules(r: Rules, startup: number): void {
  const { ctx, who, scope } = r;
  const w = workloadMetrics(ctx);
  if (minimumPods(ctx) > 0) {
    for (const t of servingTracks(ctx)) {
      const canary = t.role === 'canary';
      const name = workloadName(ctx, t);
      const where = `track ${t.key}, ${canary ? 'which receives the canary share of the requests' : 'behind Service ' + ctx.serviceName}`;
      const [summary, description] = ctx.spec.multiNode
        ? [`LeaderWorkerSet ${name} has no serving group`,
          `LeaderWorkerSet ${name} (${where}) has had no ready group leader for 5 minutes (StatefulSet ${name}, the leaders): ` +
          'a group serves once every worker has joined its leader\'s engine, and a failed pod restarts its whole group. ' +
          `See: kubectl -n ${ctx.namespace} describe leaderworkerset ${name}`]
        : [`${w.kind} ${name} has no available pod`,
          `${w.kind} ${name} (${where}) has had no available pod for 5 minutes: its pods are not running, not ready, or crash-looping. ` +
          `See: kubectl -n ${ctx.namespace} describe ${w.kind.toLowerCase()} ${name}`];
      // the label carries the pods' track label (the primary blue-green track's pods are `stable`), like every series
      r.alert(ALERTS.down, trackDownExpr(ctx, t, startup), '5m', canary ? 'warning' : 'critical',
        `${who}: ${canary ? 'the canary' : 'the model'} is down: ${summary}`, description,
        { ...scope, model_serving_track: t.label });
    }
  }
  r.alert(ALERTS.notScraped,
    `sum(${w.available}{${workloadMatcher(ctx, ctx.tracks)}}) > 0 unless on () count(up{${ctx.metricsSelector}})`, '15m', 'warning',
    `${who}: Prometheus scrapes none of its ${ctx.spec.multiNode ? 'ready group leaders' : 'available pods'}`,
    `${ctx.spec.multiNode ? 'Group leaders' : 'Pods'} of ${who} are ${ctx.spec.multiNode ? 'ready' : 'available'}, but Prometheus has had no target of job ${scope.job} for 15 minutes: every other alert ` +
    'of this deployment is blind. Check that Prometheus selects the ServiceMonitor and that the NetworkPolicy admits it.', scope);
}

/** The runtime's request latency, or per-token latencies where the runtime has them (LLM servers). */
function latencyRules(r: Rules, t: Thresholds, model: string): void {
  const { ctx, who } = r;
  const m = ctx.runtime.metrics;
  const sel = ctx.metricsSelector;
  const tokens = m.tokenLatency;
  if (tokens) {
    for (const [alert, record, expr, limit, field, what] of [
      [ALERTS.timeToFirstToken, RECORDS.timeToFirstTokenP95, tokens.timeToFirstTokenSeconds(0.95, sel, '5m'), t.timeToFirstTokenP95Seconds,
        'timeToFirstTokenP95Seconds', 'time to first token'],
      [ALERTS.interTokenLatency, RECORDS.interTokenLatencyP95, tokens.interTokenLatencySeconds(0.95, sel, '5m'), t.interTokenLatencyP95Seconds,
        'interTokenLatencyP95Seconds', 'time between two output tokens'],
    ] as const) {
      r.record(record, expr);
      r.alert(alert, `${record}{${sel}} > ${limit}`, '10m', 'warning',
        `${who}: p95 ${what} of ${model} is {{ $value | humanizeDuration }}`,
        `The p95 ${what} of ${model} has been above ${limit}s for 10 minutes (spec.monitoring.alerts.${field}).`);
    }
    return;
  }
  const latency = m.latencySeconds(sel, '5m');
  const record = latency.kind === 'p95' ? RECORDS.latencyP95 : RECORDS.latencyMean;
  const word = latency.kind === 'p95' ? 'p95' : 'mean';
  r.record(record, latency.expr);
  r.alert(ALERTS.latency, `${record}{${sel}} > ${t.p95LatencySeconds}`, '10m', 'warning',
    `${who}: ${word} latency of ${model} is {{ $value | humanizeDuration }}`,
    `The ${word} request latency of ${model} has been above ${t.p95LatencySeconds}s for 10 minutes ` +
    `(spec.monitoring.alerts.p95LatencySeconds${latency.kind === 'mean' ? `; ${ctx.runtime.displayName} exposes no latency distribution, so the mean is used` : ''}).`);
}

/** GPU utilization and memory (or, for a server whose GPU memory is a preallocated cache, cache pressure). */
function gpuRules(r: Rules, t: Thresholds): void {
  const { ctx, who } = r;
  const sel = ctx.metricsSelector;
  const gpu = gpuSignals(ctx);
  const pressure = ctx.runtime.metrics.cachePressure;
  r.record(RECORDS.gpuUtilization, gpu.utilization);
  if (pressure) {
    r.record(RECORDS.preemptions, pressure.evictionRate(sel, '5m'));
    r.record(RECORDS.waiting, pressure.waitingRequests(sel));
    r.record(RECORDS.kvCache, pressure.cacheUsage(sel));
  } else {
    r.record(RECORDS.gpuMemory, gpu.memory);
  }
  if (t.minGpuUtilizationPercent > 0) {
    r.alert(ALERTS.gpuUtilization, `${RECORDS.gpuUtilization}{${sel}} < ${ratio(t.minGpuUtilizationPercent)}`, '1h', 'info',
      `${who}: GPU utilization of pod {{ $labels.pod }} is {{ $value | humanizePercentage }}`,
      `The GPUs of pod {{ $labels.pod }} have been less than ${t.minGpuUtilizationPercent}% busy for 1 hour ` +
      '(spec.monitoring.alerts.minGpuUtilizationPercent): fewer replicas, a smaller GPU or MIG would serve the same load.' +
      (gpu.utilizationNote ? ` ${gpu.utilizationNote}` : '') +
      (ctx.spec.multiNode ? ' Multi-node: only the group leaders\' GPUs are measured (the workers are not scraped).' : ''));
  }
  const full = ratio(t.maxGpuMemoryPercent);
  if (pressure) {
    r.alert(ALERTS.kvCachePressure,
      `${RECORDS.preemptions}{${sel}} > 0 or (${RECORDS.waiting}{${sel}} > 0 and on (namespace, job, pod) ${RECORDS.kvCache}{${sel}} > ${full})`,
      '15m', 'warning',
      `${who}: pod {{ $labels.pod }} runs out of KV cache`,
      'For 15 minutes pod {{ $labels.pod }} has preempted running requests (their KV cache is dropped and recomputed) or ' +
      `kept requests waiting while more than ${t.maxGpuMemoryPercent}% of its KV cache was in use (spec.monitoring.alerts.maxGpuMemoryPercent): ` +
      'answers stall. A full cache alone is normal (it is preallocated).');
    return;
  }
  r.alert(ALERTS.gpuMemory, `${RECORDS.gpuMemory}{${sel}} > ${full}`, '15m', 'warning',
    `${who}: pod {{ $labels.pod }} uses {{ $value | humanizePercentage }} of its GPU memory`,
    `${gpu.memorySignal} of pod {{ $labels.pod }} has been above ${t.maxGpuMemoryPercent}% for 15 minutes ` +
    '(spec.monitoring.alerts.maxGpuMemoryPercent): the next model version or a larger batch may not fit.');
}

/** The thresholds in force: the spec's, else the defaults. */
export type Thresholds = { readonly [K in keyof typeof DEFAULT_THRESHOLDS]: number };

/** The rule groups of one deployment (one group: recording rules and alerts, each alert after the series it reads). */
export function buildRuleGroups(ctx: ServingContext): RuleGroup[] {
  const m = ctx.runtime.metrics;
  const sel = ctx.metricsSelector;
  const ns = ctx.namespace;
  const r = new Rules(ctx);
  const { who, scope } = r;
  // some runtimes count errors per server, not per model: then the series has no model label
  const model = `{{ if $labels.${m.modelLabel} }}model {{ $labels.${m.modelLabel} }}{{ else }}all models{{ end }}`;
  const t: Thresholds = { ...DEFAULT_THRESHOLDS, ...(ctx.spec.monitoring?.alerts ?? {}) };
  const startup = startupBudgetSeconds(ctx.spec, ctx.runtime, ctx.servingTrack.repository);

  r.record(RECORDS.requests, m.requestRate(sel, '5m'));
  r.record(RECORDS.errorRatio, errorRatioExpr(ctx, '5m'));
  availabilityRules(r, startup);
  const metricsPort = ctx.runtime.ports.find((p) => p.name === m.portName);
  const targetFor = minutes(Math.max(600, startup));
  r.alert(ALERTS.targetDown, `up{${sel}} == 0`, targetFor, 'warning',
    `${who}: pod {{ $labels.pod }} does not answer metrics scrapes`,
    `Prometheus has not scraped pod {{ $labels.pod }} (job ${scope.job}) for ${targetFor} ` +
    `(its startup budget is ${startup}s): the server is stuck loading or crashed, or its metrics port ${metricsPort?.port ?? m.portName} is blocked.`);
  r.alert(ALERTS.crashLooping,
    'max by (namespace, pod, container) (' +
    `max_over_time(kube_pod_container_status_waiting_reason{namespace="${ns}",reason="CrashLoopBackOff"}[5m])` +
    ` or max_over_time(kube_pod_init_container_status_waiting_reason{namespace="${ns}",reason="CrashLoopBackOff"}[5m])` +
    `) >= 1 and on (namespace, pod) ${podsOfDeployment(ctx)}`,
    '15m', 'warning',
    `${who}: container {{ $labels.container }} of pod {{ $labels.pod }} is crash-looping`,
    'Container {{ $labels.container }} of pod {{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes ' +
    `(a model download or load failure, or out of memory). See: kubectl -n ${ns} logs {{ $labels.pod }} -c {{ $labels.container }} --previous`);
  r.alert(ALERTS.errorRate, `${RECORDS.errorRatio}{${sel}} > ${ratio(t.maxErrorRatePercent)}`, '5m', 'critical',
    `${who}: {{ $value | humanizePercentage }} of requests to ${model} fail on the server`,
    `More than ${t.maxErrorRatePercent}% of the requests to ${model} have failed on the server's side for 5 minutes ` +
    `(spec.monitoring.alerts.maxErrorRatePercent). Counted: ${m.serverErrors.counted}. Client errors are not counted.`);
  latencyRules(r, t, model);
  if (m.queueTimeSeconds) {
    r.record(RECORDS.queueTime, m.queueTimeSeconds(sel, '5m'));
    r.alert(ALERTS.queueTime, `${RECORDS.queueTime}{${sel}} > ${t.maxQueueTimeSeconds}`, '10m', 'warning',
      `${who}: requests to ${model} wait {{ $value | humanizeDuration }} in the queue`,
      `The mean queue time of ${model} has been above ${t.maxQueueTimeSeconds}s for 10 minutes ` +
      '(spec.monitoring.alerts.maxQueueTimeSeconds): the server needs more replicas or larger batches.');
  }
  if (ctx.gpuCount > 0) gpuRules(r, t);
  return [{ name: `model-serving.${ctx.name}`, rules: r.rules }];
}

/** Every expression of the groups with the name it is reported under (for the PromQL check). */
export function ruleExpressions(groups: readonly RuleGroup[], owner: string) {
  return groups.flatMap((g) => g.rules.map((r) => ({
    name: `${owner}: ${'alert' in r ? `alert ${r.alert}` : `recording rule ${r.record}`}`,
    expr: r.expr,
  })));
}
