/**
 * Lint warnings about how clients reach a model (`model-serving lint`): nothing outside the namespace can reach
 * it, an edge node's clients in other namespaces, a Gateway implementation that runs its proxies elsewhere,
 * ingress-nginx's retirement, streamed responses through a controller this library cannot configure, a
 * blue-green flip onto a preview that autoscaling keeps at its floor, and a blue-green rollout that, turned on, would
 * not keep the running Deployment serving unchanged. Sections of docs/TRAFFIC.md are cited by their exact heading
 * (test/lint-traffic.test.ts checks each one exists).
 */
import { isDeepStrictEqual } from 'node:util';
import type { ModelServingDocument, ModelServingSpec, TrackSpec } from './spec/schema/spec';
import type { SpecIssue } from './spec/errors';
import { getRuntime } from './runtimes/registry';
import { NGINX_CLASS } from './spec/rules-rollout';
import { primaryTrackKey } from './model/context';

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
  w.push(...lintTurningBlueGreenOn(doc));
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

const TURNING_ON = '(docs/TRAFFIC.md, "Blue-green": the primary track, turning blue-green on)';

/** The fields of a blue-green track that make it run something else than spec.image, spec.models and spec.repository. */
export function trackOverrides(spec: ModelServingSpec, t: TrackSpec): string[] {
  const out: string[] = [];
  const image = spec.image ?? getRuntime(spec.runtime).defaultImage((spec.resources?.gpu?.count ?? 0) > 0);
  if (t.image !== undefined && t.image !== image) out.push('image');
  if (t.models?.some((o) => !isDeepStrictEqual(o.versions, spec.models.find((m) => m.name === o.name)?.versions))) out.push('models');
  if (t.repository !== undefined && !isDeepStrictEqual(t.repository, spec.repository)) out.push('repository');
  return out;
}

/**
 * A blue-green rollout turned on over a running spec keeps serving only if the primary track (the Deployment `<name>`
 * that ran before) is the active one and runs what the spec ran: otherwise the Service moves to pods still loading
 * the model, or the running Deployment rolls. Neither can be told from the spec alone (after a flip the active
 * track is the other one), hence warnings.
 */
function lintTurningBlueGreenOn(doc: ModelServingDocument): SpecIssue[] {
  const r = doc.spec.rollout;
  const tracks = r?.tracks ?? {};
  if (r?.strategy !== 'blueGreen' || r.active === undefined || tracks[r.active] === undefined) return [];
  const primary = primaryTrackKey(r)!;
  const name = doc.metadata.name;
  const which = r.primary !== undefined ? 'spec.rollout.primary' : 'spec.rollout.primary is not set: the first track name in alphabetical order';
  const w: SpecIssue[] = [];
  if (r.active !== primary) {
    w.push({ path: 'spec.rollout.active', message: `track "${r.active}" is not the primary track "${primary}" (${which}), the one that keeps the Deployment ${name} of the spec without a rollout. ` +
      `If this apply turns blue-green on, the Service ${name} moves at once from the running pods to the new Deployment ${name}-${r.active}, whose pods are still starting and loading the model. ` +
      `Turn it on with the primary track active: set spec.rollout.primary to the track that runs what ${name} runs now (spec.image, spec.models, spec.repository, no overrides of its own), ` +
      `make it the active one, and flip when the other track is Ready; after a flip, an active track that is not the primary is expected ${TURNING_ON}` });
  }
  const own = trackOverrides(doc.spec, tracks[primary] ?? {});
  if (own.length) {
    const list = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}` : xs[0]);
    w.push({ path: `spec.rollout.tracks.${primary}`, message: `the primary track "${primary}" (${which}) keeps the Deployment ${name} of the spec without a rollout, and its own ${list(own)} ` +
      `${own.length > 1 ? 'differ' : 'differs'} from ${list(own.map((f) => `spec.${f}`))}: if this apply turns blue-green on, it rewrites the running Deployment ${name}, whose pods then roll${r.active === primary ? ' while they serve' : ''}. ` +
      `Turn it on with a primary track that has no overrides of its own (set spec.rollout.primary to that track) and the new version in the other track ${TURNING_ON}` });
  }
  return w;
}
