/**
 * The workload of one track: its runtime ConfigMap and the controller that runs the pods
 * (Deployment for online serving; batch and edge modes in their own files).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Kube, KubeObject } from '../k8s/object';
import type { ServingContext, Track } from '../model/context';
import type { ModelRepository } from './model-repository';
import { buildPodTemplate, PodTemplateOptions } from './pod';
import { downloadBudgetSeconds, startupBudgetSeconds } from '../model/resources';
import { clampSeconds } from '../spec/budgets';

export interface ModelWorkloadProps {
  readonly context: ServingContext;
  readonly track: Track;
  readonly repository: ModelRepository;
  /**
   * Whether an autoscaler owns the replica count (then the Deployment leaves `replicas` out).
   * @default false
   */
  readonly autoscaled?: boolean;
}

/** Builds the pod template inputs of a track: its repository mount and its runtime config. */
export function trackPodOptions(scope: Construct, ctx: ServingContext, track: Track, repository: ModelRepository): Omit<PodTemplateOptions, 'spread'> {
  const files = ctx.runtime.configFiles(ctx.runtimeContext(track));
  let configMapName: string | undefined;
  if (Object.keys(files).length) {
    configMapName = `${track.name}-config`;
    Kube.ConfigMap(scope, 'Config', {
      metadata: ctx.metadata(configMapName, 'runtime-config', { 'model-serving/track': track.label }),
      data: files,
    });
  }
  return { track, repository: repository.mountFor(track), configMapName, configFiles: files };
}

/**
 * Seconds a rollout may take before Kubernetes reports it failed: the model download (init container), the
 * startup budget, plus 10 minutes for scheduling and image pulls; at most INT32_MAX (progressDeadlineSeconds is
 * an int32, and each budget alone may reach it).
 */
export function progressDeadline(ctx: ServingContext, track: Track = ctx.tracks[0]): number {
  return clampSeconds(downloadBudgetSeconds(track.repository) + startupBudgetSeconds(ctx.spec, ctx.runtime, track.repository) + 600);
}

/**
 * A track's Deployment (construct ID `Deployment`) and ConfigMap (`Config`).
 * Rolling updates default to maxSurge 0 / maxUnavailable 1: a rollout never needs a spare GPU.
 */
export class ModelWorkload extends Construct {
  /** The track's Deployment (construct ID `Deployment`). */
  readonly deployment: KubeObject;
  readonly name: string;
  /** The rollout track this workload runs. */
  readonly track: Track;

  constructor(scope: Construct, id: string, props: ModelWorkloadProps) {
    super(scope, id);
    const { context: ctx, track } = props;
    const opts = trackPodOptions(this, ctx, track, props.repository);
    const ru = ctx.spec.rollingUpdate ?? {};
    const ios = (v: number | string) => (typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v));
    this.name = track.name;
    this.track = track;
    this.deployment = Kube.Deployment(this, 'Deployment', {
      metadata: ctx.metadata(track.name, 'model-server', { 'model-serving/track': track.label }),
      spec: {
        ...(props.autoscaled ? {} : { replicas: ctx.replicasOf(track).replicas }),
        selector: { matchLabels: ctx.selector(track.label) },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: ios(ru.maxSurge ?? 0), maxUnavailable: ios(ru.maxUnavailable ?? 1) },
        },
        revisionHistoryLimit: 5,
        progressDeadlineSeconds: progressDeadline(ctx, track),
        template: buildPodTemplate(ctx, { ...opts, spread: true }),
      },
    });
  }
}
