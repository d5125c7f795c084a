/**
 * The pod template of one track: the server container as the runtime describes it, its init steps,
 * volumes, GPU resources and scheduling. Every value a GPU server depends on is set here explicitly.
 */
import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import type * as api from '../k8s/api';
import { PATHS, RuntimeProbe, RuntimeContainer } from '../runtimes/types';
import { imageTag } from '../spec/image';
import type { ServingContext, Track } from '../model/context';
import { TRACK_LABEL } from '../model/context';
import { resolveResources, startupBudgetSeconds, sumQuantities } from '../model/resources';
import { CONFIG_HASH_ANNOTATION, CONFIG_HASH_LENGTH } from '../spec/rules-input';
import type { RepositoryMount } from './model-repository';
import { restrictedContainerSecurity, podSecurity, automountToken } from '../model/security';
import { gpuLimit, serverClaims, tracingFor } from './pod-platform';
import { podResourceClaims } from './gpu-claims';
import { affinity, tolerations, platformPodFields, platformPodMetadata } from '../model/pod-fields';
import { HELPER_IMAGES } from '../runtimes/images';

export { affinity, tolerations, platformPodFields, platformPodMetadata } from '../model/pod-fields';

/** Pinned image for small shell steps (assembling Triton's repository). */
export const SHELL_IMAGE = HELPER_IMAGES.shell.image;
/** Seconds the preStop hook waits so endpoints drop the pod before the server stops accepting requests. */
export const PRESTOP_SLEEP_SECONDS = 15;
const STARTUP_PERIOD_SECONDS = 10;

export interface PodTemplateOptions {
  readonly track: Track;
  readonly repository: RepositoryMount;
  /** ConfigMap with the runtime's files, when it has any. */
  readonly configMapName?: string;
  readonly configFiles: Record<string, string>;
  /** Pod restart policy (Jobs: Never/OnFailure). @default - Always (not written) */
  readonly restartPolicy?: string;
  /** Extra node selector and tolerations (edge nodes). */
  readonly nodeSelector?: Record<string, string>;
  readonly tolerations?: k8s.Toleration[];
  /** Spread replicas across nodes (Deployments). */
  readonly spread: boolean;
  /** Extra containers (batch client) and volumes. */
  readonly extraContainers?: api.Container[];
  readonly extraVolumes?: api.Volume[];
  /**
   * Run the server as a native sidecar (an init container with restartPolicy Always, Kubernetes 1.29+) between
   * the `before` and `after` init containers: the kubelet starts `after` once the server's startupProbe passed
   * and stops the server when the regular containers have exited (a Job completes). No preStop sleep: no
   * Service routes to it.
   * @default - the server is a regular container
   */
  readonly serverSidecar?: { readonly before: api.Container[]; readonly after: api.Container[] };
}

const q = (v: string) => k8s.Quantity.fromString(v);

export function toProbe(p: RuntimeProbe, timing: { period: number; failure: number; timeout: number; initialDelay?: number }): k8s.Probe {
  const base = { periodSeconds: timing.period, failureThreshold: timing.failure, timeoutSeconds: timing.timeout, ...(timing.initialDelay ? { initialDelaySeconds: timing.initialDelay } : {}) };
  if ('httpGet' in p) return { httpGet: { path: p.httpGet.path, port: k8s.IntOrString.fromString(p.httpGet.port) }, ...base };
  if ('grpc' in p) return { grpc: { port: p.grpc.port, ...(p.grpc.service !== undefined ? { service: p.grpc.service } : {}) }, ...base };
  return { exec: { command: p.exec.command }, ...base };
}

/**
 * The preStop pause: the kubelet's own sleep action where the target has it (no `sleep` binary needed in the
 * image), else `sleep` run in the server container.
 */
export function preStopPause(ctx: ServingContext): api.LifecycleHandler {
  return ctx.supports('preStopSleep')
    ? { sleep: { seconds: PRESTOP_SLEEP_SECONDS } }
    : { exec: { command: ['sleep', String(PRESTOP_SLEEP_SECONDS)] } };
}

/** Short hash of the runtime config: a change rolls the pods. */
export function configHash(files: Record<string, string>): string {
  const h = createHash('sha256');
  for (const k of Object.keys(files).sort()) h.update(k).update('\0').update(files[k]).update('\0');
  return h.digest('hex').slice(0, CONFIG_HASH_LENGTH);
}

/**
 * The node disk the pod needs for its whole life: the sizeLimit of each disk-backed emptyDir the server's data lives
 * in (the models' download or Hub cache, the LoRA adapters, the runtime's writable caches). /tmp (4Gi, scratch) and
 * the assembled Triton repository (symlinks) are left out.
 */
export function ephemeralStorage(volumes: readonly api.Volume[]): string | undefined {
  const sizes = volumes
    .filter((v) => v.emptyDir && v.emptyDir.medium !== 'Memory' && v.emptyDir.sizeLimit !== undefined)
    .map((v) => String(v.emptyDir!.sizeLimit!.value));
  return sizes.length ? sumQuantities(sizes) : undefined;
}

function resources(ctx: ServingContext, diskVolumes: readonly api.Volume[]): api.ResourceRequirements {
  const r = resolveResources(ctx.spec, ctx.runtime, ctx.gpuCount);
  const storage = ephemeralStorage(diskVolumes);
  const disk: Record<string, k8s.Quantity> = storage ? { 'ephemeral-storage': q(storage) } : {};
  return {
    requests: { cpu: q(r.cpu.request), memory: q(r.memory.request), ...disk },
    limits: {
      cpu: q(r.cpu.limit),
      memory: q(r.memory.limit),
      ...gpuLimit(ctx),
    },
    ...serverClaims(ctx),
  };
}

/** spec.env as container variables. */
function userEnv(ctx: ServingContext): k8s.EnvVar[] {
  return (ctx.spec.env ?? []).map((e): k8s.EnvVar => {
    if (e.secretKeyRef) return { name: e.name, valueFrom: { secretKeyRef: { name: e.secretKeyRef.name, key: e.secretKeyRef.key } } };
    if (e.configMapKeyRef) return { name: e.name, valueFrom: { configMapKeyRef: { name: e.configMapKeyRef.name, key: e.configMapKeyRef.key } } };
    return { name: e.name, value: e.value! };
  });
}

/**
 * Generated variables of the server container without those spec.env sets: a spec.env entry replaces the generated
 * variable of its name (e.g. TF_FORCE_GPU_ALLOW_GROWTH=false on TF Serving GPU pods) and stays at its own place in
 * spec.env. A container env with a name twice is refused by server-side apply (env is a list map keyed by name). An
 * entry that would replace a variable filled from a Secret is refused by the rules (GENERATED_SECRET_ENV).
 */
export function withoutUserEnv<T extends { readonly name: string }>(ctx: ServingContext, generated: readonly T[]): T[] {
  const user = new Set((ctx.spec.env ?? []).map((e) => e.name));
  return generated.filter((e) => !user.has(e.name));
}

/** The server's variables: the runtime's and the repository's, then spec.env, then `after` (tracing). */
function env(ctx: ServingContext, base: RuntimeContainer['env'], repo: RepositoryMount, after: readonly k8s.EnvVar[]): k8s.EnvVar[] {
  return [...withoutUserEnv(ctx, [...base, ...repo.env]), ...userEnv(ctx), ...withoutUserEnv(ctx, after)];
}

/** Shared memory: the spec's size, or the runtime's default sized to fit the memory limit (lib/model/resources.ts). */
export function sharedMemorySize(ctx: ServingContext): string {
  return resolveResources(ctx.spec, ctx.runtime, ctx.gpuCount).sharedMemory;
}

function spreadConstraints(ctx: ServingContext, track: Track): k8s.TopologySpreadConstraint[] {
  const t = ctx.spec.topologySpread ?? {};
  const selector = { matchLabels: ctx.selector(track.label) };
  const c = (topologyKey: string): k8s.TopologySpreadConstraint => ({
    maxSkew: t.maxSkew ?? 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector,
  });
  return [c('kubernetes.io/hostname'), ...(t.zones ? [c('topology.kubernetes.io/zone')] : [])];
}

/** The full pod template of `track`. */
export function buildPodTemplate(ctx: ServingContext, o: PodTemplateOptions): api.PodTemplateSpec {
  const rctx = ctx.runtimeContext(o.track);
  const rc = ctx.runtime.container(rctx);
  const sec = restrictedContainerSecurity(ctx);
  const startup = startupBudgetSeconds(ctx.spec, ctx.runtime, o.track.repository);
  const tracing = tracingFor(ctx, o.track);
  const claims = podResourceClaims(ctx, o.track);
  const writable: api.Volume[] = rc.writablePaths.map((w, i) => ({ name: `writable-${i}`, emptyDir: { sizeLimit: q(w.sizeLimit) } }));
  const volumes: api.Volume[] = [
    ...o.repository.volumes,
    ...(o.configMapName ? [{ name: 'runtime-config', configMap: { name: o.configMapName } }] : []),
    ...(rc.needsAssembledRepository ? [{ name: 'repository', emptyDir: { sizeLimit: q('64Mi') } }] : []),
    { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: q(sharedMemorySize(ctx)) } },
    { name: 'tmp', emptyDir: { sizeLimit: q('4Gi') } },
    ...writable,
    ...(o.extraVolumes ?? []),
  ];
  const mountFor: Record<string, k8s.VolumeMount> = {
    'model-store': { name: 'model-store', mountPath: PATHS.modelStore, readOnly: true },
    'runtime-config': { name: 'runtime-config', mountPath: PATHS.config, readOnly: true },
    repository: { name: 'repository', mountPath: PATHS.repository },
  };
  const steps: api.Container[] = ctx.runtime.initSteps(rctx).map((s) => ({
    name: s.name,
    image: SHELL_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    command: s.command,
    resources: { requests: { cpu: q('100m'), memory: q('32Mi') }, limits: { cpu: q('500m'), memory: q('128Mi') } },
    securityContext: sec,
    volumeMounts: s.mounts.map((m) => (m === 'model-store' ? o.repository.mounts.find((x) => x.name === 'model-store') ?? mountFor[m] : mountFor[m])),
    // a step that fails prints why (wait-for-engines: the build's error); kubectl describe shows it as the message
    terminationMessagePolicy: 'FallbackToLogsOnError',
  }));
  const server: api.Container = {
    name: 'server',
    image: o.track.image,
    imagePullPolicy: 'IfNotPresent',
    ...(rc.command ? { command: rc.command } : {}),
    args: [...rc.args, ...tracing.args, ...(ctx.spec.extraArgs ?? [])],
    ports: ctx.runtime.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
    env: env(ctx, rc.env, o.repository, tracing.env),
    resources: resources(ctx, [...o.repository.volumes, ...writable]),
    startupProbe: toProbe(rc.startupProbe, { period: STARTUP_PERIOD_SECONDS, failure: Math.ceil(startup / STARTUP_PERIOD_SECONDS), timeout: 5 }),
    readinessProbe: toProbe(rc.readinessProbe, { period: 5, failure: 3, timeout: 5 }),
    livenessProbe: toProbe(rc.livenessProbe, { period: 10, failure: 3, timeout: 5 }),
    ...(o.serverSidecar ? { restartPolicy: 'Always' } : { lifecycle: { preStop: preStopPause(ctx) } }),
    securityContext: sec,
    volumeMounts: [
      ...o.repository.mounts,
      ...(o.configMapName ? [mountFor['runtime-config']] : []),
      ...(rc.needsAssembledRepository ? [{ ...mountFor.repository, readOnly: true }] : []),
      { name: 'dshm', mountPath: '/dev/shm' },
      { name: 'tmp', mountPath: '/tmp' },
      ...rc.writablePaths.map((w, i) => ({ name: `writable-${i}`, mountPath: w.path })),
    ],
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
  const init = [...o.repository.initContainers, ...steps,
    ...(o.serverSidecar ? [...o.serverSidecar.before, server, ...o.serverSidecar.after] : [])];
  const nodeSelector = { ...(ctx.spec.nodeSelector ?? {}), ...(o.nodeSelector ?? {}) };
  const aff = affinity(ctx);
  const tol = tolerations(ctx, o.tolerations ?? []);
  return {
    // podLabels and podAnnotations first: the rules refuse the reserved keys, and the selector labels win regardless
    metadata: platformPodMetadata(ctx, { ...ctx.labels('model-server', imageTag(o.track.image)), [TRACK_LABEL]: o.track.label },
      { [CONFIG_HASH_ANNOTATION]: configHash(o.configFiles) }),
    spec: {
      ...platformPodFields(ctx),
      serviceAccountName: ctx.spec.serviceAccountName ?? ctx.name,
      automountServiceAccountToken: automountToken(ctx),
      enableServiceLinks: false,
      securityContext: podSecurity(ctx),
      terminationGracePeriodSeconds: ctx.spec.terminationGracePeriodSeconds ?? 60,
      ...(o.restartPolicy ? { restartPolicy: o.restartPolicy } : {}),
      initContainers: init.length ? init : undefined,
      containers: o.serverSidecar ? [...(o.extraContainers ?? [])] : [server, ...(o.extraContainers ?? [])],
      volumes,
      ...(claims.length ? { resourceClaims: claims } : {}),
      ...(Object.keys(nodeSelector).length ? { nodeSelector } : {}),
      ...(aff ? { affinity: aff } : {}),
      ...(tol ? { tolerations: tol } : {}),
      ...(o.spread ? { topologySpreadConstraints: spreadConstraints(ctx, o.track) } : {}),
    },
  };
}
