/**
 * Alerts on the endpoint pickers of a spec with spec.inferencePool (docs/OBSERVABILITY.md): requests a picker ends
 * without handing them to a pod, and a picker Prometheus does not scrape (its series are the scale-from-zero signal).
 * Metric and outcome names: llm-d/llm-d-router v0.10.0 `pkg/epp/metrics/llm_d_router_metrics.go`
 * (`llm_d_epp_flow_control_requests_total`, labels outcome, priority, inference_pool; incremented once per request by
 * `pkg/epp/flowcontrol/controller/controller.go` EnqueueAndWait) and `pkg/epp/flowcontrol/types/outcomes.go`.
 */
import type { ServingContext } from '../model/context';
import { poolPlans, type PoolPlan } from '../model/pools';
import { scalesToZero } from '../spec/llm-plan';
import { ALERTS, runbookUrl, type AlertingRule, type AlertName } from './alerts';

/** The picker's series (`pkg/epp/metrics/llm_d_router_metrics.go`, subsystem llm_d_epp). */
export const PICKER_SERIES = {
  requests: 'llm_d_epp_request_total',
  ttft: 'llm_d_epp_request_ttft_seconds',
  outputTokens: 'llm_d_epp_request_output_tokens',
  queueSize: 'llm_d_epp_flow_control_queue_size',
  flowOutcomes: 'llm_d_epp_flow_control_requests_total',
  readyEndpoints: 'llm_d_epp_ready_endpoints',
} as const;

/**
 * Outcomes of a request that reached a pod (`Dispatched`) or that its client gave up on (`EvictedContextCancelled`:
 * the caller's context ended, e.g. the client closed the connection). Every other outcome is a request the picker
 * ended itself without a pod: `EvictedTTL` (held longer than the hold: the pool did not get a ready pod in time),
 * `RejectedNoEndpoints` (the queue was full while the pool had no pod), `RejectedCapacity` (the queue was full),
 * `RejectedOther`, `EvictedOther`.
 */
export const NOT_DROPPED_OUTCOMES = ['Dispatched', 'EvictedContextCancelled'] as const;

/** How far back a dropped request keeps the alert firing. */
export const DROP_WINDOW = '10m';

function alert(ctx: ServingContext, a: AlertName, expr: string, forDuration: string, labels: Record<string, string>,
  summary: string, description: string): AlertingRule {
  return {
    alert: a, expr, for: forDuration, labels,
    annotations: { summary, description, runbook_url: runbookUrl(a, ctx.spec.monitoring?.alerts?.runbookBaseUrl) },
  };
}

/**
 * Requests one pool's picker ended without a pod in the last DROP_WINDOW, per outcome. The counter series of an
 * outcome appears at its first request (client_golang WithLabelValues(...).Inc()), so `increase` alone would miss
 * the first drop after the picker starts: a series that did not exist DROP_WINDOW ago counts with its value.
 */
export function droppedRequestsExpr(ctx: ServingContext, pool: PoolPlan): string {
  const c = `${PICKER_SERIES.flowOutcomes}{namespace="${ctx.namespace}",job="${pool.picker}",outcome!~"${NOT_DROPPED_OUTCOMES.join('|')}"}`;
  return `sum by (namespace, job, inference_pool, outcome) ((${c} unless ${c} offset ${DROP_WINDOW}) or increase(${c}[${DROP_WINDOW}])) > 0`;
}

/** The picker alerts of a spec: none without spec.inferencePool; per pool otherwise (stable and canary pools). */
export function pickerAlerts(ctx: ServingContext): AlertingRule[] {
  const who = `${ctx.namespace}/${ctx.name}`;
  const hold = 'spec.inferencePool.requestHoldSeconds';
  return poolPlans(ctx).flatMap((pool) => {
    const canary = pool.track.role === 'canary';
    const scope = { namespace: ctx.namespace, job: pool.picker, inference_pool: pool.name };
    const toZero = scalesToZero(ctx.spec);
    return [
      alert(ctx, ALERTS.pickerRequestsDropped, droppedRequestsExpr(ctx, pool), '0m', { severity: canary ? 'warning' : 'critical' },
        `${who}: the endpoint picker of pool ${pool.name} ends requests without a pod ({{ $labels.outcome }})`,
        `In the last ${DROP_WINDOW} the endpoint picker ${pool.picker} ended requests of pool ${pool.name} without handing them to a pod ` +
        '(flow-control outcome {{ $labels.outcome }}): their clients got an error. EvictedTTL: the pool had no ready pod for the whole hold ' +
        `(${hold}): ${toZero ? 'waking from zero failed or took longer than the hold' : 'every pod was down or saturated'}. ` +
        'RejectedNoEndpoints / RejectedCapacity: the picker\'s queue was full (without a pod, or under load). ' +
        `See: kubectl -n ${ctx.namespace} logs deployment/${pool.picker}`),
      alert(ctx, ALERTS.pickerNotScraped,
        `sum(kube_deployment_status_replicas_available{namespace="${ctx.namespace}",deployment="${pool.picker}"}) > 0` +
        ` unless on () count(up{namespace="${ctx.namespace}",job="${pool.picker}"} == 1)`,
        '10m', { ...scope, severity: toZero && !canary ? 'critical' : 'warning' },
        `${who}: Prometheus scrapes no endpoint picker of pool ${pool.name}`,
        `The endpoint picker ${pool.picker} has available pods, but Prometheus has had no target of job ${pool.picker} that answers for 10 minutes: ` +
        `the picker alerts and panels are blind${toZero ? ', and the autoscaler cannot see held requests, so the pool never wakes from zero' : ''}. ` +
        'Check that Prometheus selects the picker\'s ServiceMonitor and that the NetworkPolicy admits it to port metrics (9090).'),
    ];
  });
}
