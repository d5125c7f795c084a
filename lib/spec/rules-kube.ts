/**
 * What the target Kubernetes version must have for a spec: one row per spec feature that needs a release
 * newer than the oldest target (lib/spec/kube-version.ts). Each refusal names the field and the release.
 */
import type { ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';
import { requireKube, KubeFeature } from './kube-version';

interface KubeRequirement {
  readonly feature: KubeFeature;
  /** Field path the issue names. */
  readonly path: string;
  /** What in the spec needs the feature (the start of the message). */
  readonly why: string;
  readonly applies: (spec: ModelServingSpec) => boolean;
}

const REQUIREMENTS: readonly KubeRequirement[] = [
  {
    feature: 'nativeSidecars',
    path: 'spec.mode',
    why: 'mode batch (the server runs as a sidecar of the batch client)',
    applies: (s) => s.mode === 'batch',
  },
  ...(['scaleUp', 'scaleDown'] as const).map((dir): KubeRequirement => ({
    feature: 'hpaTolerance',
    path: `spec.autoscaling.behavior.${dir}.tolerance`,
    why: 'a per-HPA tolerance',
    applies: (s) => s.autoscaling?.behavior?.[dir]?.tolerance !== undefined,
  })),
  {
    feature: 'hpaScaleToZero',
    path: 'spec.autoscaling.minReplicas',
    why: '0 with engine hpa (scale to zero behind spec.inferencePool; engine keda scales to zero on any release)',
    applies: (s) => s.inferencePool !== undefined && (s.autoscaling?.engine ?? 'hpa') === 'hpa' && s.autoscaling?.minReplicas === 0,
  },
  {
    feature: 'inPlaceResize',
    path: 'spec.verticalAutoscaling.updateMode',
    why: 'InPlaceOrRecreate (the VPA resizes running pods in place)',
    applies: (s) => s.verticalAutoscaling?.updateMode === 'InPlaceOrRecreate',
  },
  {
    feature: 'dra',
    path: 'spec.resources.gpu.claim',
    why: 'a GPU claim (ResourceClaimTemplate / ResourceClaim, resource.k8s.io/v1)',
    applies: (s) => s.resources?.gpu?.claim !== undefined,
  },
  {
    feature: 'imageVolumes',
    path: 'spec.repository.image',
    why: 'the model as an image volume',
    applies: (s) => s.repository.image !== undefined,
  },
  ...['canary', 'tracks'].map((_, i): KubeRequirement => ({
    feature: 'imageVolumes',
    path: i === 0 ? 'spec.rollout.canary.repository.image' : 'spec.rollout.tracks',
    why: i === 0 ? 'the model as an image volume' : 'a track whose repository is an image volume',
    applies: (s) => (i === 0
      ? s.rollout?.canary?.repository?.image !== undefined
      : Object.values(s.rollout?.tracks ?? {}).some((t) => t.repository?.image !== undefined)),
  })),
];

/** Every requirement the spec has that the target lacks. */
export function checkKubeTarget(list: IssueList, spec: ModelServingSpec, kubeVersion: string): void {
  for (const r of REQUIREMENTS) if (r.applies(spec)) requireKube(list, kubeVersion, r.feature, r.path, r.why);
}
