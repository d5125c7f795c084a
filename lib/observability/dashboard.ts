/**
 * The Grafana dashboard of one ModelServing, built with the Grafana Foundation SDK: request rate, errors,
 * latency percentiles, queue time, GPU utilization and memory, and replicas (kube-state-metrics). Every query
 * uses the runtime's real metric names (`ServingRuntime.metrics`) scoped to this deployment, and the
 * `DS_PROMETHEUS` datasource variable, so the JSON imports into any Grafana.
 */
import { createHash } from 'node:crypto';
import {
  DashboardBuilder, DatasourceVariableBuilder, ThresholdsConfigBuilder, ThresholdsMode, DashboardCursorSync,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TimeseriesPanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import {
  GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode, LegendDisplayMode, LegendPlacement, VizLegendOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import type { ServingContext } from '../model/context';
import { DEFAULT_THRESHOLDS, ratio, type Thresholds } from './alerts';
import { errorRatioExpr, gpuSignals, usesMig, workerStatefulSetMatcher, workloadMatcher, workloadMetrics } from './signals';
import { llmDashboardPanels } from './llm';

/** The datasource variable every panel uses. */
export const DATASOURCE_VARIABLE = 'DS_PROMETHEUS';
const DS: DataSourceRef = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };
/** The window of every rate: Grafana picks one that is at least four scrape intervals. */
const W = '$__rate_interval';

/** One query of a panel. */
export interface DashboardQuery {
  readonly expr: string;
  readonly legend: string;
}

/** One time-series panel, before it is built. */
export interface DashboardPanel {
  readonly title: string;
  readonly description: string;
  /** Grafana unit id (`reqps`, `percentunit`, `s`, `short`). */
  readonly unit: string;
  readonly queries: readonly DashboardQuery[];
  /** A dashed line at the alert threshold. @default - none */
  readonly threshold?: number;
  readonly max?: number;
}

/** A Grafana uid (at most 40 characters) unique per namespace and name. */
export function dashboardUid(ctx: ServingContext): string {
  const hash = createHash('sha256').update(`${ctx.namespace}/${ctx.name}`).digest('hex').slice(0, 12);
  return `ms-${ctx.name.slice(0, 24)}-${hash}`;
}

/** The panels of the dashboard: plain data, tested on their own and checked by the PromQL parser. */
export function dashboardPanels(ctx: ServingContext): DashboardPanel[] {
  const m = ctx.runtime.metrics;
  const sel = ctx.metricsSelector;
  const t: Thresholds = { ...DEFAULT_THRESHOLDS, ...(ctx.spec.monitoring?.alerts ?? {}) };
  const model = `{{${m.modelLabel}}}`;
  const panels: DashboardPanel[] = [
    {
      title: 'Requests per second',
      description: 'Successful requests per second, per model, over all pods.',
      unit: 'reqps',
      queries: [{ expr: m.requestRate(sel, W), legend: model }],
    },
    {
      title: 'Error ratio',
      description: `Server-side failures / requests the server served or failed, per model (or per server). Counted: ${m.serverErrors.counted}. ` +
        `Not counted: ${m.serverErrors.excluded}. The dashed line is the alert threshold (spec.monitoring.alerts.maxErrorRatePercent).`,
      unit: 'percentunit',
      queries: [{ expr: errorRatioExpr(ctx, W), legend: model }],
      threshold: ratio(t.maxErrorRatePercent),
    },
  ];
  panels.push(...latencyPanels(ctx, t));
  if (m.queueTimeSeconds) {
    panels.push({
      title: 'Queue time',
      description: 'Mean time a request waits in the server queue, per model. The dashed line is spec.monitoring.alerts.maxQueueTimeSeconds.',
      unit: 's',
      queries: [{ expr: m.queueTimeSeconds(sel, W), legend: model }],
      threshold: t.maxQueueTimeSeconds,
    });
  }
  if (m.pendingRequests) {
    panels.push({
      title: 'Requests waiting',
      description: 'Requests accepted but not yet executing, per model, over all pods.',
      unit: 'short',
      queries: [{ expr: m.pendingRequests(sel), legend: model }],
    });
  }
  if (ctx.gpuCount > 0) panels.push(...gpuPanels(ctx, t));
  panels.push(...llmDashboardPanels(ctx), replicasPanel(ctx));
  return panels;
}

const QUANTILES = [0.5, 0.9, 0.95, 0.99] as const;

/** Request latency percentiles (or the mean); per-token latencies for LLM servers, whose request latency grows with the answer. */
function latencyPanels(ctx: ServingContext, t: Thresholds): DashboardPanel[] {
  const m = ctx.runtime.metrics;
  const sel = ctx.metricsSelector;
  const model = `{{${m.modelLabel}}}`;
  const quantile = m.latencyQuantileSeconds;
  const percentiles = (f: (q: number) => string) => QUANTILES.map((q) => ({ expr: f(q), legend: `${model} p${Math.round(q * 100)}` }));
  const tokens = m.tokenLatency;
  if (tokens) {
    return [
      {
        title: 'Time to first token',
        description: 'Time from a request\'s arrival to its first output token, percentiles per model. The dashed line is spec.monitoring.alerts.timeToFirstTokenP95Seconds.',
        unit: 's',
        queries: percentiles((q) => tokens.timeToFirstTokenSeconds(q, sel, W)),
        threshold: t.timeToFirstTokenP95Seconds,
      },
      {
        title: 'Inter-token latency',
        description: 'Time between two output tokens of a request, percentiles per model. The dashed line is spec.monitoring.alerts.interTokenLatencyP95Seconds.',
        unit: 's',
        queries: percentiles((q) => tokens.interTokenLatencySeconds(q, sel, W)),
        threshold: t.interTokenLatencyP95Seconds,
      },
      ...(quantile ? [{
        title: 'End-to-end latency',
        description: 'Request latency percentiles per model. It grows with the number of tokens generated, so no alert reads it: the token latencies above are alerted.',
        unit: 's',
        queries: percentiles((q) => quantile(q as 0.5, sel, W)),
      }] : []),
    ];
  }
  return [quantile
    ? {
      title: 'Latency percentiles',
      description: 'Request latency quantiles per model (the worst pod). The dashed line is spec.monitoring.alerts.p95LatencySeconds.',
      unit: 's',
      queries: percentiles((q) => quantile(q as 0.5, sel, W)),
      threshold: t.p95LatencySeconds,
    }
    : {
      title: 'Mean latency',
      description: `Mean request latency per model (${ctx.runtime.displayName} exposes no latency distribution). The dashed line is spec.monitoring.alerts.p95LatencySeconds.`,
      unit: 's',
      queries: [{ expr: m.latencySeconds(sel, W).expr, legend: `${model} mean` }],
      threshold: t.p95LatencySeconds,
    }];
}

/**
 * With spec.multiNode only the group leaders are scraped (the workers have no metrics port), and the GPU series are
 * kept for the pods of this deployment's scrape targets: the GPU panels show the leaders' GPUs only.
 */
function leadersOnly(ctx: ServingContext): string {
  return ctx.spec.multiNode ? ' Multi-node: the group leaders\' GPUs only (the workers are not scraped, and the GPU series are matched to scraped pods).' : '';
}

/** GPU utilization and memory, from the signals the alerts read (MIG-aware); KV cache and preemptions for vLLM. */
function gpuPanels(ctx: ServingContext, t: Thresholds): DashboardPanel[] {
  const m = ctx.runtime.metrics;
  const sel = ctx.metricsSelector;
  const gpu = gpuSignals(ctx);
  const panels: DashboardPanel[] = [{
    title: usesMig(ctx) ? 'GPU utilization (MIG: graphics-engine activity)' : 'GPU utilization',
    description: `Share of time the GPUs of each pod are busy.${gpu.utilizationNote ? ` ${gpu.utilizationNote}` : ''}${leadersOnly(ctx)} The dashed line is spec.monitoring.alerts.minGpuUtilizationPercent.`,
    unit: 'percentunit',
    queries: [{ expr: gpu.utilization, legend: '{{pod}}' }],
    ...(t.minGpuUtilizationPercent > 0 ? { threshold: ratio(t.minGpuUtilizationPercent) } : {}),
    max: 1,
  }];
  const pressure = m.cachePressure;
  if (pressure) {
    panels.push({
      title: 'KV-cache use',
      description: 'Share of the preallocated KV cache in use per pod: a full cache is normal.' +
        (ctx.spec.multiNode ? ' Multi-node: one series per group, from its leader (the only pod of a group that is scraped).' : '') + ' The dashed line is spec.monitoring.alerts.maxGpuMemoryPercent, above which waiting requests count as cache pressure.',
      unit: 'percentunit',
      queries: [{ expr: pressure.cacheUsage(sel), legend: '{{pod}}' }],
      threshold: ratio(t.maxGpuMemoryPercent),
      max: 1,
    }, {
      title: 'KV-cache preemptions',
      description: 'Running requests preempted per second (their KV cache is dropped and recomputed): the cache is too small for the load.',
      unit: 'short',
      queries: [{ expr: pressure.evictionRate(sel, W), legend: '{{pod}}' }],
    });
    return panels;
  }
  panels.push({
    title: gpu.memorySignal === 'GPU memory' ? 'GPU memory used' : gpu.memorySignal,
    description: `${gpu.memorySignal} of each pod, used / total.${leadersOnly(ctx)} The dashed line is spec.monitoring.alerts.maxGpuMemoryPercent.`,
    unit: 'percentunit',
    queries: [{ expr: gpu.memory, legend: '{{pod}}' }],
    threshold: ratio(t.maxGpuMemoryPercent),
    max: 1,
  });
  return panels;
}

/**
 * Available and desired pods per workload (kube-state-metrics): ModelServingDown reads the available count per serving
 * track. With spec.multiNode: ready and desired groups (the leader StatefulSet of each LeaderWorkerSet), and the
 * ready worker pods of every group (the StatefulSets `<lws>-<group>`).
 */
function replicasPanel(ctx: ServingContext): DashboardPanel {
  const w = workloadMetrics(ctx);
  const match = workloadMatcher(ctx, ctx.tracks);
  if (ctx.spec.multiNode) {
    return {
      title: 'Replicas (groups)',
      description: 'Ready and desired groups per LeaderWorkerSet (its leader StatefulSet: one leader pod per group; a leader is ready once every worker joined its engine), ' +
        'and ready worker pods over all groups (the worker StatefulSets <lws>-<group>; kube-state-metrics). ModelServingDown fires when a serving track ' +
        '(stable, active or canary; not a preview) has no ready group.',
      unit: 'short',
      queries: [
        { expr: `${w.available}{${match}}`, legend: `{{${w.label}}} groups ready` },
        { expr: `${w.desired}{${match}}`, legend: `{{${w.label}}} groups desired` },
        { expr: `sum by (namespace) (${w.available}{${workerStatefulSetMatcher(ctx, ctx.tracks)}})`, legend: 'worker pods ready' },
      ],
    };
  }
  const queries = [
    { expr: `${w.available}{${match}}`, legend: `{{${w.label}}} available` },
    { expr: `${w.desired}{${match}}`, legend: `{{${w.label}}} desired` },
  ];
  return {
    title: 'Replicas',
    description: 'Available and desired pods per workload (kube-state-metrics). ModelServingDown fires when a serving track (stable, active or canary; not a preview) has no available pod.',
    unit: 'short',
    queries,
  };
}

function buildPanel(p: DashboardPanel): TimeseriesPanelBuilder {
  const panel = new TimeseriesPanelBuilder()
    .title(p.title)
    .description(p.description)
    .datasource(DS)
    .unit(p.unit)
    .min(0)
    .span(12)
    .height(8)
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom));
  if (p.max !== undefined) panel.max(p.max);
  p.queries.forEach((q, i) => {
    panel.withTarget(new DataqueryBuilder().datasource(DS).expr(q.expr).legendFormat(q.legend).range().refId(String.fromCharCode(65 + i)));
  });
  if (p.threshold !== undefined) {
    panel
      .thresholds(new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: 'green' }, { value: p.threshold, color: 'red' }]))
      .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  }
  return panel;
}

/**
 * The dashboard JSON model fields this package sets (Grafana's dashboard schema). Declared here rather than taken
 * from the SDK: the SDK's types live behind subpath exports that TypeScript's CommonJS (node10) resolution cannot see,
 * and a consumer compiling this package's declarations without skipLibCheck would fail.
 */
export interface GrafanaDashboardModel {
  readonly uid?: string;
  readonly title?: string;
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly schemaVersion: number;
  readonly panels?: readonly object[];
  readonly templating: { readonly list?: readonly object[] };
}

/** The dashboard model (the JSON the Grafana sidecar loads). */
export function buildDashboard(ctx: ServingContext): GrafanaDashboardModel {
  const builder = new DashboardBuilder(`${ctx.name} (${ctx.namespace}) · ${ctx.runtime.displayName}`)
    .uid(dashboardUid(ctx))
    .description(`Model serving ${ctx.namespace}/${ctx.name}: traffic, latency, errors, GPUs and replicas (generated by cdk8s-model-serving).`)
    .tags(['model-serving', ctx.runtime.name])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('1m')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder(DATASOURCE_VARIABLE).label('Prometheus').type('prometheus'));
  for (const p of dashboardPanels(ctx)) builder.withPanel(buildPanel(p));
  return builder.build();
}
