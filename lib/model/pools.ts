/**
 * The inference pools of a spec (docs/LLM.md), shared by the constructs, the autoscaler and the observability
 * rules: the stable pool (named like the spec; for blue-green it selects the active track) and, for a canary,
 * `<name>-canary`. Each pool has its own endpoint picker, `<pool>-epp`.
 */
import type { ServingContext, Track } from './context';

/** One pool: the track whose pods it selects, its name, and its picker's name. */
export interface PoolPlan {
  readonly track: Track;
  readonly name: string;
  readonly picker: string;
}

/** The pools of a spec (none without spec.inferencePool); a blue-green preview track has none. */
export function poolPlans(ctx: ServingContext): PoolPlan[] {
  if (!ctx.spec.inferencePool) return [];
  return ctx.tracks.filter((t) => t.role !== 'preview').map((track) => {
    const name = track.role === 'canary' ? `${ctx.name}-canary` : ctx.name;
    return { track, name, picker: `${name}-epp` };
  });
}

/** The pool that serves `track`, if any. */
export function poolOf(ctx: ServingContext, track: Track): PoolPlan | undefined {
  return poolPlans(ctx).find((p) => p.track.key === track.key);
}

/** PromQL matchers of the pickers' own metrics: the ServiceMonitor names each target's job after its Service. */
export function pickerJobSelector(ctx: ServingContext, pools: readonly PoolPlan[] = poolPlans(ctx)): string {
  const jobs = pools.map((p) => p.picker);
  return `namespace="${ctx.namespace}",job=${jobs.length === 1 ? `"${jobs[0]}"` : `~"${jobs.join('|')}"`}`;
}
