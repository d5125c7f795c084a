/**
 * Jobs that compile models for the target GPU before they are served (spec.models[].build; the runtime describes
 * each build, docs/RUNTIMES.md#tensorrt-engine-builds). The Jobs are rendered by lib/model/engine-jobs.ts: one per
 * distinct build (tracks with the same build share it), named after a hash of the whole Job spec (a Job's pod
 * template is immutable, so a change makes a new Job), on the pods' nodes (same node selector, GPU product affinity,
 * tolerations, platform fields, pod labels and annotations) with one GPU and the model repository mounted writable.
 * Construct IDs: `Build-<model>` for the primary track's build (also when other tracks share it), `Build-<model>-<track>`
 * for another track's own build (trackId, lib/model/context.ts).
 */
import { Construct } from 'constructs';
import { Kube, KubeObject } from '../k8s/object';
import type { ServingContext } from '../model/context';
import type { ModelRepository } from './model-repository';
import { engineBuildJobs } from '../model/engine-jobs';

export { BUILD_CONTAINER } from '../model/engine-jobs';

export interface ModelEngineBuildProps {
  readonly context: ServingContext;
  /** The spec's repository (the Jobs mount the tracks' PersistentVolumeClaims by name). */
  readonly repository: ModelRepository;
}

export class ModelEngineBuild extends Construct {
  /** Names of the Jobs, in order. */
  readonly jobNames: string[] = [];
  /** The Jobs, in order. */
  readonly jobs: KubeObject[] = [];

  constructor(scope: Construct, id: string, props: ModelEngineBuildProps) {
    super(scope, id);
    for (const job of engineBuildJobs(props.context)) {
      this.jobs.push(Kube.Job(this, job.id, { metadata: job.metadata, spec: job.spec }));
      this.jobNames.push(job.name);
    }
  }
}
