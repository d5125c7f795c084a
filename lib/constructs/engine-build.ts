/**
 * Jobs that compile models for the target GPU before they are served (spec.models[].build; the runtime describes
 * each build, docs/RUNTIMES.md#tensorrt-engine-builds). One Job per model and track, named after a hash of
 * everything the result depends on: a change of source path, versions, precision, shapes, image or GPU product
 * makes a new Job, and the pods (whose wait step names the new plan) roll. The Job runs on the pods' nodes (same
 * node selector, GPU product affinity and tolerations) with one GPU, the model repository mounted writable.
 * Construct IDs: `Build-<model>` (one track) or `Build-<track>-<model>`.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Kube } from '../k8s/object';
import type * as api from '../k8s/api';
import type { ServingContext } from '../model/context';
import { TRACK_LABEL } from '../model/context';
import type { ModelRepository } from './model-repository';
import { affinity, tolerations, platformPodFields } from './pod';
import { resolveResources } from '../model/resources';
import { podSecurity, restrictedContainerSecurity } from '../model/security';
import { quantityString } from '../spec/quantity';
import { BUILD_EXIT_FAILED, BUILD_EXIT_NO_TRTEXEC } from '../runtimes/triton-engine';
import { ENGINE_BUILD_COMPONENT } from '../runtimes/types';

export interface ModelEngineBuildProps {
  readonly context: ServingContext;
  readonly repository: ModelRepository;
}

export const BUILD_CONTAINER = 'build';
/** Retries for failures a retry can fix (node lost, OOM); a failed trtexec build fails the Job at once. */
const BACKOFF_LIMIT = 2;

const q = (v: string | number) => k8s.Quantity.fromString(quantityString(v));

export class ModelEngineBuild extends Construct {
  /** Names of the Jobs, in order. */
  readonly jobNames: string[] = [];

  constructor(scope: Construct, id: string, props: ModelEngineBuildProps) {
    super(scope, id);
    const ctx = props.context;
    // the server's CPU and memory (a build holds the whole network in memory, as the server does), one GPU
    const { cpu, memory } = resolveResources(ctx.spec, ctx.runtime, ctx.gpuCount);
    const aff = affinity(ctx);
    const tol = tolerations(ctx, []);
    for (const track of ctx.tracks) {
      const repo = props.repository.mountFor(track);
      for (const b of ctx.runtime.engineBuilds?.(ctx.runtimeContext(track)) ?? []) {
        const labels = { ...ctx.labels(ENGINE_BUILD_COMPONENT), [TRACK_LABEL]: track.label, 'model-serving/model': b.model };
        const container: api.Container = {
          name: BUILD_CONTAINER,
          image: b.image,
          imagePullPolicy: 'IfNotPresent',
          command: b.command,
          // CUDA's compute cache lives under $HOME; the root filesystem is read-only
          env: [{ name: 'HOME', value: '/tmp' }],
          resources: {
            requests: { cpu: q(cpu.request), memory: q(memory.request) },
            limits: { cpu: q(cpu.limit), memory: q(memory.limit), [ctx.gpuResource]: k8s.Quantity.fromNumber(1) },
          },
          securityContext: restrictedContainerSecurity(ctx),
          volumeMounts: [...repo.mounts.map((m) => ({ ...m, readOnly: false })), { name: 'tmp', mountPath: '/tmp' }],
          terminationMessagePolicy: 'FallbackToLogsOnError',
        };
        Kube.Job(this, ctx.tracks.length > 1 ? `Build-${track.key}-${b.model}` : `Build-${b.model}`, {
          metadata: { ...ctx.metadata(b.jobName, ENGINE_BUILD_COMPONENT, { [TRACK_LABEL]: track.label, 'model-serving/model': b.model }) },
          spec: {
            backoffLimit: BACKOFF_LIMIT,
            activeDeadlineSeconds: b.timeoutSeconds,
            podFailurePolicy: {
              rules: [
                { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
                // onPodConditions is optional in the Job API (exactly one matcher); cdk8s-plus-28's types require it
                { action: 'FailJob', onExitCodes: { containerName: BUILD_CONTAINER, operator: 'In', values: [BUILD_EXIT_NO_TRTEXEC, BUILD_EXIT_FAILED] } } as k8s.PodFailurePolicyRule,
              ],
            },
            template: {
              metadata: { labels },
              spec: {
                // the serving pods' runtime class (the NVIDIA runtime), priority and pull Secrets (the NGC registry)
                ...platformPodFields(ctx),
                serviceAccountName: ctx.spec.serviceAccountName ?? ctx.name,
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                securityContext: podSecurity(ctx),
                restartPolicy: 'Never',
                containers: [container],
                volumes: [...repo.volumes, { name: 'tmp', emptyDir: { sizeLimit: q('4Gi') } }],
                ...(ctx.spec.nodeSelector && Object.keys(ctx.spec.nodeSelector).length ? { nodeSelector: { ...ctx.spec.nodeSelector } } : {}),
                ...(aff ? { affinity: aff } : {}),
                ...(tol ? { tolerations: tol } : {}),
              },
            },
          },
        });
        this.jobNames.push(b.jobName);
      }
    }
  }
}
