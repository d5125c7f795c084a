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
import { DEFAULT_THRESHOLDS, ratio } from './alerts';

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
  const t = { ...DEFAULT_THRESHOLDS, ...(ctx.spec.monitoring?.alerts ?? {}) };
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
      description: 'Failed requests / all requests, per model. The dashed line is the alert threshold (spec.monitoring.alerts.maxErrorRatePercent).',
      unit: 'percentunit',
      queries: [{ expr: `(${m.errorRate(sel, W)}) / (${m.totalRate(sel, W)})`, legend: model }],
      threshold: ratio(t.maxErrorRatePercent),
    },
  ];
  const quantile = m.latencyQuantileSeconds;
  panels.push(quantile
    ? {
      title: 'Latency percentiles',
      description: 'Request latency quantiles per model (the worst pod). The dashed line is spec.monitoring.alerts.p95LatencySeconds.',
      unit: 's',
      queries: ([0.5, 0.9, 0.95, 0.99] as const).map((q) => ({ expr: quantile(q, sel, W), legend: `${model} p${Math.round(q * 100)}` })),
      threshold: t.p95LatencySeconds,
    }
    : {
      title: 'Mean latency',
      description: `Mean request latency per model (${ctx.runtime.displayName} exposes no latency distribution). The dashed line is spec.monitoring.alerts.p95LatencySeconds.`,
      unit: 's',
      queries: [{ expr: m.latencySeconds(sel, W).expr, legend: `${model} mean` }],
      threshold: t.p95LatencySeconds,
    });
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
  if (ctx.gpuCount > 0) {
    panels.push({
      title: 'GPU utilization',
      description: 'Share of time the GPUs of each pod are busy. The dashed line is spec.monitoring.alerts.minGpuUtilizationPercent.',
      unit: 'percentunit',
      queries: [{ expr: m.gpuUtilization(sel), legend: '{{pod}}' }],
      ...(t.minGpuUtilizationPercent > 0 ? { threshold: ratio(t.minGpuUtilizationPercent) } : {}),
      max: 1,
    }, {
      title: m.gpuMemorySignal ?? 'GPU memory used',
      description: `${m.gpuMemorySignal ?? 'Used / total GPU memory'} of each pod. The dashed line is spec.monitoring.alerts.maxGpuMemoryPercent.`,
      unit: 'percentunit',
      queries: [{ expr: m.gpuMemoryUsedRatio(sel), legend: '{{pod}}' }],
      threshold: ratio(t.maxGpuMemoryPercent),
      max: 1,
    });
  }
  panels.push(replicasPanel(ctx));
  return panels;
}

/** Available and desired pods per workload (kube-state-metrics). */
function replicasPanel(ctx: ServingContext): DashboardPanel {
  const ns = ctx.namespace;
  const names = ctx.tracks.map((t) => t.name);
  const match = names.length === 1 ? `"${names[0]}"` : `~"${names.join('|')}"`;
  const queries = ctx.mode === 'edge'
    ? [
      { expr: `kube_daemonset_status_number_available{namespace="${ns}",daemonset=${match}}`, legend: '{{daemonset}} available' },
      { expr: `kube_daemonset_status_desired_number_scheduled{namespace="${ns}",daemonset=${match}}`, legend: '{{daemonset}} desired' },
    ]
    : [
      { expr: `kube_deployment_status_replicas_available{namespace="${ns}",deployment=${match}}`, legend: '{{deployment}} available' },
      { expr: `kube_deployment_spec_replicas{namespace="${ns}",deployment=${match}}`, legend: '{{deployment}} desired' },
    ];
  return { title: 'Replicas', description: 'Available and desired pods per workload (kube-state-metrics).', unit: 'short', queries };
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
