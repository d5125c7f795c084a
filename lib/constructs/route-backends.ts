/**
 * Where the HTTPRoute sends a spec's requests: the one place that decides its backendRefs, so that another
 * backend (an InferencePool) replaces them here and nowhere else.
 */
import type { ServingContext } from '../model/context';
import { serviceNameFor } from './services';
import { inferencePoolTargets } from './inference-pool';
import type { RouteGroup } from '../spec/route-plan';

/** An HTTPRoute backendRef (gateway.networking.k8s.io/v1 HTTPBackendRef), as much of it as this library writes. */
export interface RouteBackendRef {
  /** API group of the backend. @default - '' (core: a Service) */
  readonly group?: string;
  /** Kind of the backend. @default - Service */
  readonly kind?: string;
  readonly name: string;
  readonly port?: number;
  /** Share of the rule's requests: weight / sum of weights (Gateway API Core). @default - 1 */
  readonly weight?: number;
}

/** The port of the runtime's HTTP endpoint (the Service port the routes target). */
export function httpPort(ctx: ServingContext): number {
  return ctx.runtime.ports.find((p) => p.name === ctx.runtime.httpPortName)!.port;
}

/** A backendRef and the rollout track whose pods it reaches. */
export interface RouteTarget {
  /** The track's key (`stable`, `canary`, or a blue-green track). */
  readonly track: string;
  readonly ref: RouteBackendRef;
}

/**
 * The backends of the HTTPRoute: with spec.inferencePool the pools (lib/constructs/inference-pool.ts); else the
 * stable Service `<name>` (the active track of a blue-green rollout: a flip changes that Service's selector, not the
 * route), and with a canary the canary Service, weighted `100 - weight` and `weight`.
 */
export function routeTargets(ctx: ServingContext): RouteTarget[] {
  const pools = inferencePoolTargets(ctx);
  if (pools) return pools;
  const port = httpPort(ctx);
  const canary = ctx.tracks.find((t) => t.role === 'canary');
  if (!canary) return [{ track: ctx.servingTrack.key, ref: { name: ctx.serviceName, port } }];
  const weight = ctx.spec.rollout?.weight ?? 0;
  return [
    { track: ctx.servingTrack.key, ref: { name: ctx.serviceName, port, weight: 100 - weight } },
    { track: canary.key, ref: { name: serviceNameFor(ctx, canary), port, weight } },
  ];
}

/** The backendRefs of the rules every track serves (all targets, weighted with a canary). */
export function routeBackends(ctx: ServingContext): RouteBackendRef[] {
  return routeTargets(ctx).map((t) => t.ref);
}

/**
 * The backendRefs of a plan's group: every target for the paths all tracks serve; the one track's target, without
 * a weight, for the versioned paths only that track serves.
 */
export function groupBackends(targets: readonly RouteTarget[], group: RouteGroup): RouteBackendRef[] {
  if (group.track === undefined) return targets.map((t) => ({ ...t.ref }));
  return targets.filter((t) => t.track === group.track).map(({ ref: { weight: _w, ...ref } }) => ref);
}
