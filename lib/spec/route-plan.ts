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
/**
 * Gateway API (v1.2.0 and later): most matches one HTTPRoute holds over all its rules (the CEL rule on
 * HTTPRouteSpec.rules, kubernetes-sigs/gateway-api apis/v1/httproute_types.go).
 */
export const MAX_ROUTE_TOTAL_MATCHES = 128;

/** The published paths that one set of backends answers. */
export interface RouteGroup {
  /**
   * The key of the one rollout track (`stable`, `canary`) whose models alone list these paths' versions: they go to
   * that track only. Undefined: every track serves them, and a canary's weights split them.
   */
  readonly track?: string;
  readonly paths: readonly PublicPath[];
}

/** A route's published paths: at their own URLs (`prefix` ''), or under `prefix`, stripped before the server. */
export interface RoutePlan {
  /** The spec's path prefix without trailing slash; '' when the paths are published at their own URLs. */
  readonly prefix: string;
  /** The runtime's public paths (as the server sees them), of every track. */
  readonly paths: readonly PublicPath[];
  /**
   * `paths` by the backends that answer them: one group without a track, and with a canary rollout one group per
   * track for the versioned paths that only that track serves (the other track would answer "version not found").
   */
  readonly groups: readonly RouteGroup[];
}

/** The path prefix a spec routes under (trailing slashes dropped; '' for none or `/`). */
export function routePrefix(path: string | undefined): string {
  return (path ?? '').replace(/\/+$/, '');
}

/** The models of one track: the spec's, with the versions the track's own `models` entries set. */
function withVersions(spec: ModelServingSpec, overrides: readonly { name: string; versions?: number[] }[] | undefined): ModelSpec[] {
  const versions = new Map((overrides ?? []).map((m) => [m.name, m.versions]));
  return spec.models.map((m) => (versions.has(m.name) ? { ...m, versions: versions.get(m.name) } : m));
}

/**
 * The spec's models with the versions any track serves (a route reaches every track: the versioned URLs of each
 * track's versions are published; with a canary, a version only one track serves goes to that track alone).
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

const pathKey = (p: PublicPath) => `${p.match} ${p.path}`;

/**
 * The routes of a spec for `path` (spec.ingress.path or spec.gateway.path). A canary's route splits by weight only
 * the paths both tracks serve; a path whose version one track alone lists goes to that track. A blue-green route
 * targets the active track's Service only, so it has one group.
 */
export function routePlan(spec: ModelServingSpec, path: string | undefined): RoutePlan {
  const runtime = getRuntime(spec.runtime);
  const paths = runtime.publicPaths(routeModels(spec));
  const r = spec.rollout;
  if (r?.strategy !== 'canary') return { prefix: routePrefix(path), paths, groups: [{ paths }] };
  const served = (models: ModelSpec[]) => new Set(runtime.publicPaths(models).map(pathKey));
  const stable = served(withVersions(spec, undefined));
  const canary = served(withVersions(spec, r.canary?.models));
  const only = (track: string, mine: Set<string>, other: Set<string>): RouteGroup[] => {
    const own = paths.filter((p) => mine.has(pathKey(p)) && !other.has(pathKey(p)));
    return own.length ? [{ track, paths: own }] : [];
  };
  const shared = paths.filter((p) => stable.has(pathKey(p)) && canary.has(pathKey(p)));
  return {
    prefix: routePrefix(path),
    paths,
    groups: [...(shared.length ? [{ paths: shared }] : []), ...only('stable', stable, canary), ...only('canary', canary, stable)],
  };
}

/**
 * The HTTPRoute rules a plan needs: at their own URLs, one rule per 64 matches of each group; under a prefix, one
 * rule per path (each rewrites its own path: URLRewrite ReplacePrefixMatch needs exactly one PathPrefix match per
 * rule).
 */
export function httpRouteRuleCount(plan: RoutePlan): number {
  return plan.groups.reduce((n, g) => n + (plan.prefix ? g.paths.length : Math.ceil(g.paths.length / MAX_ROUTE_MATCHES)), 0);
}

/** The matches of a plan's HTTPRoute over all its rules: one per published path. */
export function httpRouteMatchCount(plan: RoutePlan): number {
  return plan.paths.length;
}

/** Characters ingress-nginx accepts in a Prefix or Exact path (inspector/rules.go validPathType, strict-validate-path-type). */
export const NGINX_STRICT_PATH = /^\/[A-Za-z0-9._\-/]*$/;
