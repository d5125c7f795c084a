/**
 * The names of the objects a spec generates, known before synthesis, so that two specs of one namespace whose
 * objects would overwrite each other (`foo` and `foo-metrics`: both write a Service `foo-metrics`) are refused
 * when the specs are validated. `test/names.test.ts` checks this list against what synthesis writes.
 */
import type { ModelServingDocument } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import { ServingContext, propsFromDocument, type Track } from './context';
import { poolPlans } from './pools';
import { gpuClaimName, sharedClaim } from './gpu-claims';
import { engineBuildJobs } from './engine-jobs';

/** A generated object: `Kind/name`, in the spec's namespace. */
export type ObjectKey = `${string}/${string}`;

/** A generated object and what in the spec makes it: the field a clash is reported at, and how a message names it. */
export interface GeneratedObject {
  readonly key: ObjectKey;
  /** The field whose value names the object (a track key, spec.inferencePool, or metadata.name). */
  readonly field: string;
  /** The object's maker in a message: `track "epp"`, `the endpoint picker of spec.inferencePool`, `the spec`. */
  readonly owner: string;
  /** Set when a controller, not this library, creates the object: the name is reserved, and a message says why. */
  readonly madeBy?: string;
}

/**
 * The `Kind/name` of every namespaced object `doc` generates (what the constructs write, condition by condition),
 * except PodDisruptionBudgets (named like their Deployment) and objects a controller creates (`madeBy`).
 */
export function generatedObjectKeys(doc: ModelServingDocument): ObjectKey[] {
  return generatedObjects(doc).filter((o) => o.madeBy === undefined).map((o) => o.key);
}

/**
 * Every namespaced object `doc` generates (as generatedObjectKeys), with the field that names it, and the names a
 * controller takes for the spec's objects (`madeBy`): the headless Service of each LeaderWorkerSet.
 */
export function generatedObjects(doc: ModelServingDocument): GeneratedObject[] {
  const { name } = doc.metadata;
  const ctx = new ServingContext(propsFromDocument(doc));
  const spec = ctx.spec;
  const out: GeneratedObject[] = [];
  const SPEC = { field: 'metadata.name', owner: 'the spec' };
  let by = SPEC;
  const add = (kind: string, n: string) => out.push({ key: `${kind}/${n}`, ...by });
  // a track's objects are named after its key (the primary track's after the spec)
  const trackPath = (t: Track) => (spec.rollout?.strategy === 'canary' ? 'spec.rollout.canary' : `spec.rollout.tracks.${t.key}`);
  const forTrack = (t: Track, f: () => void) => {
    by = t.primary ? SPEC : { field: trackPath(t), owner: `track "${t.key}"` };
    f();
    by = SPEC;
  };
  if (!spec.serviceAccountName) add('ServiceAccount', name);
  // Repository: PersistentVolumeClaims the spec creates (one per distinct repository)
  const created = new Set<unknown>();
  for (const t of ctx.tracks) {
    if (!t.repository.pvc?.create || created.has(t.repository)) continue;
    created.add(t.repository);
    forTrack(t, () => add('PersistentVolumeClaim', t.repository === spec.repository ? `${name}-models` : `${name}-${t.key}-models`));
  }
  // Workload: the runtime's ConfigMap of each track, and the controller
  for (const t of ctx.tracks) {
    forTrack(t, () => {
      if (Object.keys(ctx.runtime.configFiles(ctx.runtimeContext(t))).length) add('ConfigMap', `${t.name}-config`);
      if (ctx.mode === 'online') add(spec.multiNode ? 'LeaderWorkerSet' : 'Deployment', spec.multiNode ? ctx.leaderWorkerSetName(t) : t.name);
      // the LeaderWorkerSet controller creates a headless Service named after the LeaderWorkerSet (subdomainPolicy
      // Shared; kubernetes-sigs/lws v0.10.0 pkg/controllers/leaderworkerset_controller.go reconcileHeadlessServices)
      // and keeps an existing Service of that name: the pods' hostnames would then resolve through someone else's
      if (ctx.mode === 'online' && spec.multiNode) {
        const lws = ctx.leaderWorkerSetName(t);
        out.push({ key: `Service/${lws}`, ...by, madeBy: `the LeaderWorkerSet controller creates Service/${lws} for LeaderWorkerSet ${lws}` });
      }
      // DRA GPU claims (lib/constructs/gpu-claims.ts): one per track
      if (spec.resources?.gpu?.claim) add(sharedClaim(ctx) ? 'ResourceClaim' : 'ResourceClaimTemplate', gpuClaimName(ctx, t));
    });
  }
  if (ctx.mode === 'edge') add('DaemonSet', name);
  if (ctx.mode === 'batch') {
    add('ConfigMap', `${name}-batch-client`);
    add(spec.batch?.schedule === undefined ? 'Job' : 'CronJob', name);
  }
  // Autoscaling: one autoscaler per track, the adapter rules, one VPA per track
  const a = spec.autoscaling;
  if (a) {
    const hpa = (a.engine ?? 'hpa') === 'hpa';
    for (const t of ctx.tracks) forTrack(t, () => add(hpa ? 'HorizontalPodAutoscaler' : 'ScaledObject', t.name));
    const podsMetric = a.targetInferencesPerSecondPerPod ?? a.targetQueueTimeMilliseconds ?? a.targetPendingRequestsPerPod;
    if (hpa && podsMetric !== undefined) add('ConfigMap', `${name}-metrics-adapter-rule`);
  }
  if (spec.verticalAutoscaling) for (const t of ctx.tracks) forTrack(t, () => add('VerticalPodAutoscaler', t.name));
  if (ctx.mode !== 'batch') {
    // Services: stable, preview or canary, metrics
    add('Service', name);
    for (const t of ctx.tracks) if (t.role === 'preview' || t.role === 'canary') add('Service', `${name}-${t.role}`);
    add('Service', `${name}-metrics`);
    // Observability
    const mon = spec.monitoring ?? {};
    if (mon.serviceMonitor !== false) add('ServiceMonitor', name);
    if (mon.prometheusRule !== false) add('PrometheusRule', name);
    if (mon.dashboard !== false) add('ConfigMap', `${name}-dashboard`);
    // Routes
    if (spec.ingress) {
      add('Ingress', name);
      if (ctx.tracks.some((t) => t.role === 'canary')) add('Ingress', `${name}-canary`);
    }
    if (spec.gateway) add('HTTPRoute', name);
    // InferencePools and their endpoint pickers (lib/constructs/inference-pool.ts, endpoint-picker.ts)
    const pools = poolPlans(ctx);
    by = { field: 'spec.inferencePool', owner: 'the endpoint picker of spec.inferencePool' };
    for (const p of pools) {
      add('InferencePool', p.name);
      for (const kind of ['ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Deployment', 'Service']) add(kind, p.picker);
    }
    if (pools.length) {
      if (spec.networkPolicy?.enabled ?? true) add('NetworkPolicy', `${name}-epp`), add('NetworkPolicy', `${name}-epp-to-servers`);
      if (spec.monitoring?.serviceMonitor !== false) add('ServiceMonitor', `${name}-epp`);
    }
    by = SPEC;
  }
  // TrafficPolicy: the NetworkPolicy (every mode). PodDisruptionBudgets are named like their track's Deployment,
  // so a budget can clash only where that Deployment does: they are not listed
  if (spec.networkPolicy?.enabled ?? true) add('NetworkPolicy', name);
  // Logging (lib/constructs/logging.ts): the operator's Flows and Outputs, or the Fluent Bit ConfigMap
  if (spec.logging) {
    if (spec.logging.collector === 'fluentBit') add('ConfigMap', `${name}-fluent-bit`);
    else for (const [kind, n] of [['Flow', 'logs'], ['Flow', 'logs-parse'], ['Output', 'logs'], ['Output', 'logs-relabel']]) add(kind, `${name}-${n}`);
  }
  // EngineBuild (lib/constructs/engine-build.ts, lib/model/engine-jobs.ts): one Job per distinct build
  for (const j of engineBuildJobs(ctx)) add('Job', j.name);
  return out;
}

/**
 * Objects one spec would write twice (a blue-green track named `epp` next to spec.inferencePool: two Deployments
 * `<name>-epp`). Reported at the field that names the second object (a track key rather than metadata.name).
 */
export function ownClashes(objects: readonly GeneratedObject[], namespace: string): SpecIssue[] {
  const first = new Map<string, GeneratedObject>();
  const issues: SpecIssue[] = [];
  const reported = new Set<string>();
  for (const o of objects) {
    const prev = first.get(o.key);
    if (!prev) {
      first.set(o.key, o);
      continue;
    }
    // the track's field when one of the two is a track's object: its key is the name to change
    const [at, other] = prev.field.startsWith('spec.rollout.') && !o.field.startsWith('spec.rollout.') ? [prev, o] : [o, prev];
    if (reported.has(`${at.field}\0${other.field}`)) continue;
    reported.add(`${at.field}\0${other.field}`);
    issues.push({
      path: at.field,
      message: `${at.owner} and ${other.owner} both write ${o.key} in namespace ${namespace}: one would overwrite the other; ${at.field.startsWith('spec.rollout.tracks.') ? 'choose another track name' : 'rename one of them'}`,
    });
  }
  return issues;
}

/** A spec to check for clashes: its document and where it came from. */
export interface NamedSpec {
  readonly document: ModelServingDocument;
  readonly file?: string;
  /** 1-based position of the document in its file. */
  readonly index: number;
}

const where = (s: NamedSpec) => `${s.document.metadata.name}${s.file ? ` (${s.file}, document ${s.index})` : ''}`;

/**
 * Every pair of specs of one namespace that would write an object of the same kind and name; reported at the
 * later spec's metadata.name, naming the object and the other spec. Specs of the same name are left to the
 * unique-name rule. Also every object one spec would write twice (ownClashes).
 */
export function nameClashes(specs: readonly NamedSpec[]): SpecIssue[] {
  const owners = new Map<string, { spec: NamedSpec; object: GeneratedObject }>();
  const issues: SpecIssue[] = [];
  for (const s of specs) {
    const ns = s.document.metadata.namespace ?? 'default';
    const objects = generatedObjects(s.document);
    issues.push(...ownClashes(objects, ns).map((i) => ({ ...(s.file !== undefined ? { file: s.file } : {}), ...i })));
    const reported = new Set<string>();
    const byKey = new Map(objects.map((o) => [o.key, o]));
    for (const [k, o] of byKey) {
      const id = `${ns}\0${k}`;
      const prev = owners.get(id);
      if (!prev) {
        owners.set(id, { spec: s, object: o });
      } else if (prev.spec.document.metadata.name !== s.document.metadata.name && !reported.has(prev.spec.document.metadata.name)) {
        reported.add(prev.spec.document.metadata.name);
        const why = [prev.object.madeBy, o.madeBy].filter((m) => m !== undefined).map((m) => ` (${m})`).join('');
        issues.push({
          ...(s.file !== undefined ? { file: s.file } : {}),
          path: 'metadata.name',
          message: `"${s.document.metadata.name}" and the spec ${where(prev.spec)} both write ${k} in namespace ${ns}${why}: one would overwrite the other; rename one of them`,
        });
      }
    }
  }
  return issues;
}
