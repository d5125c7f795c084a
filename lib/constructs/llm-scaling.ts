/**
 * The LLM signals of the autoscaler (docs/LLM.md), added to what lib/constructs/autoscaling.ts writes:
 * - scale from zero: the requests the endpoint picker holds or has in flight for a pool. They exist while no model
 *   pod does (a trigger fed only by the scaled pods cannot wake them: kedacore/keda#6040), and keep the last replica
 *   while any request is in flight. engine keda: a prometheus trigger; engine hpa (Kubernetes 1.37+, HPAScaleToZero):
 *   an Object metric on the picker's Service served by prometheus-adapter.
 * - saturation: KV-cache use (targetKvCacheUtilization) and waiting requests (targetPendingRequestsPerPod): Pods
 *   metrics for the HPA, prometheus triggers for KEDA.
 */
import type { ServingContext, Track } from '../model/context';
import { poolOf, type PoolPlan } from '../model/pools';
import { scalesToZero } from '../spec/llm-plan';
import type { AdapterRule } from './autoscaling';

/** The picker's series (llm-d-router v0.10.0 `pkg/epp/metrics/llm_d_router_metrics.go`, subsystem llm_d_epp). */
export const PICKER_METRICS = {
  /** Gauge: requests held by flow control (labels fairness_id, priority, inference_pool, model_name, target_model_name). */
  queueSize: 'llm_d_epp_flow_control_queue_size',
  /** Gauge: requests dispatched to a pod and not finished (labels model_name, target_model_name, fairness_id, priority). */
  running: 'llm_d_epp_request_running',
  /** Gauge set to 1 at start (labels commit, build_ref): present from the first scrape, before any request. */
  info: 'llm_d_epp_info',
} as const;

/** The custom-metrics name of the picker's in-flight requests (an Object metric of the picker's Service). */
export const PICKER_IN_FLIGHT_METRIC = 'llm_d_epp_requests_in_flight';
/** The Kubernetes default scale-down stabilization window (autoscaling/v2 HPA behavior). */
export const HPA_DEFAULT_SCALE_DOWN_WINDOW = 300;

/** PromQL label matchers of `track`'s model pods: the pods carry their track (ServiceMonitor podTargetLabels). */
export function trackPodSelector(ctx: ServingContext, track: Track): string {
  return ctx.tracks.length > 1 ? `${ctx.metricsSelector},${ctx.trackMatcher(track)}` : ctx.metricsSelector;
}

/**
 * Requests held or in flight at a pool's picker, one number. The `or` keeps each series (their label sets differ);
 * `llm_d_epp_info * 0` makes it 0, not empty, before the picker has seen a request.
 */
export function pickerInFlightQuery(ctx: ServingContext, pool: PoolPlan): string {
  const sel = `namespace="${ctx.namespace}",job="${pool.picker}"`;
  return `sum(${PICKER_METRICS.running}{${sel}} or ${PICKER_METRICS.queueSize}{${sel},inference_pool="${pool.name}"} or ${PICKER_METRICS.info}{${sel}} * 0)`;
}

/** The same for prometheus-adapter: the picker's Service is the described object (`service` target label). */
export function pickerAdapterRule(): AdapterRule {
  const m = '<<.LabelMatchers>>';
  return {
    seriesQuery: `${PICKER_METRICS.info}{namespace!="",service!=""}`,
    resources: { overrides: { namespace: { resource: 'namespace' }, service: { resource: 'service' } } } as unknown as AdapterRule['resources'],
    name: { matches: `^${PICKER_METRICS.info}$`, as: PICKER_IN_FLIGHT_METRIC },
    metricsQuery: `sum by (<<.GroupBy>>) (${PICKER_METRICS.running}{${m}} or ${PICKER_METRICS.queueSize}{${m}} or ${PICKER_METRICS.info}{${m}} * 0)`,
  };
}

/** Requests one replica runs at once: the in-flight target per replica when scaling on the picker. */
export function inFlightPerReplica(ctx: ServingContext): number {
  return ctx.runtime.llm!.maxConcurrentRequests(ctx.spec.models[0]);
}

/** The HPA's Object metric on the picker's Service (scale from zero on Kubernetes 1.37+), for `track`. */
export function pickerObjectMetric(ctx: ServingContext, track: Track) {
  const pool = poolOf(ctx, track);
  if (!pool || !scalesToZero(ctx.spec)) return [];
  return [{
    type: 'Object' as const,
    object: {
      describedObject: { apiVersion: 'v1', kind: 'Service', name: pool.picker },
      metric: { name: PICKER_IN_FLIGHT_METRIC },
      // AverageValue: desired = ceil(value / target), also from 0 replicas (a Value target scales the current count)
      target: { type: 'AverageValue' as const, averageValue: String(inFlightPerReplica(ctx)) },
    },
  }];
}

/** A KEDA prometheus trigger as written here. */
export interface PrometheusTrigger {
  readonly type: 'prometheus';
  readonly name: string;
  readonly metricType: 'AverageValue' | 'Value';
  readonly metadata: { readonly serverAddress: string; readonly query: string; readonly threshold: string; readonly activationThreshold?: string };
}

/**
 * The LLM triggers of `track`'s ScaledObject: the picker's in-flight requests (scale to zero), KV-cache use (Value:
 * the per-pod average against the target) and waiting requests (AverageValue: per replica). Every trigger is active
 * above 0, so the ScaledObject stays active, and keeps its last replica, while any of them sees load.
 */
export function llmKedaTriggers(ctx: ServingContext, track: Track): PrometheusTrigger[] {
  const a = ctx.spec.autoscaling!;
  const llm = ctx.runtime.llm;
  const serverAddress = a.keda!.serverAddress!;
  const out: PrometheusTrigger[] = [];
  const pool = poolOf(ctx, track);
  if (pool && scalesToZero(ctx.spec)) {
    out.push({ type: 'prometheus', name: 'picker-in-flight', metricType: 'AverageValue', metadata: { serverAddress, query: pickerInFlightQuery(ctx, pool), threshold: String(inFlightPerReplica(ctx)), activationThreshold: '0' } });
  }
  const sel = trackPodSelector(ctx, track);
  if (a.targetKvCacheUtilization !== undefined && llm) {
    out.push({ type: 'prometheus', name: 'kv-cache-utilization', metricType: 'Value', metadata: { serverAddress, query: `avg(${llm.metrics.kvCacheUsage}{${sel}})`, threshold: String(a.targetKvCacheUtilization) } });
  }
  if (a.targetPendingRequestsPerPod !== undefined && ctx.runtime.metrics.pendingGauge) {
    out.push({ type: 'prometheus', name: 'waiting-requests', metricType: 'AverageValue', metadata: { serverAddress, query: `sum(${ctx.runtime.metrics.pendingGauge}{${sel}})`, threshold: String(a.targetPendingRequestsPerPod) } });
  }
  return out;
}

/**
 * KEDA's `advanced` block with scale to zero: the HPA KEDA creates waits no longer than the cooldownPeriod before it
 * scales down, so the last replica never leaves (cooldownPeriod) while the HPA's window still holds more replicas.
 */
export function kedaAdvanced(ctx: ServingContext, cooldownPeriod: number) {
  if (!scalesToZero(ctx.spec)) return {};
  const window = Math.min(cooldownPeriod, HPA_DEFAULT_SCALE_DOWN_WINDOW);
  return { advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: window } } } } };
}
