/**
 * The Jobs that compile a spec's models before they are served (the runtime's `engineBuilds`: Triton TensorRT
 * plans, docs/RUNTIMES.md#tensorrt-engine-builds), rendered whole here so that the construct
 * (lib/constructs/engine-build.ts) and the name list (names.ts) agree on every name.
 *
 * - One Job per distinct build: rollout tracks whose builds are the same (same repository claim and sub-path, model
 *   directory, versions, plan key) share one Job, so two Jobs never build the same plan file in the same directory
 *   (the build script also locks the plan file against any other writer).
 * - The Job is named `<name>-trt-<hash of its whole spec>`. A Job's pod template is immutable (batch/v1
 *   JobSpec.template), so any change of it (resources, labels, node selector, tolerations, the platform fields,
 *   the build itself) makes a new Job; the script skips a plan that is already up to date, so a Job renamed for a
 *   change that does not touch the plan finishes at once. The serving pods find the Job by its labels, not by
 *   its name, so renaming a Job does not roll them.
 * - The Job's pods carry no rollout-track label: the Deployments', PodDisruptionBudgets' and autoscalers' selectors
 *   (app.kubernetes.io/name, app.kubernetes.io/instance, model-serving/track) never select a build pod.
 */
import { createHash } from 'node:crypto';
import type { k8s } from 'cdk8s-plus-28';
import type * as api from '../k8s/api';
import { BUILD_KEY_LABEL, BUILD_MODEL_LABEL, ENGINE_BUILD_COMPONENT, EngineBuild, PATHS } from '../runtimes/types';
import { BUILD_EXIT_FAILED, BUILD_EXIT_NO_TRTEXEC } from '../runtimes/triton-engine';
import { quantityString } from '../spec/quantity';
import { ServingContext, Track, trackId } from './context';
import { resolveResources } from './resources';
import { podSecurity, restrictedContainerSecurity } from './security';
import { affinity, platformPodFields, platformPodMetadata, tolerations } from './pod-fields';
import { repositoryClaimName } from './repository';

/** Name of the build container (the Job's podFailurePolicy refers to it). */
export const BUILD_CONTAINER = 'build';
/** Retries for failures a retry can fix (node lost, OOM); a failed trtexec build fails the Job at once. */
export const BUILD_BACKOFF_LIMIT = 2;

/** One build Job, ready to emit. */
export interface EngineBuildJob {
  /** Construct ID under the EngineBuild construct: `Build-<model>` for the primary track's build, else `Build-<model>-<track>`. */
  readonly id: string;
  readonly name: string;
  readonly build: EngineBuild;
  /** The tracks whose pods wait for this build. */
  readonly tracks: readonly Track[];
  readonly metadata: k8s.ObjectMeta;
  readonly spec: api.JobSpec;
}

/**
 * A quantity in the form it is written: KubeObject (lib/k8s/object.ts) writes a k8s.Quantity as its value and a
 * plain value as is, so the Jobs are rendered with plain values. That keeps this module free of cdk8s (the name
 * list runs it when specs are validated, which loads no cdk8s), and the hash is over exactly what is written.
 */
const q = (v: string | number): k8s.Quantity => (typeof v === 'number' ? v : quantityString(v)) as unknown as k8s.Quantity;

/** The Job spec of one build of `track` (nothing in it depends on the track but the repository it mounts). */
function jobSpec(ctx: ServingContext, track: Track, b: EngineBuild): api.JobSpec {
  const claimName = repositoryClaimName(ctx, track);
  const pvc = track.repository.pvc;
  if (!claimName || !pvc) throw new Error(`model ${b.model}: a build needs a PersistentVolumeClaim repository (the spec rules refuse any other)`);
  // the server's CPU and memory (a build holds the whole network in memory, as the server does), one GPU
  const { cpu, memory } = resolveResources(ctx.spec, ctx.runtime, ctx.gpuCount);
  const aff = affinity(ctx);
  const tol = tolerations(ctx, []);
  const labels = { ...ctx.labels(ENGINE_BUILD_COMPONENT), [BUILD_MODEL_LABEL]: b.model, [BUILD_KEY_LABEL]: b.key };
  const container: api.Container = {
    name: BUILD_CONTAINER,
    image: b.image,
    imagePullPolicy: 'IfNotPresent',
    command: b.command,
    env: [
      // CUDA's compute cache lives under $HOME; the root filesystem is read-only
      { name: 'HOME', value: '/tmp' },
      // the script's temporary files and its lock owner: unique per pod, also across nodes
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ],
    resources: {
      requests: { cpu: q(cpu.request), memory: q(memory.request) },
      limits: { cpu: q(cpu.limit), memory: q(memory.limit), [ctx.gpuResource]: q(1) },
    },
    securityContext: restrictedContainerSecurity(ctx),
    volumeMounts: [
      { name: 'model-store', mountPath: PATHS.modelStore, readOnly: false, ...(pvc.subPath ? { subPath: pvc.subPath } : {}) },
      { name: 'tmp', mountPath: '/tmp' },
    ],
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
  return {
    backoffLimit: BUILD_BACKOFF_LIMIT,
    activeDeadlineSeconds: b.timeoutSeconds,
    podFailurePolicy: {
      rules: [
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
        // onPodConditions is optional in the Job API (exactly one matcher); cdk8s-plus-28's types require it
        { action: 'FailJob', onExitCodes: { containerName: BUILD_CONTAINER, operator: 'In', values: [BUILD_EXIT_NO_TRTEXEC, BUILD_EXIT_FAILED] } } as k8s.PodFailurePolicyRule,
      ],
    },
    template: {
      // the pods' own labels and annotations (cost labels, karpenter.sh/do-not-disrupt), as on the serving pods
      metadata: platformPodMetadata(ctx, labels),
      spec: {
        // the serving pods' runtime class (the NVIDIA runtime), priority and pull Secrets (the NGC registry)
        ...platformPodFields(ctx),
        serviceAccountName: ctx.spec.serviceAccountName ?? ctx.name,
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        securityContext: podSecurity(ctx),
        restartPolicy: 'Never',
        containers: [container],
        volumes: [
          { name: 'model-store', persistentVolumeClaim: { claimName, readOnly: false } },
          { name: 'tmp', emptyDir: { sizeLimit: q('4Gi') } },
        ],
        ...(ctx.spec.nodeSelector && Object.keys(ctx.spec.nodeSelector).length ? { nodeSelector: { ...ctx.spec.nodeSelector } } : {}),
        ...(aff ? { affinity: aff } : {}),
        ...(tol ? { tolerations: tol } : {}),
      },
    },
  };
}

/** Hex characters of the spec hash in a Job's name: `<name, at most 47 characters>-trt-<hash>` fits 63 (the job-name label). */
const JOB_HASH_LENGTH = 10;

/** Every build Job of the spec, in track order (the primary track's first when it has builds). */
export function engineBuildJobs(ctx: ServingContext): EngineBuildJob[] {
  if (!ctx.runtime.engineBuilds) return [];
  const byContent = new Map<string, { build: EngineBuild; tracks: Track[]; spec: api.JobSpec }>();
  const tracks = [...ctx.tracks].sort((a, b) => Number(b.primary) - Number(a.primary));
  for (const track of tracks) {
    for (const b of ctx.runtime.engineBuilds(ctx.runtimeContext(track))) {
      const spec = jobSpec(ctx, track, b);
      const content = JSON.stringify(spec);
      const same = byContent.get(content);
      if (same) same.tracks.push(track);
      else byContent.set(content, { build: b, tracks: [track], spec });
    }
  }
  const prefix = ctx.name.slice(0, 47).replace(/-+$/, '');
  return [...byContent].map(([content, { build, tracks: ts, spec }]) => {
    const name = `${prefix}-trt-${createHash('sha256').update(content).digest('hex').slice(0, JOB_HASH_LENGTH)}`;
    return {
      id: trackId(`Build-${build.model}`, ts[0]),
      name,
      build,
      tracks: ts,
      metadata: ctx.metadata(name, ENGINE_BUILD_COMPONENT, { [BUILD_MODEL_LABEL]: build.model, [BUILD_KEY_LABEL]: build.key }),
      spec,
    };
  });
}
