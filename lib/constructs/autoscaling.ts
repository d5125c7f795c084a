/**
 * Autoscaling of the online workload (docs/AUTOSCALING.md): one autoscaling/v2 HorizontalPodAutoscaler
 * per track Deployment (or one KEDA ScaledObject per track), the prometheus-adapter rules that serve the
 * HPA's Pods metrics, and one VerticalPodAutoscaler per track. Metric names come from the runtime's
 * `metrics` interface only; nothing here branches on a runtime's name.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Kube } from '../k8s/object';
import { stringify } from 'yaml';
import type { ModelServingSpec } from '../spec/schema/spec';
import type { RuntimeMetrics } from '../runtimes/types';
import { hpaCpuTarget } from '../spec/rules-scaling';
import { assertValidPromql, NamedExpression } from '../observability/promql';
import { quantityString } from '../spec/quantity';
import { VPA_API_VERSION, VPA_KIND, VerticalPodAutoscalerSpec, VpaResourceList } from '../k8s/vpa';
import { ServingContext, Track, TRACK_LABEL } from '../model/context';

type AutoscalingSpec = NonNullable<ModelServingSpec['autoscaling']>;
type VerticalSpec = NonNullable<ModelServingSpec['verticalAutoscaling']>;

/** Rate window of the adapter rules and of the default KEDA query (4 samples at a 30s scrape interval). */
export const SCALING_RATE_WINDOW = '2m';
/** The one container the VPA resizes; every other container gets `mode: Off`. */
export const SERVER_CONTAINER = 'server';

/** A prometheus-adapter discovery rule (kubernetes-sigs/prometheus-adapter docs/config.md). */
export interface AdapterRule {
  readonly seriesQuery: string;
  readonly resources: { readonly overrides: Readonly<Record<'namespace' | 'pod', { readonly resource: string }>> };
  readonly name: { readonly matches: string; readonly as: string };
  readonly metricsQuery: string;
}

/** A Pods metric of the HPA and the adapter rule that serves it. */
export interface PodsMetric {
  /** The spec.autoscaling field that asks for it. */
  readonly field: 'targetInferencesPerSecondPerPod' | 'targetQueueTimeMilliseconds' | 'targetPendingRequestsPerPod';
  /** The name in the custom metrics API: the rule's `name.as` and the HPA's `pods.metric.name`. */
  readonly name: string;
  /** The per-pod average the HPA keeps the metric at. */
  readonly target: number;
  readonly rule: AdapterRule;
}

/** A Prometheus series name as a custom-metric name: `:`, and anything else but [A-Za-z0-9_], become `_`. */
export function customMetricName(series: string): string {
  return series.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const stripSuffix = (s: string, ...suffixes: string[]) => suffixes.reduce((acc, x) => (acc.endsWith(x) ? acc.slice(0, -x.length) : acc), s);
const rateOf = (series: string) => `sum(rate(${series}{<<.LabelMatchers>>}[${SCALING_RATE_WINDOW}])) by (<<.GroupBy>>)`;

function adapterRule(series: string, as: string, metricsQuery: string): AdapterRule {
  return {
    // `namespace` and `pod` are the target labels every ServiceMonitor scrape adds
    seriesQuery: `${series}{namespace!="",pod!=""}`,
    resources: { overrides: { namespace: { resource: 'namespace' }, pod: { resource: 'pod' } } },
    name: { matches: `^${escapeRegex(series)}$`, as },
    metricsQuery,
  };
}

/**
 * The Pods metrics that `autoscaling` asks for, in a fixed order (inference rate, queue time, waiting
 * requests), each with its adapter rule. Throws when the runtime lacks a signal (the spec rules refuse
 * such a spec first).
 */
export function podsMetrics(metrics: RuntimeMetrics, a: AutoscalingSpec): PodsMetric[] {
  const out: PodsMetric[] = [];
  if (a.targetInferencesPerSecondPerPod !== undefined) {
    const series = metrics.inferenceCounter;
    const name = `${customMetricName(stripSuffix(series, '_total'))}_per_second`;
    out.push({ field: 'targetInferencesPerSecondPerPod', name, target: a.targetInferencesPerSecondPerPod, rule: adapterRule(series, name, rateOf('<<.Series>>')) });
  }
  if (a.targetQueueTimeMilliseconds !== undefined) {
    if (!metrics.queueTimeCounters) throw new Error('the runtime exposes no per-request queue time');
    const [queueUs, requests] = metrics.queueTimeCounters;
    const name = `${customMetricName(stripSuffix(queueUs, '_total', '_us', '_microseconds'))}_ms_per_request`;
    // microseconds of queueing per successful request, in ms; the floor on the request rate keeps an
    // idle pod at 0 instead of 0/0 (NaN) or x/0 (+Inf, which the adapter cannot turn into a quantity)
    const query = `${rateOf('<<.Series>>')} / clamp_min(${rateOf(requests)}, 0.001) / 1000`;
    out.push({ field: 'targetQueueTimeMilliseconds', name, target: a.targetQueueTimeMilliseconds, rule: adapterRule(queueUs, name, query) });
  }
  if (a.targetPendingRequestsPerPod !== undefined) {
    if (!metrics.pendingGauge) throw new Error('the runtime exposes no waiting-requests gauge');
    const series = metrics.pendingGauge;
    const name = customMetricName(series);
    out.push({ field: 'targetPendingRequestsPerPod', name, target: a.targetPendingRequestsPerPod, rule: adapterRule(series, name, 'sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)') });
  }
  return out;
}

/** The adapter rule's queries as Prometheus receives them (template fields filled in as the adapter fills them). */
export function expandedRuleQueries(rule: AdapterRule): string[] {
  const series = rule.name.matches.replace(/^\^|\$$/g, '').replace(/\\(.)/g, '$1');
  const metricsQuery = rule.metricsQuery
    .replace(/<<\.Series>>/g, series)
    .replace(/<<\.LabelMatchers>>/g, 'namespace="ns",pod=~"pod-a|pod-b"')
    .replace(/<<\.GroupBy>>/g, 'pod');
  return [rule.seriesQuery, metricsQuery];
}

/** A metric target as a Kubernetes quantity: whole numbers as they are, fractions in thousandths (`0.5` -> `500m`). */
export function metricQuantity(n: number): string {
  return Number.isInteger(n) ? String(n) : `${Math.round(n * 1000)}m`;
}

/** autoscaling/v2 MetricSpec, as written here. */
export type HpaMetric =
  | { readonly type: 'Resource'; readonly resource: { readonly name: 'cpu'; readonly target: { readonly type: 'Utilization'; readonly averageUtilization: number } } }
  | { readonly type: 'Pods'; readonly pods: { readonly metric: { readonly name: string }; readonly target: { readonly type: 'AverageValue'; readonly averageValue: string } } };

/** The HPA's metrics: CPU utilization (the spec's, or 80% when no target is set at all) and the Pods metrics. */
export function hpaMetrics(spec: ModelServingSpec, pods: readonly PodsMetric[]): HpaMetric[] {
  const cpu = hpaCpuTarget(spec);
  return [
    ...(cpu === undefined ? [] : [{ type: 'Resource' as const, resource: { name: 'cpu' as const, target: { type: 'Utilization' as const, averageUtilization: cpu } } }]),
    ...pods.map((m) => ({ type: 'Pods' as const, pods: { metric: { name: m.name }, target: { type: 'AverageValue' as const, averageValue: metricQuantity(m.target) } } })),
  ];
}

/**
 * The default KEDA query for one track: the runtime's request rate over this spec's pods, summed to one
 * number (the prometheus scaler needs a single-element result). With several tracks the pods of the
 * track are picked by name: a Deployment's pods are `<deployment>-<template hash>-<suffix>`.
 */
export function defaultKedaQuery(ctx: ServingContext, track: Track): string {
  const sel = ctx.tracks.length > 1 ? `${ctx.metricsSelector},pod=~"${ctx.podNamePattern(track)}"` : ctx.metricsSelector;
  return `sum(${ctx.runtime.metrics.requestRate(sel, SCALING_RATE_WINDOW)})`;
}

/** The query KEDA runs for a track: the spec's (when not blank) or the default. */
export function kedaQuery(ctx: ServingContext, track: Track): string {
  const q = ctx.spec.autoscaling?.keda?.query;
  return q !== undefined && q.trim() !== '' ? q.trim() : defaultKedaQuery(ctx, track);
}

/** The VPA's container policies: the server container as the spec says, every other container off. */
export function vpaContainerPolicies(v: VerticalSpec): VerticalPodAutoscalerSpec['resourcePolicy']['containerPolicies'] {
  const list = (r: { cpu?: string | number; memory?: string | number } | undefined): VpaResourceList | undefined => {
    if (!r) return undefined;
    const out: VpaResourceList = {};
    if (r.cpu !== undefined) out.cpu = quantityString(r.cpu);
    if (r.memory !== undefined) out.memory = quantityString(r.memory);
    return Object.keys(out).length ? out : undefined;
  };
  const minAllowed = list(v.minAllowed);
  const maxAllowed = list(v.maxAllowed);
  return [
    {
      containerName: SERVER_CONTAINER,
      mode: 'Auto',
      controlledResources: [...(v.controlledResources ?? ['cpu', 'memory'])],
      controlledValues: 'RequestsAndLimits',
      ...(minAllowed ? { minAllowed } : {}),
      ...(maxAllowed ? { maxAllowed } : {}),
    },
    { containerName: '*', mode: 'Off' },
  ];
}

/** YAML of adapter rule sets, by their JSON: the rules (all strings) are the same for every spec of a runtime. */
const RULES_YAML = new Map<string, string>();

/** The prometheus-adapter snippets: a `rules:` fragment of the adapter's config, and the Helm chart's values. */
export function adapterRuleFiles(ctx: ServingContext, pods: readonly PodsMetric[]): Record<string, string> {
  const rules = pods.map((m) => m.rule);
  const ns = ctx.namespace;
  const header = [
    `# prometheus-adapter rules for the custom metrics the HorizontalPodAutoscaler(s) of ${ctx.name} read:`,
    ...pods.map((m) => `#   ${m.name}  (spec.autoscaling.${m.field})`),
    `# The rules are the same for every spec of runtime ${ctx.runtime.name}: merge them once per cluster.`,
    '# Nothing reads this ConfigMap: it carries the rules. Check each metric once the adapter reloaded:',
    ...pods.map((m) => `#   kubectl get --raw "/apis/custom.metrics.k8s.io/v1beta1/namespaces/${ns}/pods/*/${m.name}"`),
  ].join('\n');
  // YAML 1.1 and no folding: the adapter reads its config with a Go YAML 1.1 parser
  const yaml = (v: unknown) => {
    const key = JSON.stringify(v);
    let text = RULES_YAML.get(key);
    if (text === undefined) {
      text = stringify(v, { version: '1.1', lineWidth: 0 });
      if (RULES_YAML.size < 100) RULES_YAML.set(key, text); // serialized once per process (docs/PERFORMANCE.md)
    }
    return text;
  };
  return {
    'config.yaml': `${header}\n# Append to the rules: list of the adapter's --config file.\n${yaml({ rules })}`,
    'values.yaml': `${header}\n# Merge into the values of the prometheus-community/prometheus-adapter chart.\n${yaml({ rules: { custom: rules } })}`,
  };
}

/** The controller of a track (a Deployment, or a LeaderWorkerSet with spec.multiNode), as a scale target. */
export interface TargetRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
}

/** autoscaling/v2 HorizontalPodAutoscaler spec as written here (closed: a typo is a compile error). */
export interface HpaSpec {
  readonly scaleTargetRef: TargetRef;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly metrics: readonly HpaMetric[];
  /** spec.autoscaling.behavior, verbatim. */
  readonly behavior?: NonNullable<AutoscalingSpec['behavior']>;
}

/** keda.sh/v1alpha1 ScaledObject spec as written here. */
export interface ScaledObjectSpec {
  readonly scaleTargetRef: TargetRef;
  readonly minReplicaCount: number;
  readonly maxReplicaCount: number;
  readonly cooldownPeriod: number;
  readonly pollingInterval: number;
  readonly triggers: readonly {
    readonly type: 'prometheus';
    readonly metricType: 'AverageValue';
    /** KEDA trigger metadata values are strings. */
    readonly metadata: { readonly serverAddress: string; readonly query: string; readonly threshold: string; readonly activationThreshold?: string };
  }[];
}

/** KEDA's defaults, written out (keda.sh ScaledObject specification). */
export const KEDA_DEFAULT_COOLDOWN_SECONDS = 300;
export const KEDA_DEFAULT_POLLING_SECONDS = 30;

export interface ModelAutoscalingProps {
  readonly context: ServingContext;
}


/**
 * Scales every track's Deployment. Construct IDs (a contract): `Hpa` or `ScaledObject` and `Vpa` for the
 * stable (or only) track, `Hpa-<track>` / `ScaledObject-<track>` / `Vpa-<track>` for the others, and
 * `MetricsAdapterRule` (one ConfigMap, only when the HPA reads a Pods metric). Each autoscaler is named
 * after the Deployment it scales.
 */
export class ModelAutoscaling extends Construct {
  /** The Pods metrics the HPAs read (empty for KEDA or CPU only). */
  readonly podsMetrics: readonly PodsMetric[];

  constructor(scope: Construct, id: string, props: ModelAutoscalingProps) {
    super(scope, id);
    const ctx = props.context;
    const a = ctx.spec.autoscaling;
    // as for the workloads: the stable track keeps the bare ID when a canary is added (same object, same Pulumi URN)
    const idFor = (base: string, t: Track) => (t.role === 'stable' ? base : `${base}-${t.key}`);
    const meta = (t: Track) => ctx.metadata(t.name, 'autoscaler', { [TRACK_LABEL]: t.key });
    this.podsMetrics = a && (a.engine ?? 'hpa') === 'hpa' ? podsMetrics(ctx.runtime.metrics, a) : [];
    // generated PromQL must parse (a user's keda.query is checked by the spec rules)
    const generated: NamedExpression[] = this.podsMetrics.flatMap((m) => expandedRuleQueries(m.rule).map((expr) => ({ name: `adapter rule ${m.name}`, expr })));
    if (a?.engine === 'keda' && !(a.keda?.query ?? '').trim()) {
      generated.push(...ctx.tracks.map((t) => ({ name: `ScaledObject ${ctx.namespace}/${t.name}`, expr: defaultKedaQuery(ctx, t) })));
    }
    assertValidPromql(generated);

    if (a && (a.engine ?? 'hpa') === 'hpa') {
      const metrics = hpaMetrics(ctx.spec, this.podsMetrics);
      for (const t of ctx.tracks) {
        const spec: HpaSpec = {
          scaleTargetRef: ctx.workloadRef(t),
          minReplicas: a.minReplicas ?? 1,
          maxReplicas: a.maxReplicas,
          metrics,
          ...(a.behavior ? { behavior: structuredClone(a.behavior) } : {}),
        };
        // a plain ApiObject: the L1 class of cdk8s-plus-28 (Kubernetes 1.28) drops fields it does not know, such as tolerance
        new ApiObject(this, idFor('Hpa', t), { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta(t), spec });
      }
      if (this.podsMetrics.length) {
        Kube.ConfigMap(this, 'MetricsAdapterRule', {
          metadata: ctx.metadata(`${ctx.name}-metrics-adapter-rule`, 'metrics-adapter-rule'),
          data: adapterRuleFiles(ctx, this.podsMetrics),
        });
      }
    } else if (a) {
      const keda = a.keda!;
      for (const t of ctx.tracks) {
        const spec: ScaledObjectSpec = {
          scaleTargetRef: ctx.workloadRef(t),
          // KEDA's own default minReplicaCount is 0: the spec's default is 1
          minReplicaCount: a.minReplicas ?? 1,
          maxReplicaCount: a.maxReplicas,
          cooldownPeriod: keda.cooldownPeriod ?? KEDA_DEFAULT_COOLDOWN_SECONDS,
          pollingInterval: keda.pollingInterval ?? KEDA_DEFAULT_POLLING_SECONDS,
          triggers: [{
            type: 'prometheus',
            // desired replicas = ceil(query value / threshold)
            metricType: 'AverageValue',
            metadata: {
              serverAddress: keda.serverAddress!,
              query: kedaQuery(ctx, t),
              threshold: String(keda.threshold!),
              ...(keda.activationThreshold !== undefined ? { activationThreshold: String(keda.activationThreshold) } : {}),
            },
          }],
        };
        new ApiObject(this, idFor('ScaledObject', t), { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: meta(t), spec });
      }
    }

    const v = ctx.spec.verticalAutoscaling;
    if (v) {
      for (const t of ctx.tracks) {
        const spec: VerticalPodAutoscalerSpec = {
          targetRef: ctx.workloadRef(t),
          updatePolicy: { updateMode: v.updateMode ?? 'Off' },
          resourcePolicy: { containerPolicies: vpaContainerPolicies(v) },
        };
        new ApiObject(this, idFor('Vpa', t), { apiVersion: VPA_API_VERSION, kind: VPA_KIND, metadata: meta(t), spec });
      }
    }
  }
}
