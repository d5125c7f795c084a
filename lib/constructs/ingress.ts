/**
 * How clients outside the cluster reach the model server: a Gateway API HTTPRoute (backendRef weights for a
 * canary), and/or an Ingress for other controllers (with ingress-nginx annotations only for class nginx, and a
 * second, nginx canary Ingress that sends `rollout.weight` percent to the canary track).
 *
 * Routes publish only the runtime's inference API paths (`ServingRuntime.publicPaths`, docs/TRAFFIC.md): never
 * the metrics port or path, health, administration or model-control APIs. Without a path they are published at
 * their own URLs; with a path prefix they are published under it and the prefix is stripped.
 */
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Kube, KubeObject } from '../k8s/object';
import type { ServingContext, Track } from '../model/context';
import type { PublicPath } from '../runtimes/types';
import { serviceNameFor } from './services';
import { groupBackends, httpPort, routeTargets, RouteBackendRef, RouteTarget } from './route-backends';
import { NGINX_CLASS, NGINX_FIELD_ANNOTATIONS, NGINX_PREFIX } from '../spec/rules-rollout';
import { MAX_ROUTE_MATCHES, NGINX_STRICT_PATH, RoutePlan, routePlan } from '../spec/route-plan';

export { routePlan, RoutePlan } from '../spec/route-plan';
export { httpPort, routeBackends, routeTargets, RouteBackendRef, RouteTarget } from './route-backends';

export interface ModelIngressProps {
  /** The spec's shared context (names, labels, runtime, tracks). */
  readonly context: ServingContext;
}

const escapeDots = (s: string) => s.replace(/\./g, '\\.');

/**
 * The ingress-nginx path of a public path under a stripped prefix: an anchored regex whose one capture group
 * is the path the server sees, for `rewrite-target: $1` (ingress-nginx docs/examples/rewrite). ingress-nginx
 * writes it as `location ~* "^<path>"`; the `$` keeps an exact path exact, a prefix matches whole segments.
 */
export function nginxRewritePath(prefix: string, p: PublicPath): string {
  return `${escapeDots(prefix)}(${escapeDots(p.path)}${p.match === 'PathPrefix' ? '(?:/.*)?' : ''})$`;
}

/**
 * The Ingress pathType of a public path. ingress-nginx refuses Exact and Prefix paths with characters outside
 * `[A-Za-z0-9._/-]` (strict-validate-path-type, e.g. TF Serving's `/v1/models/<m>:predict`): those become
 * ImplementationSpecific, which it writes as a plain prefix location (the server refuses any longer path).
 */
export function ingressPathType(p: PublicPath, nginx: boolean): string {
  if (nginx && !NGINX_STRICT_PATH.test(p.path)) return 'ImplementationSpecific';
  return p.match === 'Exact' ? 'Exact' : 'Prefix';
}

/** One HTTPRoute path match. */
export interface HttpRouteMatch {
  readonly path: { readonly type: 'Exact' | 'PathPrefix'; readonly value: string };
}

/** A URLRewrite filter that strips a spec's prefix. */
export interface HttpRouteRewrite {
  readonly type: 'URLRewrite';
  readonly urlRewrite: {
    readonly path: { readonly type: 'ReplacePrefixMatch'; readonly replacePrefixMatch: string } | { readonly type: 'ReplaceFullPath'; readonly replaceFullPath: string };
  };
}

/** Props of an HTTPRoute (gateway.networking.k8s.io/v1), as much of it as this library writes. */
export interface HttpRouteSpec {
  readonly parentRefs: { name: string; namespace?: string; sectionName?: string }[];
  readonly hostnames?: string[];
  readonly rules: {
    matches: HttpRouteMatch[];
    filters?: HttpRouteRewrite[];
    backendRefs: RouteBackendRef[];
    timeouts?: { request: string };
  }[];
}

/**
 * The HTTPRoute rules of a plan, group by group (route-plan.ts): the paths every track serves go to every target
 * (weighted with a canary), the versioned paths only one track serves to that track's target alone. At their own
 * URLs: a group's matches in rules of at most 64. Under a prefix: one rule per path, matching `<prefix><path>` and
 * rewriting it to `<path>` (ReplacePrefixMatch needs exactly one PathPrefix match in its rule; an Exact match is
 * rewritten with ReplaceFullPath).
 */
export function httpRouteRules(plan: RoutePlan, targets: readonly RouteTarget[], timeoutSeconds: number | undefined): HttpRouteSpec['rules'] {
  const rules: HttpRouteSpec['rules'] = [];
  for (const group of plan.groups) {
    const tail = () => ({
      backendRefs: groupBackends(targets, group),
      ...(timeoutSeconds !== undefined ? { timeouts: { request: `${timeoutSeconds}s` } } : {}),
    });
    if (plan.prefix) {
      for (const p of group.paths) {
        rules.push({
          matches: [{ path: { type: p.match, value: `${plan.prefix}${p.path}` } }],
          filters: [{
            type: 'URLRewrite' as const,
            urlRewrite: { path: p.match === 'Exact' ? { type: 'ReplaceFullPath' as const, replaceFullPath: p.path } : { type: 'ReplacePrefixMatch' as const, replacePrefixMatch: p.path } },
          }],
          ...tail(),
        });
      }
      continue;
    }
    for (let i = 0; i < group.paths.length; i += MAX_ROUTE_MATCHES) {
      rules.push({ matches: group.paths.slice(i, i + MAX_ROUTE_MATCHES).map((p) => ({ path: { type: p.match, value: p.path } })), ...tail() });
    }
  }
  return rules;
}

/**
 * The Service port of an Ingress path. ingress-nginx names an upstream after the Service and the port as the Ingress
 * writes it, number or name (`upstreamName`, internal/ingress/controller/util.go), and sends a share of every request
 * of an upstream to the canary once the canary Ingress merged into any of its locations (`mergeAlternativeBackends`,
 * controller.go; `get_balancer`, rootfs/etc/nginx/lua/balancer.lua). So the paths both tracks serve use the port
 * number (split by the canary Ingress), and a versioned path only one track serves uses the port name: its own
 * upstream of that track's Service, which no canary weight touches.
 */
function ingressPort(ctx: ServingContext, pinned: boolean): k8s.ServiceBackendPort {
  return pinned ? { name: ctx.runtime.httpPortName } : { number: httpPort(ctx) };
}

/**
 * The HTTPRoute (construct ID `HttpRoute`, named `<name>`), the Ingress (`Ingress`, `<name>`) and the nginx
 * canary Ingress (`CanaryIngress`, `<name>-canary`) of one spec, as the spec asks. Every route targets the
 * stable Service `<name>` (the active track in a blue-green rollout), so a blue-green flip changes Service
 * selectors only; a canary's route adds the canary Service: weighted for the paths both tracks serve, alone for
 * the versioned paths only the canary serves.
 */
export class ModelIngress extends Construct {
  /** The Ingress, when spec.ingress is set. */
  readonly ingress?: KubeObject;
  /** The nginx canary Ingress, for a canary rollout through spec.ingress. */
  readonly canaryIngress?: KubeObject;
  /** The HTTPRoute, when spec.gateway is set. */
  readonly httpRoute?: ApiObject;

  constructor(scope: Construct, id: string, props: ModelIngressProps) {
    super(scope, id);
    const ctx = props.context;
    const canary = ctx.tracks.find((t) => t.role === 'canary');
    if (ctx.spec.ingress) {
      this.ingress = this.buildIngress(ctx, 'Ingress', undefined);
      if (canary) this.canaryIngress = this.buildIngress(ctx, 'CanaryIngress', canary);
    }
    if (ctx.spec.gateway) this.httpRoute = this.buildHttpRoute(ctx);
  }

  /** The ingress-nginx annotations of the main Ingress (class nginx only). */
  private nginxAnnotations(ctx: ServingContext, plan: RoutePlan, user: Record<string, string>): Record<string, string> {
    const ing = ctx.spec.ingress!;
    const defaults = ctx.runtime.routeDefaults;
    const out: Record<string, string> = {};
    const a = (name: string, value: string | number) => { out[`${NGINX_PREFIX}/${name}`] = String(value); };
    const userSets = (name: string) => user[`${NGINX_PREFIX}/${name}`] !== undefined;
    if (ing.maxBodySize !== undefined) a('proxy-body-size', ing.maxBodySize);
    // the spec's timeout, else the runtime's (a token stream), unless the user's own annotations set them
    const timeout = ing.timeoutSeconds ?? (NGINX_FIELD_ANNOTATIONS.timeoutSeconds.some((x) => user[x] !== undefined) ? undefined : defaults?.timeoutSeconds);
    if (timeout !== undefined) {
      a('proxy-read-timeout', timeout);
      a('proxy-send-timeout', timeout);
    }
    if (ing.rateLimitRps !== undefined) a('limit-rps', ing.rateLimitRps);
    // streamed responses: pass each event on as it comes (ingress-nginx's default is off; a ConfigMap may turn it on)
    if (defaults?.streaming && !userSets('proxy-buffering')) a('proxy-buffering', 'off');
    if (plan.prefix) {
      a('use-regex', 'true');
      a('rewrite-target', '$1');
    }
    return out;
  }

  /** The main Ingress (`canary` undefined) or the nginx canary Ingress for `canary`. */
  private buildIngress(ctx: ServingContext, id: string, canary: Track | undefined): KubeObject {
    const ing = ctx.spec.ingress!;
    const nginx = ing.className === NGINX_CLASS;
    const plan = routePlan(ctx.spec, ing.path);
    const base = ctx.metadata(canary ? `${ctx.name}-canary` : ctx.name, 'ingress');
    const user = { ...(base.annotations ?? {}), ...(ing.annotations ?? {}) };
    // ingress-nginx ignores a canary Ingress's other annotations (inherited from the main Ingress)
    const generated = !nginx ? {} : canary
      ? { [`${NGINX_PREFIX}/canary`]: 'true', [`${NGINX_PREFIX}/canary-weight`]: String(ctx.spec.rollout!.weight!) }
      : this.nginxAnnotations(ctx, plan, user);
    const annotations = { ...user, ...generated };
    // the canary Ingress carries the paths both tracks serve; the main Ingress every path, a versioned path only one
    // track serves to that track's Service (ingressPort)
    const trackOf = new Map(plan.groups.flatMap((g) => g.paths.map((p) => [`${p.match} ${p.path}`, g.track] as const)));
    const serviceOf = (track: string | undefined) => {
      const t = ctx.tracks.find((x) => x.key === track);
      return canary ? serviceNameFor(ctx, canary) : t ? serviceNameFor(ctx, t) : ctx.serviceName;
    };
    const paths: k8s.HttpIngressPath[] = plan.paths
      .map((p) => ({ p, track: trackOf.get(`${p.match} ${p.path}`) }))
      .filter(({ track }) => !canary || track === undefined)
      .map(({ p, track }) => ({
        path: plan.prefix ? nginxRewritePath(plan.prefix, p) : p.path,
        pathType: plan.prefix ? 'ImplementationSpecific' : ingressPathType(p, nginx),
        backend: { service: { name: serviceOf(track), port: ingressPort(ctx, track !== undefined) } },
      }));
    return Kube.Ingress(this, id, {
      metadata: { ...base, ...(Object.keys(annotations).length ? { annotations } : {}) },
      spec: {
        // without className the cluster's default IngressClass (annotated ingressclass.kubernetes.io/is-default-class) takes it
        ...(ing.className !== undefined ? { ingressClassName: ing.className } : {}),
        // the canary shares the main Ingress's server block, TLS included
        ...(ing.tls && !canary ? { tls: [{ hosts: [ing.host], secretName: ing.tls.secretName }] } : {}),
        rules: [{ host: ing.host, http: { paths } }],
      },
    });
  }

  private buildHttpRoute(ctx: ServingContext): ApiObject {
    const gw = ctx.spec.gateway!;
    const plan = routePlan(ctx.spec, gw.path ?? ctx.spec.ingress?.path);
    const hostnames = gw.hostnames ?? (ctx.spec.ingress ? [ctx.spec.ingress.host] : undefined);
    const { name, namespace, sectionName } = gw.parentRef;
    const spec: HttpRouteSpec = {
      parentRefs: [{ name, ...(namespace ? { namespace } : {}), ...(sectionName ? { sectionName } : {}) }],
      ...(hostnames ? { hostnames: [...hostnames] } : {}),
      rules: httpRouteRules(plan, routeTargets(ctx), gw.timeoutSeconds ?? ctx.runtime.routeDefaults?.timeoutSeconds),
    };
    return new ApiObject(this, 'HttpRoute', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: ctx.metadata(ctx.name, 'ingress'),
      spec,
    });
  }
}
