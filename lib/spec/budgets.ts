/**
 * Time budgets that follow from the spec: how long the server may take to start (startupProbe, rollout deadline,
 * alerts, the inference pool's request hold) and how long a download may take. Pure functions of the spec and
 * the runtime, shared by the rules, the constructs and the alerts so that every consumer uses one number.
 */
import type { ModelServingSpec, RepositorySpec } from './schema/spec';
import type { ServingRuntime } from '../runtimes/types';
import { parseQuantity } from './quantity';
import { INT32_MAX } from './schema/common';

const Gi = 2 ** 30;
/** Model size assumed for a download when repository.modelSize is not set. */
export const DEFAULT_MODEL_SIZE = '20Gi';
/** Startup budget the server gets per GiB of model: loading from local disk into memory and onto the GPU. */
export const LOAD_SECONDS_PER_GIB = 10;
/** ... and per GiB it downloads itself (Hugging Face Hub) before loading. */
export const DOWNLOAD_SECONDS_PER_GIB = 30;

const value = (q: string | number | undefined): number | undefined => (q === undefined ? undefined : parseQuantity(q));

/**
 * `seconds`, at most INT32_MAX: the budgets end up in int32 fields of the API (a probe's failureThreshold,
 * progressDeadlineSeconds), and a sum of budgets (a download of a huge modelSize plus startupTimeoutSeconds
 * near its own limit) must not overflow them. 2^31 s is 68 years: a clamped budget still never runs out.
 */
export function clampSeconds(seconds: number): number {
  return Math.min(INT32_MAX, seconds);
}

/**
 * Seconds the startupProbe allows: the runtime's own budget plus the time to load `repository.modelSize`, and to
 * download it first when the server fetches the model itself (Hugging Face Hub), at most INT32_MAX. An explicit
 * spec.startupTimeoutSeconds (itself at most INT32_MAX) wins.
 */
export function startupBudgetSeconds(spec: ModelServingSpec, runtime: ServingRuntime, repo: RepositorySpec): number {
  if (spec.startupTimeoutSeconds !== undefined) return spec.startupTimeoutSeconds;
  if (repo.modelSize === undefined) return runtime.defaultStartupTimeoutSeconds;
  const gib = value(repo.modelSize)! / Gi;
  const perGib = LOAD_SECONDS_PER_GIB + (repo.huggingface ? DOWNLOAD_SECONDS_PER_GIB : 0);
  return clampSeconds(runtime.defaultStartupTimeoutSeconds + Math.ceil(gib * perGib));
}

/** Seconds the download init container may take (for the rollout's progress deadline), 0 without one; at most INT32_MAX. */
export function downloadBudgetSeconds(repo: RepositorySpec): number {
  if (repo.uri === undefined) return 0;
  return clampSeconds(Math.ceil((value(repo.modelSize ?? DEFAULT_MODEL_SIZE)! / Gi) * DOWNLOAD_SECONDS_PER_GIB));
}
