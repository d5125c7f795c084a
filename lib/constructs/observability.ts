/**
 * Observability of one ModelServing (docs/OBSERVABILITY.md): a Prometheus Operator ServiceMonitor for the
 * headless `<name>-metrics` Service, a PrometheusRule with recording rules and alerts from the runtime's real
 * metric names, and a Grafana dashboard in a ConfigMap for the Grafana sidecar. Every PromQL expression is
 * parsed before anything is written: one that does not parse fails the synth, naming the rule.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Kube } from '../k8s/object';
import { TRACK_LABEL, type ServingContext } from '../model/context';
import { buildRuleGroups, ruleExpressions, type RuleGroup } from '../observability/alerts';
import { buildDashboard, dashboardPanels } from '../observability/dashboard';
import { assertValidPromql } from '../promql/promql';
import { llmRuleGroups } from '../observability/llm';

/** The label that marks the headless metrics Service (lib/constructs/services.ts). */
export const METRICS_SERVICE_LABEL = 'model-serving/metrics';
/** The label and value the Grafana sidecar watches (kube-prometheus-stack: sidecar.dashboards.label/labelValue). */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: '1' } as const;
/** Scrape interval when spec.monitoring.interval is unset. */
export const DEFAULT_SCRAPE_INTERVAL = '15s';

export interface ModelObservabilityProps {
  readonly context: ServingContext;
}

/** The fields of a ServiceMonitor this construct sets (monitoring.coreos.com/v1). */
export interface ServiceMonitorSpec {
  readonly selector: { readonly matchLabels: Record<string, string> };
  readonly namespaceSelector: { readonly matchNames: string[] };
  readonly endpoints: { readonly port: string; readonly path: string; readonly interval: string; readonly scheme: 'http' }[];
  readonly podTargetLabels: string[];
}

/** The ServiceMonitor spec: the metrics Service of this instance, in its own namespace. */
export function serviceMonitorSpec(ctx: ServingContext): ServiceMonitorSpec {
  const m = ctx.runtime.metrics;
  return {
    selector: { matchLabels: { ...ctx.selector(), [METRICS_SERVICE_LABEL]: 'true' } },
    namespaceSelector: { matchNames: [ctx.namespace] },
    endpoints: [{ port: m.portName, path: m.path, interval: ctx.spec.monitoring?.interval ?? DEFAULT_SCRAPE_INTERVAL, scheme: 'http' }],
    // every series carries the pod's track (label model_serving_track): canary and stable can be compared
    podTargetLabels: [TRACK_LABEL],
  };
}

/**
 * Construct IDs: `ServiceMonitor` (named `<name>`), `PrometheusRule` (`<name>`), `Dashboard` (ConfigMap
 * `<name>-dashboard`). Each is on by default; `spec.monitoring.serviceMonitor|prometheusRule|dashboard: false`
 * leaves it out.
 */
export class ModelObservability extends Construct {
  /** The rule groups of the PrometheusRule (empty when it is turned off). */
  readonly ruleGroups: RuleGroup[];

  constructor(scope: Construct, id: string, props: ModelObservabilityProps) {
    super(scope, id);
    const ctx = props.context;
    const mon = ctx.spec.monitoring ?? {};
    this.ruleGroups = mon.prometheusRule === false ? [] : [...buildRuleGroups(ctx), ...llmRuleGroups(ctx)];
    const owner = `${ctx.namespace}/${ctx.name}`;
    assertValidPromql([
      ...ruleExpressions(this.ruleGroups, `PrometheusRule ${owner}`),
      ...(mon.dashboard === false ? [] : dashboardPanels(ctx).flatMap((p) =>
        p.queries.map((q) => ({ name: `dashboard ${owner}: panel "${p.title}"`, expr: q.expr })))),
    ]);

    if (mon.serviceMonitor !== false) {
      new ApiObject(this, 'ServiceMonitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: ctx.metadata(ctx.name, 'metrics'),
        spec: serviceMonitorSpec(ctx),
      });
    }
    if (this.ruleGroups.length) {
      new ApiObject(this, 'PrometheusRule', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: ctx.metadata(ctx.name, 'alerts'),
        spec: { groups: this.ruleGroups },
      });
    }
    if (mon.dashboard !== false) {
      Kube.ConfigMap(this, 'Dashboard', {
        metadata: ctx.metadata(`${ctx.name}-dashboard`, 'dashboard', { ...GRAFANA_DASHBOARD_LABEL }),
        // the sidecar writes every key to one folder: the key is unique per namespace and name
        data: { [`${ctx.namespace}-${ctx.name}.json`]: JSON.stringify(buildDashboard(ctx), null, 2) },
      });
    }
  }
}
