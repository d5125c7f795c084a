/**
 * Capacity planning arithmetic (`model-serving plan`, docs/AUTOSCALING.md). Pure functions: no I/O,
 * no spec loading. The CLI (lib/cli/plan.ts) reads the spec and prints the result.
 */

/** Default share of a replica's measured throughput that the plan lets it run at during the peak. */
export const DEFAULT_TARGET_UTILIZATION = 0.7;
/** minReplicas when the spec sets none: a pod restart, eviction or node drain then never leaves no server. */
export const DEFAULT_MIN_REPLICAS = 2;

export interface PlanInput {
  /** Peak requests per second the service must absorb. */
  readonly peakRps: number;
  /** Requests per second one replica sustains within its latency objective (measured, e.g. with perf_analyzer). */
  readonly replicaRps: number;
  /** Share (0..1] of `replicaRps` a replica may run at during the peak. @default 0.7 */
  readonly targetUtilization?: number;
  /** Request latency at peak in ms, for the in-flight estimate (Little's law). @default - no in-flight estimate */
  readonly p95LatencyMs?: number;
  /** spec.autoscaling.minReplicas, when the spec sets it. @default - 2 */
  readonly specMinReplicas?: number;
  /** GPUs per pod (spec.resources.gpu.count). @default 0 */
  readonly gpusPerPod?: number;
  /** GPUs the namespace may use; with it the plan checks rollouts against the quota. @default - no quota check */
  readonly gpuQuota?: number;
  /** spec.rollingUpdate.maxSurge (pods or "N%"). @default 0 (this project's rolling-update default) */
  readonly maxSurge?: number | string;
}

/** GPUs one situation needs and whether they fit in the quota. */
export interface GpuNeed {
  readonly pods: number;
  readonly gpus: number;
  readonly fits: boolean;
}

export interface GpuQuotaCheck {
  readonly quota: number;
  readonly gpusPerPod: number;
  /** maxReplicas pods. */
  readonly steady: GpuNeed;
  /** maxReplicas pods plus the rolling update's surge. */
  readonly rollingUpdate: GpuNeed & { readonly surgePods: number };
  /** Two full tracks of maxReplicas pods (blue-green, or a canary scaled up to maxReplicas). */
  readonly blueGreen: GpuNeed;
  /** The largest maxReplicas that fits: alone, and as two full tracks. */
  readonly maxReplicasThatFit: { readonly steady: number; readonly blueGreen: number };
}

export interface CapacityPlan {
  readonly targetUtilization: number;
  /** replicaRps x targetUtilization: the per-replica rate to scale on (HPA targetInferencesPerSecondPerPod). */
  readonly perReplicaTarget: number;
  /** ceil(peakRps / perReplicaTarget). */
  readonly peakReplicas: number;
  readonly minReplicas: number;
  /** Where minReplicas comes from. */
  readonly minReplicasFrom: 'spec' | 'default';
  /** max(peakReplicas, minReplicas). */
  readonly maxReplicas: number;
  /** Requests in flight at peak (peakRps x latency), or undefined without a latency. */
  readonly inFlight?: number;
  /** inFlight / maxReplicas: concurrent requests each replica holds at peak. */
  readonly inFlightPerReplica?: number;
  readonly gpu?: GpuQuotaCheck;
}

/** Rounds to thousandths (the precision of a Kubernetes quantity) and removes binary noise (0.7 x 500). */
export function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** ceil that ignores floating-point noise: 350 / 349.99999999999994 is 1, not 2. */
function ceilClean(n: number): number {
  return Math.ceil(n - 1e-9);
}

/** Pods a rolling update may add: a count as it is, a percentage of `replicas` rounded up (as Kubernetes does). */
export function surgePods(maxSurge: number | string, replicas: number): number {
  if (typeof maxSurge === 'number') return maxSurge;
  const m = /^(\d+)%$/.exec(maxSurge);
  if (!m) throw new Error(`maxSurge must be a count or a percentage (got ${JSON.stringify(maxSurge)})`);
  return Math.ceil((Number(m[1]) * replicas) / 100);
}

function need(pods: number, gpusPerPod: number, quota: number): GpuNeed {
  const gpus = pods * gpusPerPod;
  return { pods, gpus, fits: gpus <= quota };
}

/** The GPU check of a plan: steady state, rolling update with its surge, and two full tracks. */
export function gpuQuotaCheck(maxReplicas: number, gpusPerPod: number, quota: number, maxSurge: number | string = 0): GpuQuotaCheck {
  if (!(gpusPerPod > 0)) throw new Error('a GPU quota check needs GPUs per pod > 0');
  const surge = surgePods(maxSurge, maxReplicas);
  return {
    quota,
    gpusPerPod,
    steady: need(maxReplicas, gpusPerPod, quota),
    rollingUpdate: { ...need(maxReplicas + surge, gpusPerPod, quota), surgePods: surge },
    blueGreen: need(2 * maxReplicas, gpusPerPod, quota),
    maxReplicasThatFit: { steady: Math.floor(quota / gpusPerPod), blueGreen: Math.floor(quota / (2 * gpusPerPod)) },
  };
}

/**
 * The plan: replicas at peak = ceil(peakRps / (replicaRps x targetUtilization)); maxReplicas covers the
 * peak; minReplicas is the spec's, or 2. With a latency, requests in flight = peakRps x latency (Little's
 * law): a concurrency, which is a pod count only when each pod serves one request at a time.
 */
export function capacityPlan(input: PlanInput): CapacityPlan {
  const u = input.targetUtilization ?? DEFAULT_TARGET_UTILIZATION;
  for (const [k, v] of [['peakRps', input.peakRps], ['replicaRps', input.replicaRps]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new Error(`${k} must be a number > 0 (got ${v})`);
  }
  if (!(u > 0 && u <= 1)) throw new Error(`targetUtilization must be in (0, 1] (got ${u})`);
  const perReplicaTarget = round3(input.replicaRps * u);
  const peakReplicas = ceilClean(input.peakRps / (input.replicaRps * u));
  const minReplicasFrom = input.specMinReplicas !== undefined ? 'spec' : 'default';
  const minReplicas = input.specMinReplicas ?? DEFAULT_MIN_REPLICAS;
  const maxReplicas = Math.max(peakReplicas, minReplicas);
  const inFlight = input.p95LatencyMs !== undefined ? round3((input.peakRps * input.p95LatencyMs) / 1000) : undefined;
  return {
    targetUtilization: u,
    perReplicaTarget,
    peakReplicas,
    minReplicas,
    minReplicasFrom,
    maxReplicas,
    ...(inFlight !== undefined ? { inFlight, inFlightPerReplica: round3(inFlight / maxReplicas) } : {}),
    ...(input.gpuQuota !== undefined ? { gpu: gpuQuotaCheck(maxReplicas, input.gpusPerPod ?? 0, input.gpuQuota, input.maxSurge ?? 0) } : {}),
  };
}
