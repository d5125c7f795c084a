/**
 * Mode batch: an Indexed Job (or a CronJob when `spec.batch.schedule` is set) whose pods download their shard of
 * the input, run the model server as a native sidecar, send every input to it and upload the results. The pod
 * completes when the upload exits; the kubelet then stops the server. No Service, Ingress or autoscaler.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Kube, KubeObject } from '../k8s/object';
import type { ServingContext } from '../model/context';
import { TRACK_LABEL } from '../model/context';
import type { ModelRepository } from './model-repository';
import { trackPodOptions } from './workload';
import { buildPodTemplate } from './pod';
import { batchSteps, clientFiles } from '../batch/steps';
import { EXIT_REJECTED } from '../batch/client-py';

export interface ModelBatchJobProps {
  readonly context: ServingContext;
  readonly repository: ModelRepository;
}

/** Defaults of spec.batch, applied here and documented in the schema. */
export const BATCH_DEFAULTS = {
  parallelism: 1,
  backoffLimit: 2,
  ttlSecondsAfterFinished: 86400,
  restartPolicy: 'Never',
  concurrencyPolicy: 'Forbid',
  /** Kubernetes' own defaults, written out. */
  successfulJobsHistoryLimit: 3,
  failedJobsHistoryLimit: 1,
} as const;

/**
 * With restartPolicy Never: an evicted or preempted pod (condition DisruptionTarget) is replaced without counting
 * against backoffLimit, and rejected requests (upload-results exit 3) fail the Job at once: a retry would send
 * the same inputs again.
 */
export function podFailurePolicy(): k8s.PodFailurePolicy {
  return {
    rules: [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      // onPodConditions is optional in the Job API (exactly one of the two matchers); cdk8s-plus-28's types require it
      { action: 'FailJob', onExitCodes: { containerName: 'upload-results', operator: 'In', values: [EXIT_REJECTED] } } as k8s.PodFailurePolicyRule,
    ],
  };
}

/**
 * The batch workload of a spec. Construct IDs: `Config` (runtime ConfigMap, when the runtime has files),
 * `ClientConfig` (`<name>-batch-client`), and `Job` or `CronJob` (`<name>`).
 */
export class ModelBatchJob extends Construct {
  readonly name: string;
  /** The Job (no schedule) or the CronJob. */
  readonly workload: KubeObject;

  constructor(scope: Construct, id: string, props: ModelBatchJobProps) {
    super(scope, id);
    const ctx = props.context;
    const b = ctx.spec.batch;
    if (!b) throw new Error('ModelBatchJob needs spec.batch');
    const track = ctx.tracks[0];
    this.name = ctx.name;
    const opts = trackPodOptions(this, ctx, track, props.repository);
    const clientConfigMapName = `${ctx.name}-batch-client`;
    Kube.ConfigMap(this, 'ClientConfig', {
      metadata: ctx.metadata(clientConfigMapName, 'batch-client'),
      data: clientFiles(ctx, track),
    });
    const parallelism = b.parallelism ?? BATCH_DEFAULTS.parallelism;
    const completions = b.completions ?? parallelism;
    const restartPolicy = b.restartPolicy ?? BATCH_DEFAULTS.restartPolicy;
    const steps = batchSteps(ctx, track, { clientConfigMapName, shards: completions, perRunOutput: b.schedule !== undefined });
    const template = buildPodTemplate(ctx, {
      ...opts,
      spread: false,
      restartPolicy,
      serverSidecar: { before: steps.before, after: steps.after },
      extraContainers: steps.containers,
      extraVolumes: steps.volumes,
    });
    const jobSpec: k8s.JobSpec = {
      completionMode: 'Indexed',
      completions,
      parallelism,
      backoffLimit: b.backoffLimit ?? BATCH_DEFAULTS.backoffLimit,
      ttlSecondsAfterFinished: b.ttlSecondsAfterFinished ?? BATCH_DEFAULTS.ttlSecondsAfterFinished,
      ...(b.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: b.activeDeadlineSeconds } : {}),
      // the Job API refuses a podFailurePolicy with restartPolicy OnFailure
      ...(restartPolicy === 'Never' ? { podFailurePolicy: podFailurePolicy() } : {}),
      template,
    };
    const metadata = ctx.metadata(ctx.name, 'model-server', { [TRACK_LABEL]: track.label });
    if (b.schedule === undefined) {
      this.workload = Kube.Job(this, 'Job', { metadata, spec: jobSpec });
    } else {
      this.workload = Kube.CronJob(this, 'CronJob', {
        metadata,
        spec: {
          schedule: b.schedule,
          ...(b.timeZone ? { timeZone: b.timeZone } : {}),
          concurrencyPolicy: b.concurrencyPolicy ?? BATCH_DEFAULTS.concurrencyPolicy,
          successfulJobsHistoryLimit: BATCH_DEFAULTS.successfulJobsHistoryLimit,
          failedJobsHistoryLimit: BATCH_DEFAULTS.failedJobsHistoryLimit,
          jobTemplate: { metadata: { labels: metadata.labels }, spec: jobSpec },
        },
      });
    }
  }
}
