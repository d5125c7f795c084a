/**
 * How clients outside the cluster reach the model server: an Ingress (with ingress-nginx annotations
 * when the class is nginx), a second nginx canary Ingress that sends `rollout.weight` percent to the
 * canary track, and/or a Gateway API HTTPRoute whose backendRef weights do the same.
 *
 * Routing (docs/TRAFFIC.md): without a path, one prefix path per model at the runtime's per-model URL
 * (Triton `/v2/models/<model>`), so several specs share one host without rewrites; with a path prefix,
 * requests under it reach the server with the prefix stripped; with `/`, every path goes to this spec.
 */
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Kube, KubeObject } from '../k8s/object';
import type { ServingContext, Track } from '../model/context';
import { serviceNameFor } from './services';
import { inferencePoolBackendRefs } from './inference-pool';
import { NGINX_CLASS, NGINX_PREFIX, routePrefix } from '../spec/rules-rollout';

export interface ModelIngressProps {
  /** The spec's shared context (names, labels, runtime, tracks). */
  readonly context: ServingContext;
}

/** Where a spec's traffic is routed, before it is written as Ingress paths or HTTPRoute matches. */
export interface RoutePlan {
  /**
   * `models`: one prefix per model, unchanged on the way to the server; `root`: `/`, every path;
   * `prefix`: the spec's own prefix, stripped before the request reaches the server.
   */
  readonly kind: 'models' | 'root' | 'prefix';
  /** Path prefixes, whole path segments (Kubernetes `Prefix` / Gateway API `PathPrefix` semantics). */
  readonly prefixes: readonly string[];
}

/**
 * The routes of a spec for `path` (spec.ingress.path or spec.gateway.path). A runtime's
 * `modelRoutePrefix` must name a whole path segment: every URL of the model equals it or continues with `/`.
 */
export function routePlan(ctx: ServingContext, path: string | undefined): RoutePlan {
  const prefix = routePrefix(path);
  if (prefix === undefined) {
    const perModel = ctx.runtime.modelRoutePrefix;
    if (perModel) return { kind: 'models', prefixes: ctx.spec.models.map((m) => perModel(m.name)) };
    return { kind: 'root', prefixes: ['/'] };
  }
  return prefix === '' ? { kind: 'root', prefixes: ['/'] } : { kind: 'prefix', prefixes: [prefix] };
}

/**
 * The ingress-nginx path for a stripped prefix: `/<prefix>` followed by `/` or the end, the rest captured
 * as `$2` for `rewrite-target: /$2` (ingress-nginx docs/examples/rewrite). Regex paths are case-insensitive
 * in ingress-nginx; dots are escaped so they match only a dot.
 */
export function nginxRewritePath(prefix: string): string {
  return `${prefix.replace(/\./g, '\\.')}(/|$)(.*)`;
}

/** The port of the runtime's HTTP endpoint (the Service port the routes target). */
export function httpPort(ctx: ServingContext): number {
  return ctx.runtime.ports.find((p) => p.name === ctx.runtime.httpPortName)!.port;
}

/** Props of an HTTPRoute (gateway.networking.k8s.io/v1), as much of it as this library writes. */
export interface HttpRouteSpec {
  readonly parentRefs: { name: string; namespace?: string; sectionName?: string }[];
  readonly hostnames?: string[];
  readonly rules: {
    matches: { path: { type: 'PathPrefix'; value: string } }[];
    filters?: { type: 'URLRewrite'; urlRewrite: { path: { type: 'ReplacePrefixMatch'; replacePrefixMatch: string } } }[];
    backendRefs: { group?: string; kind?: string; name: string; port?: number; weight?: number }[];
    timeouts?: { request: string };
  }[];
}

/**
 * The Ingress (construct ID `Ingress`, named `<name>`), the canary Ingress (`CanaryIngress`,
 * `<name>-canary`) and the HTTPRoute (`HttpRoute`, `<name>`) of one spec, as the spec asks.
 * Every route targets the stable Service `<name>` (the active track in a blue-green rollout), so a
 * blue-green flip changes Service selectors only.
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
    if (ctx.spec.gateway) this.httpRoute = this.buildHttpRoute(ctx, canary);
  }

  /** The main Ingress (`canary` undefined) or the nginx canary Ingress for `canary`. */
  private buildIngress(ctx: ServingContext, id: string, canary: Track | undefined): KubeObject {
    const ing = ctx.spec.ingress!;
    const className = ing.className ?? NGINX_CLASS;
    const plan = routePlan(ctx, ing.path);
    const nginx = className === NGINX_CLASS;
    const generated: Record<string, string> = {};
    const a = (name: string, value: string | number) => { generated[`${NGINX_PREFIX}/${name}`] = String(value); };
    if (canary) {
      // ingress-nginx ignores a canary Ingress's other annotations (inherited from the main Ingress)
      a('canary', 'true');
      a('canary-weight', ctx.spec.rollout!.weight!);
    } else if (nginx) {
      if (ing.maxBodySize !== undefined) a('proxy-body-size', ing.maxBodySize);
      if (ing.timeoutSeconds !== undefined) {
        a('proxy-read-timeout', ing.timeoutSeconds);
        a('proxy-send-timeout', ing.timeoutSeconds);
      }
      if (ing.rateLimitRps !== undefined) a('limit-rps', ing.rateLimitRps);
      if (plan.kind === 'prefix') {
        a('use-regex', 'true');
        a('rewrite-target', '/$2');
      }
    }
    const base = ctx.metadata(canary ? `${ctx.name}-canary` : ctx.name, 'ingress');
    const annotations = { ...(base.annotations ?? {}), ...(ing.annotations ?? {}), ...generated };
    const service = canary ? serviceNameFor(ctx, canary) : ctx.serviceName;
    const port = httpPort(ctx);
    const paths: k8s.HttpIngressPath[] = plan.prefixes.map((p) => ({
      path: plan.kind === 'prefix' ? nginxRewritePath(p) : p,
      pathType: plan.kind === 'prefix' ? 'ImplementationSpecific' : 'Prefix',
      backend: { service: { name: service, port: { number: port } } },
    }));
    return Kube.Ingress(this, id, {
      metadata: { ...base, ...(Object.keys(annotations).length ? { annotations } : {}) },
      spec: {
        ingressClassName: className,
        // the canary shares the main Ingress's server block, TLS included
        ...(ing.tls && !canary ? { tls: [{ hosts: [ing.host], secretName: ing.tls.secretName }] } : {}),
        rules: [{ host: ing.host, http: { paths } }],
      },
    });
  }

  private buildHttpRoute(ctx: ServingContext, canary: Track | undefined): ApiObject {
    const gw = ctx.spec.gateway!;
    const plan = routePlan(ctx, gw.path ?? ctx.spec.ingress?.path);
    const port = httpPort(ctx);
    const weight = ctx.spec.rollout?.weight ?? 0;
    // with spec.inferencePool the route targets the pools (lib/constructs/inference-pool.ts), else the Services
    const backendRefs = inferencePoolBackendRefs(ctx) ?? (canary
      ? [{ name: ctx.serviceName, port, weight: 100 - weight }, { name: serviceNameFor(ctx, canary), port, weight }]
      : [{ name: ctx.serviceName, port }]);
    const hostnames = gw.hostnames ?? (ctx.spec.ingress ? [ctx.spec.ingress.host] : undefined);
    const { name, namespace, sectionName } = gw.parentRef;
    const spec: HttpRouteSpec = {
      parentRefs: [{ name, ...(namespace ? { namespace } : {}), ...(sectionName ? { sectionName } : {}) }],
      ...(hostnames ? { hostnames: [...hostnames] } : {}),
      rules: [{
        matches: plan.prefixes.map((p) => ({ path: { type: 'PathPrefix', value: p } })),
        // ReplacePrefixMatch needs exactly one PathPrefix match in its rule: the prefix plan has one
        ...(plan.kind === 'prefix' ? { filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }] } : {}),
        backendRefs,
        ...(gw.timeoutSeconds !== undefined ? { timeouts: { request: `${gw.timeoutSeconds}s` } } : {}),
      }],
    };
    return new ApiObject(this, 'HttpRoute', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: ctx.metadata(ctx.name, 'ingress'),
      spec,
    });
  }
}
