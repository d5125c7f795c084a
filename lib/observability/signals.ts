/**
 * Signals the alerts and the dashboard share, chosen from the ServingContext: which workloads serve clients (per
 * track), which GPU series to read (MIG or whole GPUs), and the server-side error ratio. docs/OBSERVABILITY.md.
 */
import type { ServingContext, Track } from '../model/context';
import { dcgmGpuMemoryUsedRatio, dcgmMigUtilization, DCGM_MIG_UTILIZATION } from '../runtimes/dcgm';

/** The tracks that receive client requests: stable (or the active blue/green track) and a canary; never a preview. */
export function servingTracks(ctx: ServingContext): Track[] {
  return ctx.tracks.filter((t) => t.role !== 'preview');
}

/**
 * kube-state-metrics names of the workload kind whose ready pods say whether a track serves (docs/metrics/workload/
 * *-metrics.md, v2.20.0). With spec.multiNode that is the leader StatefulSet of the track's LeaderWorkerSet: the
 * LeaderWorkerSet controller names it like the LeaderWorkerSet and gives it one leader pod per group; each group's
 * workers are a StatefulSet `<lws>-<group>` owned by its leader pod (kubernetes-sigs/lws v0.10.0
 * pkg/controllers/leaderworkerset_controller.go, pod_controller.go). A group serves when its leader is ready: the
 * leader answers the readiness probe only once every worker joined its engine, and a failed pod restarts the group.
 */
export function workloadMetrics(ctx: ServingContext) {
  if (ctx.mode === 'edge') {
    return { kind: 'DaemonSet', label: 'daemonset', available: 'kube_daemonset_status_number_available', desired: 'kube_daemonset_status_desired_number_scheduled', created: 'kube_daemonset_created' } as const;
  }
  if (ctx.spec.multiNode) {
    return { kind: 'StatefulSet', label: 'statefulset', available: 'kube_statefulset_status_replicas_ready', desired: 'kube_statefulset_replicas', created: 'kube_statefulset_created' } as const;
  }
  return { kind: 'Deployment', label: 'deployment', available: 'kube_deployment_status_replicas_available', desired: 'kube_deployment_spec_replicas', created: 'kube_deployment_created' } as const;
}

/**
 * The name of the workload `workloadMetrics` reads for a track: its Deployment or DaemonSet, or with spec.multiNode
 * its leader StatefulSet (named like the LeaderWorkerSet, `<track>-lws`).
 */
export function workloadName(ctx: ServingContext, track: Track): string {
  return ctx.spec.multiNode ? ctx.leaderWorkerSetName(track) : track.name;
}

/** A label matcher value selecting exactly these names (DNS names: no regex metacharacters). */
export function oneOf(names: readonly string[]): string {
  return names.length === 1 ? `"${names[0]}"` : `~"${names.join('|')}"`;
}

/** A matcher on the workload label selecting exactly these tracks' workloads. */
export function workloadMatcher(ctx: ServingContext, tracks: readonly Track[]): string {
  return `namespace="${ctx.namespace}",${workloadMetrics(ctx).label}=${oneOf(tracks.map((t) => workloadName(ctx, t)))}`;
}

/**
 * With spec.multiNode: a matcher on the StatefulSet label selecting the worker StatefulSets `<lws>-<group>` of these
 * tracks (the dashboard's ready worker pods).
 */
export function workerStatefulSetMatcher(ctx: ServingContext, tracks: readonly Track[]): string {
  return `namespace="${ctx.namespace}",statefulset=~"(${tracks.map((t) => ctx.leaderWorkerSetName(t)).join('|')})-[0-9]+"`;
}

/**
 * Available pods (with spec.multiNode: ready group leaders) of one track's workload, below 1: the track serves nobody.
 * A workload younger than the startup budget is left out (its first pods are still loading their models; the
 * crash-loop and target alerts cover a start that fails).
 */
export function trackDownExpr(ctx: ServingContext, track: Track, startupSeconds: number): string {
  const w = workloadMetrics(ctx);
  const by = `namespace, ${w.label}`;
  const match = workloadMatcher(ctx, [track]);
  return `max by (${by}) (${w.available}{${match}}) < 1` +
    ` unless on (${by}) (time() - max by (${by}) (${w.created}{${match}}) < ${startupSeconds})`;
}

/** Whether the pods get MIG instances rather than whole GPUs (resource nvidia.com/mig-<profile>). */
export function usesMig(ctx: ServingContext): boolean {
  return ctx.gpuCount > 0 && ctx.gpuResource.startsWith('nvidia.com/mig-');
}

/** The GPU series of this deployment and where they come from (alerts, recording rules, dashboard text). */
export interface GpuSignals {
  /** Busy share per pod, 0..1. */
  readonly utilization: string;
  /** A sentence naming the metric behind `utilization` where it is not the runtime's usual one (MIG). */
  readonly utilizationNote?: string;
  /** Memory in use per pod (and GPU), 0..1. */
  readonly memory: string;
  /** What `memory` measures. */
  readonly memorySignal: string;
}

/**
 * Whole GPUs: the runtime's own signals. MIG: Triton and TorchServe report no GPU metrics for MIG instances
 * (server#5324; TorchServe's nvgpu reads skip devices without utilization) and DCGM_FI_DEV_GPU_UTIL reads 0 there
 * (dcgm-exporter#216), so utilization is DCGM's graphics-engine activity and memory DCGM's frame buffer, unless the
 * runtime's memory signal is its own cache (vLLM).
 */
export function gpuSignals(ctx: ServingContext): GpuSignals {
  const m = ctx.runtime.metrics;
  const sel = ctx.metricsSelector;
  if (!usesMig(ctx)) {
    return {
      utilization: m.gpuUtilization(sel),
      memory: m.gpuMemoryUsedRatio(sel),
      memorySignal: m.gpuMemorySignal ?? 'GPU memory',
    };
  }
  return {
    utilization: dcgmMigUtilization(sel),
    utilizationNote: `Measured as ${DCGM_MIG_UTILIZATION} (dcgm-exporter, graphics-engine activity of the instance): on MIG (${ctx.gpuResource}) the GPU utilization gauges read 0 or are absent.`,
    memory: m.gpuMemoryOnMig ? m.gpuMemoryUsedRatio(sel) : dcgmGpuMemoryUsedRatio(sel),
    memorySignal: m.gpuMemoryOnMig ? (m.gpuMemorySignal ?? 'GPU memory') : 'MIG instance memory (DCGM frame buffer)',
  };
}

/** Server-side failures / requests the server served or failed, per model (or per server); `w` is the rate window. */
export function errorRatioExpr(ctx: ServingContext, w: string): string {
  const m = ctx.runtime.metrics;
  const sel = ctx.metricsSelector;
  return `(${m.errorRate(sel, w, ctx.spec.models)}) / (${m.totalRate(sel, w, ctx.spec.models)})`;
}
