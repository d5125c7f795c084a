/**
 * Rules of rollouts: spec.rollout (tracks, the active and primary tracks, weights, canary size, overrides that
 * would switch runtime), track-scoped autoscaler queries and spec.disruption. Routes and the NetworkPolicy:
 * rules-exposure.ts. Facts behind them: docs/TRAFFIC.md.
 */
import type { ModelServingDocument, ModelServingSpec, TrackSpec } from './schema/spec';
import type { IssueList, SpecIssue } from './errors';
import { checkImage, imageRepoName } from './image';
import { scopeQueryToTrack } from '../promql/track-scope';
import { isZeroIntOrPercent } from './rules-input';
import { getRuntime, RUNTIME_REGISTRY } from '../runtimes/registry';
import { scalesToZero } from './llm-plan';

/** The series label Prometheus makes of the pod label model-serving/track (ServiceMonitor podTargetLabels). */
export const TRACK_SERIES_LABEL = 'model_serving_track';

/** The ingress class whose annotations (ingress-nginx, `nginx.ingress.kubernetes.io/*`) this library writes. */
export const NGINX_CLASS = 'nginx';
/** ingress-nginx's annotation prefix. */
export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io';

/** The spec fields that become ingress-nginx annotations, and those annotations. */
export const NGINX_FIELD_ANNOTATIONS = {
  maxBodySize: [`${NGINX_PREFIX}/proxy-body-size`],
  timeoutSeconds: [`${NGINX_PREFIX}/proxy-read-timeout`, `${NGINX_PREFIX}/proxy-send-timeout`],
  rateLimitRps: [`${NGINX_PREFIX}/limit-rps`],
} as const;

/** Each rollout track with the field path of its block. */
export function trackEntries(spec: ModelServingSpec): [string, TrackSpec][] {
  const r = spec.rollout;
  if (!r) return [];
  if (r.strategy === 'canary') return r.canary ? [['spec.rollout.canary', r.canary]] : [];
  return Object.entries(r.tracks ?? {}).map(([n, t]) => [`spec.rollout.tracks.${n}`, t]);
}

function checkTrack(list: IssueList, spec: ModelServingSpec, track: TrackSpec, path: string): void {
  checkImage(list, `${path}.image`, track.image);
  if (track.image) {
    const repoName = imageRepoName(track.image);
    const owner = RUNTIME_REGISTRY.find((r) => r.imageNames.includes(repoName));
    if (owner && owner.name !== spec.runtime) {
      list.add(`${path}.image`, `image "${track.image}" is a ${owner.name} image but spec.runtime is ${spec.runtime}; a rollout track cannot change the runtime`);
    }
  }
  const names = new Set(spec.models.map((m) => m.name));
  const seen = new Set<string>();
  const versioned = getRuntime(spec.runtime).modelFields.includes('versions');
  track.models?.forEach((m, i) => {
    if (!names.has(m.name)) list.add(`${path}.models[${i}].name`, `model "${m.name}" is not in spec.models (${[...names].join(', ')})`);
    if (seen.has(m.name)) list.add(`${path}.models[${i}].name`, `duplicate model name "${m.name}"`);
    seen.add(m.name);
    if (m.versions !== undefined && !versioned) {
      list.add(`${path}.models[${i}].versions`, `runtime ${spec.runtime} does not serve numbered versions (override the image or the repository instead)`);
    }
  });
  // the track's repository is checked like spec.repository (rules.ts)
}

/** Rules of spec.rollout. */
export function checkRollout(list: IssueList, doc: ModelServingDocument): void {
  const spec = doc.spec;
  const r = spec.rollout;
  if (!r) return;
  if (r.strategy === 'blueGreen') {
    const names = Object.keys(r.tracks ?? {});
    if (names.length !== 2) list.add('spec.rollout.tracks', `blueGreen needs exactly two tracks (found ${names.length})`);
    if (names.includes(PRIMARY_TRACK_LABEL)) {
      list.add(`spec.rollout.tracks.${PRIMARY_TRACK_LABEL}`, `"${PRIMARY_TRACK_LABEL}" is the pod label (model-serving/track) of the primary track, whichever track that is: a track of this name would share it, ` +
        'and the primary Deployment\'s selector and the Services would select the other track\'s pods too; name the tracks e.g. blue and green');
    }
    if (r.active === undefined) list.add('spec.rollout.active', 'is required for blueGreen (the track the stable Service selects)');
    else if (!names.includes(r.active)) list.add('spec.rollout.active', `track "${r.active}" is not in spec.rollout.tracks (${names.join(', ') || 'none'})`);
    if (r.primary !== undefined && !names.includes(r.primary)) list.add('spec.rollout.primary', `track "${r.primary}" is not in spec.rollout.tracks (${names.join(', ') || 'none'})`);
    if (r.weight !== undefined) list.add('spec.rollout.weight', 'applies to strategy canary only');
    if (r.canary !== undefined) list.add('spec.rollout.canary', 'applies to strategy canary only');
    for (const n of names) checkTrack(list, spec, r.tracks![n], `spec.rollout.tracks.${n}`);
  } else {
    if (r.weight === undefined) list.add('spec.rollout.weight', 'is required for canary (0..100 percent of traffic to the canary)');
    if (r.canary === undefined) list.add('spec.rollout.canary', 'is required for canary (the canary track: image and/or model versions)');
    else checkTrack(list, spec, r.canary, 'spec.rollout.canary');
    if (r.tracks !== undefined) list.add('spec.rollout.tracks', 'applies to strategy blueGreen only');
    if (r.active !== undefined) list.add('spec.rollout.active', 'applies to strategy blueGreen only');
    if (r.primary !== undefined) list.add('spec.rollout.primary', 'applies to strategy blueGreen only');
    if (!spec.ingress && !spec.gateway) list.add('spec.rollout', 'canary weights are applied by the Gateway API HTTPRoute or the ingress-nginx canary Ingress: set spec.gateway (or spec.ingress with className: nginx)');
    if (spec.ingress && spec.ingress.className !== NGINX_CLASS) {
      list.add('spec.rollout', `canary weights through an Ingress use the ingress-nginx canary annotations, written only with spec.ingress.className: nginx (${classText(spec.ingress.className)}); use spec.gateway alone, or className: nginx`);
    }
    const max = spec.autoscaling?.maxReplicas;
    const own = r.canary?.replicas;
    if (own !== undefined && max !== undefined && own > max) {
      list.add('spec.rollout.canary.replicas', `(${own}) must be <= spec.autoscaling.maxReplicas (${max}): it is the floor of the canary's autoscaler`);
    }
  }
  checkTrackScopedQuery(list, doc);
  checkScaleToZeroTracks(list, spec);
}

/** The pod label value of the primary track (lib/model/context.ts): a blue-green track of this name would share it. */
export const PRIMARY_TRACK_LABEL = 'stable';

/**
 * Scale to zero with a rollout: each track's autoscaler reads its own track's pods (the KEDA query gets the track's
 * matcher), and a track at zero has none, so nothing would ever scale it up again. Only the endpoint picker of an
 * inference pool sees requests while no pod exists (lib/constructs/llm-scaling.ts), and a track has a pool when it
 * is routed: both tracks of a canary, only the active track of a blue-green rollout (lib/model/pools.ts).
 */
function checkScaleToZeroTracks(list: IssueList, spec: ModelServingSpec): void {
  const r = spec.rollout;
  if (!r || !spec.autoscaling || (spec.autoscaling.minReplicas ?? 1) !== 0) return;
  const reads = `(a KEDA query gets the track's ${TRACK_SERIES_LABEL} matcher, HPA metrics come from the track's pods)`;
  if (!scalesToZero(spec)) {
    list.add('spec.autoscaling.minReplicas', `0 cannot be used with spec.rollout: each track's autoscaler reads only its own track's pods ${reads}, and a track at zero has no pods and so no samples: ` +
      'it would never scale up again; keep minReplicas at 1 or more, or serve behind spec.inferencePool, whose endpoint picker sees the requests held for a track at zero');
  } else if (r.strategy === 'blueGreen') {
    list.add('spec.autoscaling.minReplicas', `0 cannot be used with a blueGreen spec.rollout: only the active track has an inference pool, whose endpoint picker wakes it from zero; the preview track's autoscaler reads only its own pods ${reads}, ` +
      'and at zero it has none, so it would never scale up again; keep minReplicas at 1 or more');
  }
}

/** How an Ingress's class reads in an error: `className is "traefik"`, or the default IngressClass. */
export function classText(className: string | undefined): string {
  return className === undefined ? "className is not set: the cluster's default IngressClass serves the Ingress" : `className is "${className}"`;
}

/**
 * With a rollout, each track's ScaledObject runs spec.autoscaling.keda.query scoped to its own pods: the track
 * matcher is added to every selector of this spec's metrics job. A query with no such selector cannot be scoped.
 */
function checkTrackScopedQuery(list: IssueList, doc: ModelServingDocument): void {
  const a = doc.spec.autoscaling;
  const query = (a?.keda?.query ?? '').trim();
  if (a?.engine !== 'keda' || query === '' || list.items.some((i) => i.path === 'spec.autoscaling.keda.query')) return;
  const job = `${doc.metadata.name}-metrics`;
  const scope = scopeQueryToTrack(query, job, TRACK_SERIES_LABEL, 'x');
  if (scope.presetTrack) {
    list.add('spec.autoscaling.keda.query', `matches on ${TRACK_SERIES_LABEL} itself: with a rollout every track's ScaledObject gets its own ${TRACK_SERIES_LABEL} matcher, added to each selector with job="${job}"; leave it out`);
  } else if (scope.scoped === 0) {
    list.add('spec.autoscaling.keda.query', `has no selector with job="${job}" (this spec's metrics): with a rollout each track's ScaledObject must read its own track's load, which is done by adding ${TRACK_SERIES_LABEL}="<track>" to those selectors; select this spec's series with job="${job}"`);
  }
}

/** The replica count a PodDisruptionBudget protects at its lowest, and the field it comes from. */
export function lowestReplicas(spec: ModelServingSpec): { count: number; field: string } {
  if (spec.autoscaling) return { count: spec.autoscaling.minReplicas ?? 1, field: 'spec.autoscaling.minReplicas' };
  return { count: spec.replicas ?? 1, field: 'spec.replicas' };
}

export function checkDisruptionBudget(list: IssueList, spec: ModelServingSpec): void {
  const d = spec.disruption;
  if (!d || (spec.mode ?? 'online') !== 'online') return;
  const { count, field } = lowestReplicas(spec);
  const never = 'no pod could ever be evicted and node drains would never finish';
  if (typeof d.minAvailable === 'number' && d.minAvailable >= count) {
    list.add('spec.disruption.minAvailable', `(${d.minAvailable}) must be < ${field} (${count}): ${never}`);
  } else if (d.minAvailable === '100%') {
    list.add('spec.disruption.minAvailable', `(100%): ${never}`);
  }
  if (isZeroIntOrPercent(d.maxUnavailable)) {
    list.add('spec.disruption.maxUnavailable', `(${d.maxUnavailable}): ${never}; use at least 1`);
  }
}

/**
 * Runtime rules that depend on the image, run again for each track with its own image: e.g. a canary
 * image too new for a model format. Reported at the track's image, only when the main image passes them.
 */
export function trackImageIssues(spec: ModelServingSpec, mainImage: string, mainIssues: readonly SpecIssue[]): SpecIssue[] {
  const runtime = getRuntime(spec.runtime);
  const seen = new Set(mainIssues.map((i) => `${i.path}\0${i.message}`));
  const out: SpecIssue[] = [];
  for (const [path, t] of trackEntries(spec)) {
    if (!t.image || t.image === mainImage) continue;
    for (const i of runtime.validate(spec, t.image)) {
      if (!seen.has(`${i.path}\0${i.message}`)) out.push({ path: `${path}.image`, message: `with this image, ${i.path}: ${i.message}` });
    }
  }
  return out;
}
