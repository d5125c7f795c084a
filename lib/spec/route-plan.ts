/**
 * What a spec's routes (Ingress, HTTPRoute) publish, before they are written as objects: the runtime's
 * inference API paths (`ServingRuntime.publicPaths`), at their own URLs or under the spec's path prefix.
 * Pure functions of the spec: the rules check the limits with them, the constructs write the routes.
 */
import type { ModelServingSpec, ModelSpec } from './schema/spec';
import type { PublicPath } from '../runtimes/types';
import { getRuntime } from '../runtimes/registry';

/** Gateway API: most matches one HTTPRoute rule holds (HTTPRouteRule.matches MaxItems). */
export const MAX_ROUTE_MATCHES = 64;
/** Gateway API: most rules one HTTPRoute holds (HTTPRouteSpec.rules MaxItems). */
export const MAX_ROUTE_RULES = 16;

/** A route's published paths: at their own URLs (`prefix` ''), or under `prefix`, stripped before the server. */
export interface RoutePlan {
  /** The spec's path prefix without trailing slash; '' when the paths are published at their own URLs. */
  readonly prefix: string;
  /** The runtime's public paths (as the server sees them). */
  readonly paths: readonly PublicPath[];
}

/** The path prefix a spec routes under (trailing slashes dropped; '' for none or `/`). */
export function routePrefix(path: string | undefined): string {
  return (path ?? '').replace(/\/+$/, '');
}

/**
 * The spec's models with the versions any track serves (a route reaches every track, so a versioned URL of a
 * canary's version is published too; the stable track answers it with "version not found").
 */
export function routeModels(spec: ModelServingSpec): ModelSpec[] {
  const r = spec.rollout;
  const overrides = r ? (r.strategy === 'canary' ? [r.canary] : Object.values(r.tracks ?? {})) : [];
  return spec.models.map((m) => {
    const versions = new Set(m.versions ?? []);
    for (const t of overrides) for (const v of t?.models?.find((x) => x.name === m.name)?.versions ?? []) versions.add(v);
    return versions.size ? { ...m, versions: [...versions].sort((a, b) => a - b) } : m;
  });
}

/** The routes of a spec for `path` (spec.ingress.path or spec.gateway.path). */
export function routePlan(spec: ModelServingSpec, path: string | undefined): RoutePlan {
  return { prefix: routePrefix(path), paths: getRuntime(spec.runtime).publicPaths(routeModels(spec)) };
}

/**
 * The HTTPRoute rules a plan needs: at their own URLs, one rule per 64 matches; under a prefix, one rule per
 * path (each rewrites its own path: URLRewrite ReplacePrefixMatch needs exactly one PathPrefix match per rule).
 */
export function httpRouteRuleCount(plan: RoutePlan): number {
  return plan.prefix ? plan.paths.length : Math.ceil(plan.paths.length / MAX_ROUTE_MATCHES);
}

/** Characters ingress-nginx accepts in a Prefix or Exact path (inspector/rules.go validPathType, strict-validate-path-type). */
export const NGINX_STRICT_PATH = /^\/[A-Za-z0-9._\-/]*$/;
