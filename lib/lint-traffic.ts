/**
 * Lint warnings about how clients reach a model (`model-serving lint`): nothing outside the namespace can reach
 * it, an edge node's clients in other namespaces, a Gateway implementation that runs its proxies elsewhere,
 * ingress-nginx's retirement, streamed responses through a controller this library cannot configure, and a
 * blue-green flip onto a preview that autoscaling keeps at its floor. Sections of docs/TRAFFIC.md are cited by their
 * exact heading (test/lint-traffic.test.ts checks each one exists).
 */
import type { ModelServingDocument } from './spec/schema/spec';
import type { SpecIssue } from './spec/errors';
import { getRuntime } from './runtimes/registry';
import { NGINX_CLASS } from './spec/rules-rollout';

/** Where ingress-nginx's retirement is announced. */
export const INGRESS_NGINX_RETIREMENT = 'kubernetes.io/blog/2025/11/11/ingress-nginx-retirement; kubernetes/ingress-nginx README';

const MOVE_TO_GATEWAY = 'move to spec.gateway: set spec.gateway.parentRef to your Gateway (the HTTPRoute takes its hostname and path from spec.ingress while both are set), apply, check that the HTTPRoute is Accepted and serves, then remove spec.ingress (docs/TRAFFIC.md, "ingress-nginx is retired: moving to the Gateway API")';

export function lintTraffic(doc: ModelServingDocument): SpecIssue[] {
  const w: SpecIssue[] = [];
  const add = (path: string, message: string) => w.push({ path, message });
  const spec = doc.spec;
  const ns = doc.metadata.namespace ?? 'default';
  const mode = spec.mode ?? 'online';
  const np = spec.networkPolicy;
  const ing = spec.ingress;
  if (ing?.className === NGINX_CLASS) {
    add('spec.ingress.className', `ingress-nginx is retired: its best-effort maintenance ended in March 2026, with no releases or security fixes since (${INGRESS_NGINX_RETIREMENT}); ${MOVE_TO_GATEWAY}`);
  } else if (ing && ing.className === undefined) {
    add('spec.ingress.className', `not set: the cluster's default IngressClass serves this Ingress, and no ingress-nginx annotation is written. If that class is ingress-nginx: it is retired (${INGRESS_NGINX_RETIREMENT}); ${MOVE_TO_GATEWAY}`);
  }
  const streaming = getRuntime(spec.runtime).routeDefaults;
  if (ing && ing.className !== NGINX_CLASS && streaming?.streaming) {
    add('spec.ingress', `runtime ${spec.runtime} streams its responses: configure a request timeout of at least ${streaming.timeoutSeconds} seconds and no response buffering in the controller of ${ing.className === undefined ? 'the default ingress class' : `ingress class "${ing.className}"`} (written here for spec.gateway and class nginx only), or streamed completions are cut or held back`);
  }
  const r = spec.rollout;
  if (r?.strategy === 'blueGreen' && spec.autoscaling) {
    const min = spec.autoscaling.minReplicas ?? 1;
    add('spec.rollout', `blue-green with autoscaling: the preview track gets no traffic, so its autoscaler keeps it at autoscaling.minReplicas (${min}), not at the active track's current size, and a flip sends every request to those ${min} pod(s). Before flipping, raise autoscaling.minReplicas to the active track's current replica count (kubectl get hpa), wait until the preview's pods are Ready, flip, then lower it again (docs/TRAFFIC.md, "Blue-green": flip procedure, step 3)`);
  }
  if (mode === 'batch' || np?.enabled === false) return w;
  const extra = (np?.allowFromNamespaces ?? []).filter((n) => n !== ns);
  if (mode === 'edge' && np?.allowFromNamespaces === undefined) {
    add('spec.networkPolicy.allowFromNamespaces', `mode edge: clients on an edge node reach its server through Service ${doc.metadata.name} (internalTrafficPolicy: Local) from pods of namespace ${ns}${spec.gateway ? " and the Gateway's" : ''}, or from the node itself (host network); pods of other namespaces are dropped: list their namespaces`);
  } else if (!spec.gateway && !ing && extra.length === 0) {
    add('spec.networkPolicy', `nothing outside namespace ${ns} can reach the model: there is no spec.gateway or spec.ingress, and the NetworkPolicy admits only pods of ${ns}; set spec.gateway, or list the clients' namespaces in spec.networkPolicy.allowFromNamespaces`);
  }
  if (spec.gateway && np?.allowFromNamespaces === undefined) {
    add('spec.networkPolicy.allowFromNamespaces', `not set: the NetworkPolicy admits the Gateway's namespace ${spec.gateway.parentRef.namespace ?? ns}, where implementations that deploy a proxy per Gateway run it; an implementation that runs its proxies elsewhere (Envoy Gateway by default: its controller's namespace, envoy-gateway-system) needs that namespace listed, or every request through the route is dropped`);
  }
  return w;
}
