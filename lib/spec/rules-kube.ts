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
];

/** Every requirement the spec has that the target lacks. */
export function checkKubeTarget(list: IssueList, spec: ModelServingSpec, kubeVersion: string): void {
  for (const r of REQUIREMENTS) if (r.applies(spec)) requireKube(list, kubeVersion, r.feature, r.path, r.why);
}
