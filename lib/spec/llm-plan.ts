/**
 * Values of LLM serving that the rules check and the constructs write, computed once from the spec: which tracks
 * get an inference pool, the names of pools and pickers, whether the spec scales to zero, and how long the
 * endpoint picker holds a request (docs/LLM.md).
 */
import type { ServingRuntime } from '../runtimes/types';
import { startupBudgetSeconds } from './budgets';
import type { ModelServingSpec } from './schema/spec';

/** The picker's own hold when nothing else is asked (`defaultRequestTTL` default, llm-d-router `apix/config/v1alpha1`). */
export const PICKER_DEFAULT_HOLD_SECONDS = 60;
/** Room for scheduling, a GPU node coming up and the image pull before the startup budget starts (as progressDeadlineSeconds). */
export const COLD_START_MARGIN_SECONDS = 600;
/** How often the HPA controller evaluates (kube-controller-manager --horizontal-pod-autoscaler-sync-period default). */
export const HPA_SYNC_SECONDS = 15;
/** KEDA's default pollingInterval (keda.sh ScaledObject specification). */
export const KEDA_POLLING_SECONDS = 30;
/** The scrape interval when spec.monitoring.interval is unset. */
const DEFAULT_SCRAPE_SECONDS = 15;

/** `15s`, `1m30s` -> seconds. */
export function durationSeconds(d: string): number {
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  for (const m of d.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * unit[m[2]];
  return total;
}

/** Whether the spec asks for scale to zero behind an inference pool. */
export function scalesToZero(spec: ModelServingSpec): boolean {
  return spec.inferencePool !== undefined && spec.autoscaling !== undefined && (spec.autoscaling.minReplicas ?? 1) === 0;
}

/** Seconds from the first held request to the autoscaler asking for a pod: one scrape of the picker plus one evaluation. */
export function activationDelaySeconds(spec: ModelServingSpec): number {
  const scrape = spec.monitoring?.interval ? durationSeconds(spec.monitoring.interval) : DEFAULT_SCRAPE_SECONDS;
  const evaluate = spec.autoscaling?.engine === 'keda' ? (spec.autoscaling.keda?.pollingInterval ?? KEDA_POLLING_SECONDS) : HPA_SYNC_SECONDS;
  return Math.ceil(scrape + evaluate);
}

/** The startup budget of the server (lib/spec/budgets.ts: the startupProbe's). */
export function startupSeconds(spec: ModelServingSpec, runtime: ServingRuntime): number {
  return startupBudgetSeconds(spec, runtime, spec.repository);
}

/**
 * How long the picker holds a request: the spec's; with scale to zero, a cold start (activation, scheduling and
 * pull margin, startup budget); else the picker's own 60 s.
 */
export function requestHoldSeconds(spec: ModelServingSpec, runtime: ServingRuntime): number {
  const own = spec.inferencePool?.requestHoldSeconds;
  if (own !== undefined) return own;
  if (!scalesToZero(spec)) return PICKER_DEFAULT_HOLD_SECONDS;
  return activationDelaySeconds(spec) + COLD_START_MARGIN_SECONDS + startupSeconds(spec, runtime);
}
