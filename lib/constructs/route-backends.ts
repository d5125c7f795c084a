/**
 * Where the HTTPRoute sends a spec's requests: the one place that decides its backendRefs, so that another
 * backend (an InferencePool) replaces them here and nowhere else.
 */
import type { ServingContext } from '../model/context';
import { serviceNameFor } from './services';
import { inferencePoolBackendRefs } from './inference-pool';

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

/**
 * The backendRefs of every HTTPRoute rule: with spec.inferencePool the pools (lib/constructs/inference-pool.ts);
 * else the stable Service `<name>` (the active track of a blue-green rollout:
 * a flip changes that Service's selector, not the route), and with a canary the canary Service, weighted
 * `100 - weight` and `weight`.
 */
export function routeBackends(ctx: ServingContext): RouteBackendRef[] {
  const pools = inferencePoolBackendRefs(ctx);
  if (pools) return pools;
  const port = httpPort(ctx);
  const canary = ctx.tracks.find((t) => t.role === 'canary');
  if (!canary) return [{ name: ctx.serviceName, port }];
  const weight = ctx.spec.rollout?.weight ?? 0;
  return [{ name: ctx.serviceName, port, weight: 100 - weight }, { name: serviceNameFor(ctx, canary), port, weight }];
}
