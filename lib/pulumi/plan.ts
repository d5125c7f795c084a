/**
 * What `ModelServingStack` registers, as plain data: every object `model-serving synth` writes for the
 * same spec, with its Pulumi name, its deployment stage, the resources it waits for and how long Pulumi
 * may wait for it. No Pulumi import here: the component only turns this plan into resources, so
 * the logic is tested without an engine.
 */
import type { ModelServingDocument } from '../spec/schema/spec';
import { synthesizeSpecs } from '../synth';
import { getRuntime } from '../runtimes/registry';
import { ENGINE_BUILD_COMPONENT } from '../runtimes/types';

/**
 * Deployment stages, in order. A resource waits for the resources of the nearest earlier stage that
 * holds any (of its own spec; the `namespace` stage of its namespace):
 * - `namespace`: the Namespace (only with `createNamespace`).
 * - `prerequisites`: what pods need before they start (ServiceAccount, ConfigMaps, Secrets, PVCs, RBAC,
 *   NetworkPolicy, PodDisruptionBudget, DRA ResourceClaimTemplates and ResourceClaims, and the InferencePool its
 *   endpoint picker reads).
 * - `builds`: Jobs that compile models for the serving pods (label app.kubernetes.io/component: engine-build);
 *   Pulumi waits until each has completed, so the workloads start once their TensorRT plans exist.
 * - `workloads`: the controllers and the Services that select their pods. Services are here, not earlier,
 *   because Pulumi waits for a ClusterIP Service until it has a ready endpoint.
 * - `dependents`: what refers to the workloads or Services (autoscalers, VPA, ServiceMonitor,
 *   PrometheusRule, Ingress, HTTPRoute, ...) and every kind not listed above.
 */
export const STAGES = ['namespace', 'prerequisites', 'builds', 'workloads', 'dependents'] as const;
export type Stage = (typeof STAGES)[number];

/** Pulumi's own wait for a Deployment, Service or Ingress (pulumi-kubernetes `provider/pkg/await`). */
export const PULUMI_DEFAULT_TIMEOUT_SECONDS = 600;

/** Built-in API groups and their module in @pulumi/kubernetes (`k8s.<module>.<version>.<Kind>`). */
const BUILTIN_GROUPS: Readonly<Record<string, string>> = {
  '': 'core', apps: 'apps', batch: 'batch', autoscaling: 'autoscaling', policy: 'policy',
  'networking.k8s.io': 'networking', 'rbac.authorization.k8s.io': 'rbac', 'scheduling.k8s.io': 'scheduling',
  'storage.k8s.io': 'storage', 'node.k8s.io': 'node', 'coordination.k8s.io': 'coordination',
  'discovery.k8s.io': 'discovery', 'admissionregistration.k8s.io': 'admissionregistration',
  'apiextensions.k8s.io': 'apiextensions', 'certificates.k8s.io': 'certificates', 'resource.k8s.io': 'resource',
};

/**
 * Top-level fields the typed @pulumi/kubernetes classes pass on (they drop any other one). Kinds not
 * listed take `metadata` and `spec`. An object with a field its class would drop is refused.
 */
const TYPED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'v1/ServiceAccount': ['metadata', 'automountServiceAccountToken', 'imagePullSecrets', 'secrets'],
  'v1/ConfigMap': ['metadata', 'data', 'binaryData', 'immutable'],
  'v1/Secret': ['metadata', 'data', 'stringData', 'type', 'immutable'],
  'rbac.authorization.k8s.io/Role': ['metadata', 'rules'],
  'rbac.authorization.k8s.io/ClusterRole': ['metadata', 'rules', 'aggregationRule'],
  'rbac.authorization.k8s.io/RoleBinding': ['metadata', 'roleRef', 'subjects'],
  'rbac.authorization.k8s.io/ClusterRoleBinding': ['metadata', 'roleRef', 'subjects'],
  'scheduling.k8s.io/PriorityClass': ['metadata', 'value', 'globalDefault', 'description', 'preemptionPolicy'],
};

const PREREQUISITES = new Set([
  'v1/ServiceAccount', 'v1/ConfigMap', 'v1/Secret', 'v1/PersistentVolumeClaim', 'v1/LimitRange', 'v1/ResourceQuota',
  'rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/RoleBinding', 'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding', 'networking.k8s.io/NetworkPolicy', 'policy/PodDisruptionBudget',
  'scheduling.k8s.io/PriorityClass',
  // the endpoint picker (a workload) reports live only once it has read its pool: the pool comes first
  'inference.networking.k8s.io/InferencePool',
  // DRA claims the pods reference: a pod whose claim does not exist yet stays Pending
  'resource.k8s.io/ResourceClaimTemplate', 'resource.k8s.io/ResourceClaim',
]);
const WORKLOADS = new Set([
  'apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'batch/Job', 'batch/CronJob', 'v1/Service',
  'leaderworkerset.x-k8s.io/LeaderWorkerSet',
]);
/**
 * Kinds Pulumi waits for until their pods are ready (or, for a Job, done). The provider has await logic of its own
 * for the built-in ones (pulumi-kubernetes `provider/pkg/await/awaiters.go`); for any other kind it waits only when
 * the object carries the `pulumi.com/waitFor` annotation (`provider/pkg/metadata/overrides.go`, ReadyCondition), so
 * the plan's copy of a LeaderWorkerSet gets one (LWS_WAIT_FOR).
 */
const POD_AWAITED = new Set(['apps/Deployment', 'apps/StatefulSet', 'apps/DaemonSet', 'batch/Job', 'leaderworkerset.x-k8s.io/LeaderWorkerSet']);

/** pulumi-kubernetes annotations (`provider/pkg/metadata/annotations.go`). */
export const SKIP_AWAIT_ANNOTATION = 'pulumi.com/skipAwait';
export const WAIT_FOR_ANNOTATION = 'pulumi.com/waitFor';
/**
 * What Pulumi waits for on a LeaderWorkerSet: its `Available` condition, which the LeaderWorkerSet controller sets
 * when every group (replica) is ready and updated, with observedGeneration of the current spec (kubernetes-sigs/lws
 * v0.10.0 `pkg/controllers/leaderworkerset_controller.go`, updateConditions, makeCondition); Pulumi's `condition=`
 * check skips a condition of an older generation (`provider/pkg/await/condition/kubectl.go`).
 */
export const LWS_WAIT_FOR = 'condition=Available';

/** The typed @pulumi/kubernetes class of a built-in kind: `k8s.<module>.<version>.<kind>`. */
export interface TypedClass {
  readonly module: string;
  readonly version: string;
  readonly kind: string;
}

/** How long Pulumi may wait for one resource to become ready, in seconds. */
export interface AwaitTimeouts {
  readonly createSeconds: number;
  readonly updateSeconds: number;
}

/** One Kubernetes object as Pulumi registers it. */
export interface PlannedResource {
  /** The Pulumi resource name (part of its URN): `<component>-<kind in lower case>-<object name>`. */
  readonly logicalName: string;
  /** metadata.name of the spec document the object belongs to (undefined for a created Namespace). */
  readonly spec?: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly stage: Stage;
  /** The Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`. */
  readonly pulumiType: string;
  /** The typed class for a built-in kind; undefined for a CRD kind (registered as a CustomResource). */
  readonly typedClass?: TypedClass;
  /** Logical names of the resources this one waits for. */
  readonly dependsOn: readonly string[];
  /** Set for kinds Pulumi waits on until pods are ready (workloads, and Services that select pods). */
  readonly timeouts?: AwaitTimeouts;
  /**
   * Annotations the plan adds for Pulumi's await logic only (`pulumi.com/waitFor` on a LeaderWorkerSet,
   * `pulumi.com/skipAwait` on a Service whose pods may all be scaled to zero); already in `object`.
   */
  readonly pulumiAnnotations?: Readonly<Record<string, string>>;
  /** The object as `model-serving synth` writes it (a private copy), plus `pulumiAnnotations`. */
  readonly object: Record<string, any>;
}

/** Where clients reach one spec's models. */
export interface ServingEndpoint {
  readonly spec: string;
  readonly namespace: string;
  /** The stable Service (absent for a batch spec, which has none). */
  readonly serviceName?: string;
  readonly serviceLogicalName?: string;
  /** In-cluster base URL of the HTTP port: `http://<name>.<namespace>.svc.cluster.local:<port>`. */
  readonly url?: string;
  /** External base URL when the spec has an Ingress: `https://<host><spec.ingress.path>` (http without tls). */
  readonly ingressUrl?: string;
  readonly ingressLogicalName?: string;
}

export interface ResourcePlan {
  /** Every resource, ordered by stage, then as synthesized. */
  readonly resources: readonly PlannedResource[];
  /** One per spec document, in document order. */
  readonly endpoints: readonly ServingEndpoint[];
  /** `group/version Kind` of every CRD-based object: these CRDs must be installed before `pulumi up`. */
  readonly requiredCrds: readonly string[];
}

export interface PlanOptions {
  /** The component's name: the prefix of every Pulumi resource name. */
  readonly componentName: string;
  /**
   * Also create each spec's namespace (except the always-present `default`, `kube-system`, `kube-public`).
   * @default false - the namespace must exist
   */
  readonly createNamespace?: boolean;
  /** Target Kubernetes version (MAJOR.MINOR). @default - 1.35, the oldest supported release */
  readonly kubeVersion?: string;
}

/** Thrown when the synthesized objects cannot be registered as they are (never a spec problem). */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `v1/Service`, `apps/Deployment`: group (or `v1` for core) and kind. */
function groupKind(apiVersion: string, kind: string): string {
  const { group } = splitApiVersion(apiVersion);
  return `${group || 'v1'}/${kind}`;
}

/** The stage of an object: a build Job, or by its kind. */
export function stageOfObject(o: Record<string, any>): Stage {
  if (groupKind(o.apiVersion, o.kind) === 'batch/Job' && o.metadata?.labels?.['app.kubernetes.io/component'] === ENGINE_BUILD_COMPONENT) return 'builds';
  return stageOf(o.apiVersion, o.kind);
}

/** The stage of a kind (see STAGES). */
export function stageOf(apiVersion: string, kind: string): Stage {
  const gk = groupKind(apiVersion, kind);
  if (gk === 'v1/Namespace') return 'namespace';
  if (PREREQUISITES.has(gk)) return 'prerequisites';
  if (WORKLOADS.has(gk)) return 'workloads';
  return 'dependents';
}

/** The Pulumi type token and, for a built-in group, the typed class. */
export function resourceKind(apiVersion: string, kind: string): { pulumiType: string; typedClass?: TypedClass } {
  const { group, version } = splitApiVersion(apiVersion);
  const module = BUILTIN_GROUPS[group];
  if (module === undefined) return { pulumiType: `kubernetes:${apiVersion}:${kind}` };
  return { pulumiType: `kubernetes:${group || 'core'}/${version}:${kind}`, typedClass: { module, version, kind } };
}

function startupBudgetSeconds(podSpec: Record<string, any> | undefined): number | undefined {
  const probes = [...(podSpec?.containers ?? [])].map((c: any) => c.startupProbe).filter(Boolean);
  if (!probes.length) return undefined;
  return Math.max(...probes.map((p: any) => (p.initialDelaySeconds ?? 0) + (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3)));
}

/** The pod templates of a workload: a LeaderWorkerSet's leader and worker templates, a CronJob's Job template's, else its own. */
export function podTemplatesOf(workload: Record<string, any>): Record<string, any>[] {
  if (workload.kind === 'LeaderWorkerSet') {
    const t = workload.spec?.leaderWorkerTemplate ?? {};
    return [t.leaderTemplate, t.workerTemplate].filter(Boolean);
  }
  const t = workload.kind === 'CronJob' ? workload.spec?.jobTemplate?.spec?.template : workload.spec?.template;
  return t ? [t] : [];
}

/**
 * Seconds one pod of a workload may take to become ready: the Deployment's progressDeadlineSeconds (which
 * the construct sizes as the startup budget plus scheduling and image pulls), else the longest startupProbe
 * budget of its pod templates (a LeaderWorkerSet's leader and workers) plus 10 minutes, and never less than
 * Pulumi's default of 10 minutes.
 */
export function podReadySeconds(workload: Record<string, any>): number {
  const budgets = podTemplatesOf(workload).map((t) => startupBudgetSeconds(t.spec)).filter((b): b is number => b !== undefined);
  const fromProbe = budgets.length ? Math.max(...budgets) : undefined;
  const own = workload.spec?.progressDeadlineSeconds ?? (fromProbe === undefined ? 0 : fromProbe + PULUMI_DEFAULT_TIMEOUT_SECONDS);
  return Math.max(PULUMI_DEFAULT_TIMEOUT_SECONDS, own);
}

function intOrPercent(v: unknown, replicas: number, roundUp: boolean): number | undefined {
  if (typeof v === 'number') return v;
  const m = typeof v === 'string' ? /^(\d+)%$/.exec(v) : null;
  if (!m) return undefined;
  const x = (Number(m[1]) * replicas) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** The autoscaler (HPA or KEDA ScaledObject) that scales a workload, when there is one. */
function autoscalerOf(workload: Record<string, any>, siblings: readonly Record<string, any>[]): Record<string, any> | undefined {
  const target = (o: Record<string, any>) => o.spec?.scaleTargetRef?.name === workload.metadata?.name
    && (o.spec?.scaleTargetRef?.kind ?? 'Deployment') === workload.kind;
  return siblings.find((o) => (o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject') && target(o));
}

/** The most replicas a workload may have: its own count, else its autoscaler's maximum, else 1. */
function maxReplicasOf(workload: Record<string, any>, siblings: readonly Record<string, any>[]): number {
  if (typeof workload.spec?.replicas === 'number') return workload.spec.replicas;
  const a = autoscalerOf(workload, siblings);
  if (a?.kind === 'HorizontalPodAutoscaler') return a.spec.maxReplicas;
  if (a?.kind === 'ScaledObject') return a.spec?.maxReplicaCount ?? 100; // KEDA's default maxReplicaCount
  return 1;
}

/**
 * The fewest replicas a workload may have: its autoscaler's minimum (HPA minReplicas, default 1; KEDA
 * minReplicaCount, default 0), else its own count (default 1). Undefined for kinds without replicas.
 */
export function minReplicasOf(workload: Record<string, any>, siblings: readonly Record<string, any>[]): number | undefined {
  if (!['Deployment', 'StatefulSet', 'LeaderWorkerSet'].includes(workload.kind)) return undefined;
  const a = autoscalerOf(workload, siblings);
  if (a?.kind === 'HorizontalPodAutoscaler') return a.spec?.minReplicas ?? 1;
  if (a?.kind === 'ScaledObject') return a.spec?.minReplicaCount ?? 0; // KEDA's default minReplicaCount
  return typeof workload.spec?.replicas === 'number' ? workload.spec.replicas : 1;
}

/**
 * How long Pulumi may wait for a workload. Creation starts every pod at once: one pod's budget. A rolling
 * update of a Deployment (or of a LeaderWorkerSet's groups) replaces `maxSurge + maxUnavailable` pods (groups)
 * per wave: one budget per wave, for the most replicas the workload may have. A Job may also run for its
 * activeDeadlineSeconds.
 */
export function workloadAwaitTimeouts(workload: Record<string, any>, siblings: readonly Record<string, any>[]): AwaitTimeouts {
  const pod = podReadySeconds(workload);
  if (workload.kind === 'Job') {
    const run = pod + (workload.spec?.activeDeadlineSeconds ?? 0);
    return { createSeconds: run, updateSeconds: run };
  }
  const replicas = maxReplicasOf(workload, siblings);
  let step: number;
  if (workload.kind === 'Deployment') {
    if (workload.spec?.strategy?.type === 'Recreate') return { createSeconds: pod, updateSeconds: pod };
    const ru = workload.spec?.strategy?.rollingUpdate ?? {};
    step = (intOrPercent(ru.maxSurge ?? '25%', replicas, true) ?? 0) + (intOrPercent(ru.maxUnavailable ?? '25%', replicas, false) ?? 0);
  } else if (workload.kind === 'LeaderWorkerSet') {
    // the LeaderWorkerSet's defaults: maxUnavailable 1, maxSurge 0 (lws api/leaderworkerset/v1 RollingUpdateConfiguration)
    const ru = workload.spec?.rolloutStrategy?.rollingUpdateConfiguration ?? {};
    step = (intOrPercent(ru.maxSurge ?? 0, replicas, true) ?? 0) + (intOrPercent(ru.maxUnavailable ?? 1, replicas, false) ?? 0);
  } else {
    return { createSeconds: pod, updateSeconds: pod };
  }
  const waves = Math.max(1, Math.ceil(replicas / Math.max(1, step)));
  return { createSeconds: pod, updateSeconds: pod * waves };
}

function isPodSelectingService(o: Record<string, any>): boolean {
  return o.kind === 'Service' && o.apiVersion === 'v1' && o.spec?.clusterIP !== 'None' && o.spec?.clusterIp !== 'None'
    && o.spec?.type !== 'ExternalName' && o.spec?.selector !== undefined;
}

/** The workloads among `siblings` whose pods a Service selects (its selector matches one of their pod templates). */
export function selectedWorkloads(service: Record<string, any>, siblings: readonly Record<string, any>[]): Record<string, any>[] {
  const selector: Record<string, string> = service.spec?.selector ?? {};
  const matches = (labels: Record<string, string> | undefined) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);
  return siblings.filter((w) => POD_AWAITED.has(groupKind(w.apiVersion, w.kind)) && podTemplatesOf(w).some((t) => matches(t.metadata?.labels)));
}

/**
 * The annotations the plan adds for Pulumi's await logic:
 * - a LeaderWorkerSet: `pulumi.com/waitFor: condition=Available` (without it Pulumi does not wait for the groups);
 * - a Service whose selected workloads may all run zero pods (an autoscaler with minReplicas 0, replicas 0):
 *   `pulumi.com/skipAwait: "true"`. Pulumi waits for a Service until no selected pod is unready (`service.go`,
 *   since pulumi-kubernetes 4.17.0 a Service with no pod passes), so a pod that an autoscaler starts from zero
 *   while `pulumi up` runs would hold the update for its whole cold start; the workload keeps its own wait.
 */
export function pulumiAwaitAnnotations(o: Record<string, any>, siblings: readonly Record<string, any>[]): Record<string, string> {
  if (groupKind(o.apiVersion, o.kind) === 'leaderworkerset.x-k8s.io/LeaderWorkerSet') return { [WAIT_FOR_ANNOTATION]: LWS_WAIT_FOR };
  if (!isPodSelectingService(o)) return {};
  const selected = selectedWorkloads(o, siblings);
  return selected.length && selected.every((w) => minReplicasOf(w, siblings) === 0) ? { [SKIP_AWAIT_ANNOTATION]: 'true' } : {};
}

function checkFields(o: Record<string, any>, where: string, typed: boolean): void {
  if (!typed) return;
  const allowed = TYPED_FIELDS[groupKind(o.apiVersion, o.kind)] ?? ['metadata', 'spec'];
  const extra = Object.keys(o).filter((k) => k !== 'apiVersion' && k !== 'kind' && !allowed.includes(k));
  if (extra.length) {
    throw new PlanError(`${where}: field(s) ${extra.join(', ')} would be dropped by the @pulumi/kubernetes ${o.kind} class (it takes ${allowed.join(', ')})`);
  }
}

/**
 * Where clients reach one spec: the stable Service `<name>` and its HTTP port (the runtime's named HTTP
 * port), and the main Ingress `<name>` when there is one. The Ingress URL is the base URL the runtime's
 * own paths follow: `spec.ingress.path` without a trailing slash (absent: the per-model routes of the host).
 */
export function servingEndpoint(doc: ModelServingDocument, objects: readonly Record<string, any>[], nameOf: (o: Record<string, any>) => string): ServingEndpoint {
  const name = doc.metadata.name;
  const namespace = doc.metadata.namespace ?? 'default';
  const base: ServingEndpoint = { spec: name, namespace };
  const svc = objects.find((o) => o.kind === 'Service' && o.apiVersion === 'v1' && o.metadata?.name === name);
  if (!svc) return base;
  const httpPort = getRuntime(doc.spec.runtime).httpPortName;
  const port = (svc.spec?.ports ?? []).find((p: any) => p.name === httpPort)?.port;
  const withService = {
    ...base,
    serviceName: name,
    serviceLogicalName: nameOf(svc),
    ...(port !== undefined ? { url: `http://${name}.${namespace}.svc.cluster.local:${port}` } : {}),
  };
  const ing = objects.find((o) => o.kind === 'Ingress' && o.metadata?.name === name);
  const host = doc.spec.ingress?.host ?? ing?.spec?.rules?.[0]?.host;
  if (!ing || !host) return withService;
  const tls = (ing.spec?.tls ?? []).some((t: any) => (t.hosts ?? []).includes(host));
  const path = (doc.spec.ingress?.path ?? '').replace(/\/+$/, '');
  return { ...withService, ingressUrl: `${tls ? 'https' : 'http'}://${host}${path}`, ingressLogicalName: nameOf(ing) };
}

/**
 * Synthesizes the (validated) documents with the same constructs as `model-serving synth` and plans their
 * registration. Throws SpecError as synthesis does, and PlanError when two objects would share a Pulumi name.
 */
export function planResources(docs: readonly ModelServingDocument[], options: PlanOptions): ResourcePlan {
  const manifests = synthesizeSpecs(docs, { kubeVersion: options.kubeVersion });
  const prefix = options.componentName;
  const nameOf = (o: Record<string, any>) => `${prefix}-${String(o.kind).toLowerCase()}-${o.metadata?.name}`;
  const drafts: Omit<PlannedResource, 'dependsOn'>[] = [];
  const seen = new Map<string, string>();
  const add = (object: Record<string, any>, spec: string | undefined, siblings: readonly Record<string, any>[]) => {
    const logicalName = nameOf(object);
    const where = `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`;
    const prev = seen.get(logicalName);
    if (prev) {
      throw new PlanError(`${where} and ${prev} would both be the Pulumi resource "${logicalName}": deploy these specs with separate ModelServingStack components`);
    }
    seen.set(logicalName, where);
    const { pulumiType, typedClass } = resourceKind(object.apiVersion, object.kind);
    checkFields(object, where, typedClass !== undefined);
    const gk = groupKind(object.apiVersion, object.kind);
    const annotations = pulumiAwaitAnnotations(object, siblings);
    const skipped = annotations[SKIP_AWAIT_ANNOTATION] === 'true';
    let timeouts: AwaitTimeouts | undefined;
    if (POD_AWAITED.has(gk)) timeouts = workloadAwaitTimeouts(object, siblings);
    else if (isPodSelectingService(object) && !skipped) {
      // a Service waits for the pods it selects: the longest pod budget of those workloads (of all of them when it selects none of ours)
      const selected = selectedWorkloads(object, siblings);
      const workloads = selected.length ? selected : siblings.filter((o) => POD_AWAITED.has(groupKind(o.apiVersion, o.kind)));
      if (workloads.length) {
        const s = Math.max(...workloads.map((w) => podReadySeconds(w)));
        timeouts = { createSeconds: s, updateSeconds: s };
      }
    }
    const copy = JSON.parse(JSON.stringify(object));
    if (Object.keys(annotations).length) copy.metadata = { ...copy.metadata, annotations: { ...(copy.metadata?.annotations ?? {}), ...annotations } };
    drafts.push({
      logicalName, spec, apiVersion: object.apiVersion, kind: object.kind, name: object.metadata?.name,
      ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
      stage: stageOfObject(object), pulumiType, ...(typedClass ? { typedClass } : {}),
      ...(timeouts ? { timeouts } : {}), ...(Object.keys(annotations).length ? { pulumiAnnotations: annotations } : {}), object: copy,
    });
  };
  if (options.createNamespace) {
    for (const ns of new Set(docs.map((d) => d.metadata.namespace ?? 'default'))) {
      if (SYSTEM_NAMESPACES.has(ns)) {
        throw new PlanError(`createNamespace: namespace "${ns}" always exists and must not be created (or deleted) by this stack; leave createNamespace off`);
      }
      add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'app.kubernetes.io/managed-by': 'cdk8s-model-serving' } } }, undefined, []);
    }
  }
  manifests.forEach((m) => m.objects.forEach((o) => add(o, m.name, m.objects)));
  const rank = (s: Stage) => STAGES.indexOf(s);
  const resources: PlannedResource[] = drafts
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d.stage) - rank(b.d.stage) || a.i - b.i)
    .map(({ d }) => {
      const candidates = drafts.filter((c) => rank(c.stage) < rank(d.stage)
        && (c.stage === 'namespace' ? c.name === d.namespace : c.spec === d.spec));
      const nearest = Math.max(-1, ...candidates.map((c) => rank(c.stage)));
      return { ...d, dependsOn: candidates.filter((c) => rank(c.stage) === nearest).map((c) => c.logicalName) };
    });
  const endpoints = manifests.map((m, i) => servingEndpoint(docs[i], m.objects, nameOf));
  const requiredCrds = [...new Set(resources.filter((r) => !r.typedClass).map((r) => `${r.apiVersion} ${r.kind}`))].sort();
  return { resources, endpoints, requiredCrds };
}
