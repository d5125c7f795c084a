/**
 * Rules of how traffic reaches the pods: spec.rollout (tracks, the active track, weights, overrides that
 * would switch runtime), spec.ingress and spec.gateway (what each ingress class can honour),
 * spec.networkPolicy and spec.disruption. Facts behind them: docs/TRAFFIC.md.
 */
import type { ModelServingSpec, TrackSpec } from './schema/spec';
import type { IssueList, SpecIssue } from './errors';
import { checkImage, imageRepoName } from './image';
import { checkAnnotationKeys } from './labels';
import { isZeroIntOrPercent } from './rules-input';
import { getRuntime, RUNTIME_REGISTRY } from '../runtimes/registry';

/** The ingress class whose annotations (ingress-nginx, `nginx.ingress.kubernetes.io/*`) this library writes. */
export const NGINX_CLASS = 'nginx';
/** ingress-nginx's annotation prefix. */
export const NGINX_PREFIX = 'nginx.ingress.kubernetes.io';
/** Gateway API: most matches one HTTPRoute rule may hold (HTTPRouteRule.matches MaxItems). */
export const MAX_ROUTE_MATCHES = 64;

/** The spec fields that become ingress-nginx annotations, and those annotations. */
export const NGINX_FIELD_ANNOTATIONS = {
  maxBodySize: [`${NGINX_PREFIX}/proxy-body-size`],
  timeoutSeconds: [`${NGINX_PREFIX}/proxy-read-timeout`, `${NGINX_PREFIX}/proxy-send-timeout`],
  rateLimitRps: [`${NGINX_PREFIX}/limit-rps`],
} as const;

const key = (k: string) => `[${JSON.stringify(k)}]`;

/** Each rollout track with the field path of its block. */
export function trackEntries(spec: ModelServingSpec): [string, TrackSpec][] {
  const r = spec.rollout;
  if (!r) return [];
  if (r.strategy === 'canary') return r.canary ? [['spec.rollout.canary', r.canary]] : [];
  return Object.entries(r.tracks ?? {}).map(([n, t]) => [`spec.rollout.tracks.${n}`, t]);
}

/** The path prefix a spec routes under (trailing slashes dropped; '' is the root), or undefined for per-model routes. */
export function routePrefix(path: string | undefined): string | undefined {
  return path === undefined ? undefined : path.replace(/\/+$/, '');
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
export function checkRollout(list: IssueList, spec: ModelServingSpec): void {
  const r = spec.rollout;
  if (!r) return;
  if (r.strategy === 'blueGreen') {
    const names = Object.keys(r.tracks ?? {});
    if (names.length !== 2) list.add('spec.rollout.tracks', `blueGreen needs exactly two tracks (found ${names.length})`);
    if (r.active === undefined) list.add('spec.rollout.active', 'is required for blueGreen (the track the stable Service selects)');
    else if (!names.includes(r.active)) list.add('spec.rollout.active', `track "${r.active}" is not in spec.rollout.tracks (${names.join(', ') || 'none'})`);
    if (r.weight !== undefined) list.add('spec.rollout.weight', 'applies to strategy canary only');
    if (r.canary !== undefined) list.add('spec.rollout.canary', 'applies to strategy canary only');
    for (const n of names) checkTrack(list, spec, r.tracks![n], `spec.rollout.tracks.${n}`);
  } else {
    if (r.weight === undefined) list.add('spec.rollout.weight', 'is required for canary (0..100 percent of traffic to the canary)');
    if (r.canary === undefined) list.add('spec.rollout.canary', 'is required for canary (the canary track: image and/or model versions)');
    else checkTrack(list, spec, r.canary, 'spec.rollout.canary');
    if (r.tracks !== undefined) list.add('spec.rollout.tracks', 'applies to strategy blueGreen only');
    if (r.active !== undefined) list.add('spec.rollout.active', 'applies to strategy blueGreen only');
    if (!spec.ingress && !spec.gateway) list.add('spec.rollout', 'canary weights are applied by the Ingress (nginx canary) or the Gateway API HTTPRoute: set spec.ingress or spec.gateway');
    const cls = spec.ingress?.className ?? NGINX_CLASS;
    if (spec.ingress && cls !== NGINX_CLASS) {
      list.add('spec.rollout', `canary weights through an Ingress use the ingress-nginx canary annotations; ingress class "${cls}" does not read them (use spec.gateway alone, or ingress class nginx)`);
    }
  }
}

function checkIngress(list: IssueList, spec: ModelServingSpec): void {
  const ing = spec.ingress;
  if (!ing) return;
  const cls = ing.className ?? NGINX_CLASS;
  checkAnnotationKeys(list, 'spec.ingress.annotations', ing.annotations);
  const user = ing.annotations ?? {};
  if (cls !== NGINX_CLASS) {
    for (const [field, anns] of Object.entries(NGINX_FIELD_ANNOTATIONS)) {
      if (ing[field as keyof typeof NGINX_FIELD_ANNOTATIONS] !== undefined) {
        list.add(`spec.ingress.${field}`, `becomes the ingress-nginx annotation ${anns.join(' and ')}; ingress class "${cls}" does not read it (configure it in that controller, or use className: nginx)`);
      }
    }
    const prefix = routePrefix(ing.path);
    if (prefix) {
      list.add('spec.ingress.path', `a path prefix is stripped with the ingress-nginx rewrite-target annotation; ingress class "${cls}" does not read it (leave path out for per-model routes, set path: /, or use spec.gateway, which strips it with a URLRewrite filter)`);
    }
    return;
  }
  for (const [field, anns] of Object.entries(NGINX_FIELD_ANNOTATIONS)) {
    if (ing[field as keyof typeof NGINX_FIELD_ANNOTATIONS] === undefined) continue;
    for (const a of anns) {
      if (user[a] !== undefined) list.add(`spec.ingress.annotations${key(a)}`, `conflicts with spec.ingress.${field}, which sets it; set one of them`);
    }
  }
  for (const a of Object.keys(user)) {
    if (a === `${NGINX_PREFIX}/rewrite-target` || a === `${NGINX_PREFIX}/use-regex`) {
      list.add(`spec.ingress.annotations${key(a)}`, 'is generated from spec.ingress.path (a prefix is stripped with rewrite-target); setting it would break the per-model or prefix routes');
    } else if (a.startsWith(`${NGINX_PREFIX}/canary`)) {
      list.add(`spec.ingress.annotations${key(a)}`, 'is generated for the canary Ingress from spec.rollout; set spec.rollout.strategy: canary and spec.rollout.weight instead');
    }
  }
}

function checkGateway(list: IssueList, spec: ModelServingSpec): void {
  const gw = spec.gateway;
  if (!gw) return;
  const path = gw.path ?? spec.ingress?.path;
  const runtime = getRuntime(spec.runtime);
  if (path === undefined && runtime.modelRoutePrefix && spec.models.length > MAX_ROUTE_MATCHES) {
    list.add('spec.gateway', `per-model routes need one HTTPRoute match per model and a rule holds at most ${MAX_ROUTE_MATCHES} (found ${spec.models.length} models): set spec.gateway.path`);
  }
}

function checkNetworkPolicy(list: IssueList, spec: ModelServingSpec): void {
  const np = spec.networkPolicy;
  const mode = spec.mode ?? 'online';
  if (mode === 'batch') {
    if (np) list.add('spec.networkPolicy', 'applies to modes online and edge (mode is batch: its pods serve no traffic)');
    return;
  }
  const enabled = np?.enabled ?? true;
  if (!enabled) {
    for (const f of ['allowFromNamespaces', 'metricsFromNamespaces'] as const) {
      if (np?.[f] !== undefined) list.add(`spec.networkPolicy.${f}`, 'has no effect with spec.networkPolicy.enabled: false');
    }
    return;
  }
  if (np?.allowFromNamespaces !== undefined) return;
  const cls = spec.ingress?.className ?? NGINX_CLASS;
  if (spec.ingress && cls !== NGINX_CLASS) {
    list.add('spec.networkPolicy.allowFromNamespaces', `is required with ingress class "${cls}": list the namespace of its controller (the default [ingress-nginx, monitoring] admits ingress-nginx only), or set spec.networkPolicy.enabled: false`);
  }
  if (spec.gateway) {
    list.add('spec.networkPolicy.allowFromNamespaces', "is required with spec.gateway: list the namespace where the Gateway's proxy pods run (it depends on the implementation), or set spec.networkPolicy.enabled: false");
  }
}

/** The replica count a PodDisruptionBudget protects at its lowest, and the field it comes from. */
export function lowestReplicas(spec: ModelServingSpec): { count: number; field: string } {
  if (spec.autoscaling) return { count: spec.autoscaling.minReplicas ?? 1, field: 'spec.autoscaling.minReplicas' };
  return { count: spec.replicas ?? 1, field: 'spec.replicas' };
}

function checkDisruptionBudget(list: IssueList, spec: ModelServingSpec): void {
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

/** Rules of spec.ingress, spec.gateway, spec.networkPolicy and spec.disruption. */
export function checkTraffic(list: IssueList, spec: ModelServingSpec): void {
  checkIngress(list, spec);
  checkGateway(list, spec);
  checkNetworkPolicy(list, spec);
  checkDisruptionBudget(list, spec);
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
