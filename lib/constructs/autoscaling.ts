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
import { assertValidPromql, NamedExpression } from '../promql/promql';
import { quantityString } from '../spec/quantity';
import { VPA_API_VERSION, VPA_KIND, VerticalPodAutoscalerSpec, VpaResourceList } from '../k8s/vpa';
import { ServingContext, Track, TRACK_LABEL, TRACK_SERIES_LABEL, trackId } from '../model/context';
import { scopeQueryToTrack } from '../promql/track-scope';
import type { LlmSupport } from '../runtimes/llm';
import { kedaAdvanced, llmKedaTriggers, pickerAdapterRule, pickerObjectMetric, PICKER_IN_FLIGHT_METRIC, type PrometheusTrigger } from './llm-scaling';
import { poolPlans } from '../model/pools';
import { scalesToZero } from '../spec/llm-plan';

type AutoscalingSpec = NonNullable<ModelServingSpec['autoscaling']>;
type VerticalSpec = NonNullable<ModelServingSpec['verticalAutoscaling']>;

/** Rate window of the adapter rules and of the default KEDA query (4 samples at a 30s scrape interval). */
export const SCALING_RATE_WINDOW = '2m';
/** The one container the VPA resizes; every other container gets `mode: Off`. */
export const SERVER_CONTAINER = 'server';

/** A prometheus-adapter discovery rule (kubernetes-sigs/prometheus-adapter docs/config.md). */
export interface AdapterRule {
  readonly seriesQuery: string;
  /** Series label -> Kubernetes resource (`namespace` and `pod`; `service` for an Object metric of a Service). */
  readonly resources: { readonly overrides: Readonly<Record<string, { readonly resource: string }>> };
  readonly name: { readonly matches: string; readonly as: string };
  readonly metricsQuery: string;
}

/** A Pods metric of the HPA and the adapter rule that serves it. */
export interface PodsMetric {
  /** The spec.autoscaling field that asks for it. */
  readonly field: 'targetInferencesPerSecondPerPod' | 'targetQueueTimeMilliseconds' | 'targetPendingRequestsPerPod' | 'targetKvCacheUtilization';
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
const rateOf = (series: string, matchers?: string) =>
  `sum(rate(${series}{<<.LabelMatchers>>${matchers ? `,${matchers}` : ''}}[${SCALING_RATE_WINDOW}])) by (<<.GroupBy>>)`;

/**
 * The adapter fills `<<.LabelMatchers>>` with the pods the HPA asks about, which are those of its scale target's
 * selector (the HPA controller passes the Deployment's scale.status.selector; prometheus-adapter
 * pkg/custom-provider/provider.go GetMetricBySelector lists them): that selector includes the track label, so each
 * track's HPA reads its own pods only, and one rule serves every track and every spec of the runtime.
 */
function adapterRule(series: string, as: string, metricsQuery: string, matchers?: string): AdapterRule {
  return {
    // `namespace` and `pod` are the target labels every ServiceMonitor scrape adds
    seriesQuery: `${series}{namespace!="",pod!=""${matchers ? `,${matchers}` : ''}}`,
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
export function podsMetrics(metrics: RuntimeMetrics, a: AutoscalingSpec, llm?: LlmSupport): PodsMetric[] {
  const out: PodsMetric[] = [];
  if (a.targetInferencesPerSecondPerPod !== undefined) {
    const series = metrics.inferenceCounter;
    const name = `${customMetricName(stripSuffix(series, '_total'))}_per_second`;
    // the runtime's matchers keep inference calls only (TF Serving: not the readiness probe's metadata GETs)
    const only = metrics.inferenceCounterMatchers;
    out.push({ field: 'targetInferencesPerSecondPerPod', name, target: a.targetInferencesPerSecondPerPod, rule: adapterRule(series, name, rateOf('<<.Series>>', only), only) });
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
  if (a.targetKvCacheUtilization !== undefined) {
    if (!llm) throw new Error('the runtime exposes no KV-cache gauge');
    const series = llm.metrics.kvCacheUsage;
    const name = customMetricName(series);
    // a 0-1 gauge per pod (one series per engine): the pod's mean, which the HPA averages over the pods
    out.push({ field: 'targetKvCacheUtilization', name, target: a.targetKvCacheUtilization, rule: adapterRule(series, name, 'avg(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)') });
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
  | { readonly type: 'Pods'; readonly pods: { readonly metric: { readonly name: string }; readonly target: { readonly type: 'AverageValue'; readonly averageValue: string } } }
  | { readonly type: 'Object'; readonly object: { readonly describedObject: { readonly apiVersion: string; readonly kind: string; readonly name: string }; readonly metric: { readonly name: string }; readonly target: { readonly type: 'AverageValue'; readonly averageValue: string } } };

/** The HPA's metrics: CPU utilization (the spec's, or 80% when no target is set at all) and the Pods metrics. */
export function hpaMetrics(spec: ModelServingSpec, pods: readonly PodsMetric[]): HpaMetric[] {
  const cpu = hpaCpuTarget(spec);
  return [
    ...(cpu === undefined ? [] : [{ type: 'Resource' as const, resource: { name: 'cpu' as const, target: { type: 'Utilization' as const, averageUtilization: cpu } } }]),
    ...pods.map((m) => ({ type: 'Pods' as const, pods: { metric: { name: m.name }, target: { type: 'AverageValue' as const, averageValue: metricQuantity(m.target) } } })),
  ];
}

/**
 * The default KEDA query for one track: the runtime's request rate over this track's pods, summed to one
 * number (the prometheus scaler needs a single-element result). The track is the series label the
 * ServiceMonitor copies from the pod label model-serving/track, so the query of the stable track does not
 * change when a canary is added, and a canary scales on its own share of the load.
 */
export function defaultKedaQuery(ctx: ServingContext, track: Track): string {
  return `sum(${ctx.runtime.metrics.requestRate(`${ctx.metricsSelector},${ctx.trackMatcher(track)}`, SCALING_RATE_WINDOW)})`;
}

/**
 * The query KEDA runs for a track: the default, or the spec's (when not blank) with the track's series matcher
 * added to every selector of this spec's metrics job (job="<name>-metrics"), so that each track scales on its
 * own pods' load (the rules refuse, with a rollout, a query that has no such selector).
 */
export function kedaQuery(ctx: ServingContext, track: Track): string {
  const q = (ctx.spec.autoscaling?.keda?.query ?? '').trim();
  if (q === '') return defaultKedaQuery(ctx, track);
  return scopeQueryToTrack(q, `${ctx.name}-metrics`, TRACK_SERIES_LABEL, track.label).query;
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

/** An adapter rule for an Object metric (the endpoint picker's in-flight requests, on its Service). */
export interface ObjectMetricRule {
  readonly name: string;
  /** What asks for it (a comment line). */
  readonly why: string;
  /** Plural resource and name of the described object. */
  readonly resource: string;
  readonly object: string;
  readonly rule: AdapterRule;
}

/** YAML of adapter rule sets, by their JSON: the rules (all strings) are the same for every spec of a runtime. */
const RULES_YAML = new Map<string, string>();

/** The prometheus-adapter snippets: a `rules:` fragment of the adapter's config, and the Helm chart's values. */
export function adapterRuleFiles(ctx: ServingContext, pods: readonly PodsMetric[], objects: readonly ObjectMetricRule[] = []): Record<string, string> {
  const rules = [...pods.map((m) => m.rule), ...objects.map((o) => o.rule)];
  const ns = ctx.namespace;
  const header = [
    `# prometheus-adapter rules for the custom metrics the HorizontalPodAutoscaler(s) of ${ctx.name} read:`,
    ...pods.map((m) => `#   ${m.name}  (spec.autoscaling.${m.field})`),
    ...objects.map((o) => `#   ${o.name}  (${o.why})`),
    `# The rules are the same for every spec of runtime ${ctx.runtime.name}: merge them once per cluster.`,
    '# Nothing reads this ConfigMap: it carries the rules. Check each metric once the adapter reloaded:',
    ...pods.map((m) => `#   kubectl get --raw "/apis/custom.metrics.k8s.io/v1beta1/namespaces/${ns}/pods/*/${m.name}"`),
    ...objects.map((o) => `#   kubectl get --raw "/apis/custom.metrics.k8s.io/v1beta1/namespaces/${ns}/${o.resource}/${o.object}/${o.name}"`),
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
  readonly triggers: readonly ({
    readonly type: 'prometheus';
    readonly metricType: 'AverageValue';
    /** KEDA trigger metadata values are strings. */
    readonly metadata: { readonly serverAddress: string; readonly query: string; readonly threshold: string; readonly activationThreshold?: string };
  } | PrometheusTrigger)[];
  /** KEDA's HPA settings (scale to zero: lib/constructs/llm-scaling.ts). */
  readonly advanced?: { readonly horizontalPodAutoscalerConfig: { readonly behavior: { readonly scaleDown: { readonly stabilizationWindowSeconds: number } } } };
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
    // as for the workloads: the primary track keeps the bare ID when a rollout is added (same object, same Pulumi URN)
    const idFor = trackId;
    const meta = (t: Track) => ctx.metadata(t.name, 'autoscaler', { [TRACK_LABEL]: t.label });
    this.podsMetrics = a && (a.engine ?? 'hpa') === 'hpa' ? podsMetrics(ctx.runtime.metrics, a, ctx.runtime.llm) : [];
    // scale to zero behind an inference pool: the endpoint picker's in-flight requests (lib/constructs/llm-scaling.ts)
    const pickerRules: ObjectMetricRule[] = a && (a.engine ?? 'hpa') === 'hpa' && scalesToZero(ctx.spec)
      ? poolPlans(ctx).slice(0, 1).map((p) => ({ name: PICKER_IN_FLIGHT_METRIC, why: 'spec.autoscaling.minReplicas 0 with spec.inferencePool', resource: 'services', object: p.picker, rule: pickerAdapterRule() }))
      : [];
    // generated PromQL must parse (a user's keda.query is checked by the spec rules)
    const generated: NamedExpression[] = [...this.podsMetrics, ...pickerRules].flatMap((m) => expandedRuleQueries(m.rule).map((expr) => ({ name: `adapter rule ${m.name}`, expr })));
    if (a?.engine === 'keda') {
      generated.push(...ctx.tracks.flatMap((t) => llmKedaTriggers(ctx, t).map((tr) => ({ name: `ScaledObject ${ctx.namespace}/${t.name} trigger ${tr.name}`, expr: tr.metadata.query }))));
      generated.push(...ctx.tracks.map((t) => ({ name: `ScaledObject ${ctx.namespace}/${t.name}`, expr: kedaQuery(ctx, t) })));
    }
    assertValidPromql(generated);

    if (a && (a.engine ?? 'hpa') === 'hpa') {
      const metrics = hpaMetrics(ctx.spec, this.podsMetrics);
      for (const t of ctx.tracks) {
        const spec: HpaSpec = {
          scaleTargetRef: ctx.workloadRef(t),
          minReplicas: ctx.replicasOf(t).minReplicas,
          maxReplicas: ctx.replicasOf(t).maxReplicas,
          metrics: [...metrics, ...pickerObjectMetric(ctx, t)],
          ...(a.behavior ? { behavior: structuredClone(a.behavior) } : {}),
        };
        // a plain ApiObject: the L1 class of cdk8s-plus-28 (Kubernetes 1.28) drops fields it does not know, such as tolerance
        new ApiObject(this, idFor('Hpa', t), { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta(t), spec });
      }
      if (this.podsMetrics.length || pickerRules.length) {
        Kube.ConfigMap(this, 'MetricsAdapterRule', {
          metadata: ctx.metadata(`${ctx.name}-metrics-adapter-rule`, 'metrics-adapter-rule'),
          data: adapterRuleFiles(ctx, this.podsMetrics, pickerRules),
        });
      }
    } else if (a) {
      const keda = a.keda!;
      for (const t of ctx.tracks) {
        const spec: ScaledObjectSpec = {
          scaleTargetRef: ctx.workloadRef(t),
          // KEDA's own default minReplicaCount is 0: the spec's default is 1
          minReplicaCount: ctx.replicasOf(t).minReplicas,
          maxReplicaCount: ctx.replicasOf(t).maxReplicas,
          cooldownPeriod: keda.cooldownPeriod ?? KEDA_DEFAULT_COOLDOWN_SECONDS,
          ...kedaAdvanced(ctx, keda.cooldownPeriod ?? KEDA_DEFAULT_COOLDOWN_SECONDS),
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
          }, ...llmKedaTriggers(ctx, t)],
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
