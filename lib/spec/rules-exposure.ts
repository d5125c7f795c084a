/**
 * Rules of how clients reach the pods: spec.ingress (what ingress-nginx annotations need, annotations that
 * would break the generated routes, wherever they come from), spec.gateway (HTTPRoute limits) and
 * spec.networkPolicy (who it admits). Facts behind them: docs/TRAFFIC.md.
 */
import type { ModelServingDocument, ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';
import { checkAnnotationKeys } from './labels';
import { NGINX_CLASS, NGINX_FIELD_ANNOTATIONS, NGINX_PREFIX, classText, checkDisruptionBudget } from './rules-rollout';
import { MAX_ROUTE_MATCHES, MAX_ROUTE_RULES, MAX_ROUTE_TOTAL_MATCHES, httpRouteMatchCount, httpRouteRuleCount, routePlan, routePrefix } from './route-plan';

const key = (k: string) => `[${JSON.stringify(k)}]`;

const SNIPPET = 'is raw nginx configuration (locations, proxy_pass, stream servers) that could publish the paths and ports the routes keep private ' +
  '(metrics, health, model control); ingress-nginx reads it only where its ConfigMap sets allow-snippet-annotations (off by default since controller v1.9): remove it, and configure such things in the controller or an Ingress of your own';

/**
 * ingress-nginx annotations (after `nginx.ingress.kubernetes.io/`) that send this Ingress's requests elsewhere or write
 * raw nginx configuration: either could publish what the routes keep private (docs/TRAFFIC.md). `custom-http-errors`
 * alone only sends error responses to the controller's own default backend.
 */
export const NGINX_ELSEWHERE_ANNOTATIONS: ReadonlyMap<string, string> = new Map([
  ['default-backend', 'sends this Ingress\'s requests to another Service of the namespace, on its first port, whenever the model Service has no ready endpoint ' +
    '(and its error responses, with custom-http-errors): the published paths would reach a Service and port the routes never target (e.g. the metrics Service); remove it'],
  ['server-snippet', SNIPPET],
  ['configuration-snippet', SNIPPET],
  ['stream-snippet', SNIPPET],
  ['auth-snippet', SNIPPET],
]);

/**
 * Why an annotation set by the user would break what the Ingress generates, or undefined. The same rule holds
 * for spec.ingress.annotations and for metadata.annotations, which are copied onto every object, the Ingress too.
 */
function ingressAnnotationProblem(spec: ModelServingSpec, annotation: string): string | undefined {
  const ing = spec.ingress!;
  if (annotation === `${NGINX_PREFIX}/rewrite-target` || annotation === `${NGINX_PREFIX}/use-regex`) {
    return 'is generated from spec.ingress.path (a prefix is stripped with rewrite-target); setting it would break the routes, which publish only the inference API paths';
  }
  if (annotation.startsWith(`${NGINX_PREFIX}/canary`)) {
    return 'is generated for the canary Ingress from spec.rollout; set spec.rollout.strategy: canary and spec.rollout.weight instead';
  }
  const elsewhere = annotation.startsWith(`${NGINX_PREFIX}/`) ? NGINX_ELSEWHERE_ANNOTATIONS.get(annotation.slice(NGINX_PREFIX.length + 1)) : undefined;
  if (elsewhere !== undefined) return elsewhere;
  if (ing.className !== NGINX_CLASS) return undefined;
  for (const [field, anns] of Object.entries(NGINX_FIELD_ANNOTATIONS)) {
    if (ing[field as keyof typeof NGINX_FIELD_ANNOTATIONS] !== undefined && (anns as readonly string[]).includes(annotation)) {
      return `conflicts with spec.ingress.${field}, which sets it; set one of them`;
    }
  }
  return undefined;
}

function checkIngress(list: IssueList, doc: ModelServingDocument): void {
  const spec = doc.spec;
  const ing = spec.ingress;
  if (!ing) return;
  checkAnnotationKeys(list, 'spec.ingress.annotations', ing.annotations);
  const nginx = ing.className === NGINX_CLASS;
  if (!nginx) {
    for (const [field, anns] of Object.entries(NGINX_FIELD_ANNOTATIONS)) {
      if (ing[field as keyof typeof NGINX_FIELD_ANNOTATIONS] !== undefined) {
        list.add(`spec.ingress.${field}`, `becomes the ingress-nginx annotation ${anns.join(' and ')}, written only with spec.ingress.className: nginx (${classText(ing.className)}); configure it in that controller, or use className: nginx`);
      }
    }
    if (routePrefix(ing.path)) {
      list.add('spec.ingress.path', `a path prefix is stripped with the ingress-nginx rewrite-target annotation, written only with spec.ingress.className: nginx (${classText(ing.className)}); leave path out (the inference paths are published at their own URLs), use className: nginx, or use spec.gateway, which strips it with a URLRewrite filter`);
    }
  }
  for (const [path, map] of [['spec.ingress.annotations', ing.annotations], ['metadata.annotations', doc.metadata.annotations]] as const) {
    for (const a of Object.keys(map ?? {})) {
      const problem = ingressAnnotationProblem(spec, a);
      if (problem) list.add(`${path}${key(a)}`, path === 'metadata.annotations' ? `is copied onto the Ingress too, where it ${problem}` : problem);
    }
  }
}

function checkGateway(list: IssueList, spec: ModelServingSpec): void {
  const gw = spec.gateway;
  if (!gw) return;
  const path = gw.path ?? spec.ingress?.path;
  const plan = routePlan(spec, path);
  const rules = httpRouteRuleCount(plan);
  if (plan.prefix && rules > MAX_ROUTE_RULES) {
    list.add(gw.path !== undefined ? 'spec.gateway.path' : 'spec.gateway', `a stripped prefix needs one HTTPRoute rule per published path (${plan.paths.length} for these models) and a route holds at most ${MAX_ROUTE_RULES} rules: leave the path out (the inference paths are then published at their own URLs) or serve fewer models per spec`);
  } else if (httpRouteMatchCount(plan) > MAX_ROUTE_TOTAL_MATCHES) {
    // at their own URLs the paths fill rules of 64 matches per group (at most three groups): within 128 matches
    // they never need more than 16 rules
    list.add('spec.gateway', `the ${plan.paths.length} inference paths of these models need as many HTTPRoute matches and a route holds at most ${MAX_ROUTE_TOTAL_MATCHES} over all its rules (Gateway API v1.2+; ${MAX_ROUTE_MATCHES} per rule, ${MAX_ROUTE_RULES} rules): serve fewer models or versions per spec`);
  }
}

function checkNetworkPolicy(list: IssueList, spec: ModelServingSpec): void {
  const np = spec.networkPolicy;
  const mode = spec.mode ?? 'online';
  if (mode === 'batch') {
    for (const f of ['allowFromNamespaces', 'metricsFromNamespaces'] as const) {
      if (np?.[f] !== undefined) list.add(`spec.networkPolicy.${f}`, 'applies to modes online and edge (mode is batch: the server answers only the client in its own pod, and the NetworkPolicy admits no other pod)');
    }
    return;
  }
  if (np?.enabled === false) {
    for (const f of ['allowFromNamespaces', 'metricsFromNamespaces'] as const) {
      if (np?.[f] !== undefined) list.add(`spec.networkPolicy.${f}`, 'has no effect with spec.networkPolicy.enabled: false');
    }
    return;
  }
  if (spec.ingress && np?.allowFromNamespaces === undefined) {
    list.add('spec.networkPolicy.allowFromNamespaces', `is required with spec.ingress: list the namespace where the ingress controller's pods run (by default the NetworkPolicy admits only the spec's own namespace${spec.gateway ? " and the Gateway's" : ''}), or set spec.networkPolicy.enabled: false`);
  }
}

/** Rules of spec.ingress, spec.gateway, spec.networkPolicy and spec.disruption. */
export function checkTraffic(list: IssueList, doc: ModelServingDocument): void {
  checkIngress(list, doc);
  checkGateway(list, doc.spec);
  checkNetworkPolicy(list, doc.spec);
  checkDisruptionBudget(list, doc.spec);
}
