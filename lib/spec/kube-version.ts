/**
 * The target Kubernetes version: what the generated objects may rely on. `model-serving synth --kube-version`,
 * the `kubeVersion` option of the constructs, the cdk8s app and the Pulumi component all set it. A spec that
 * needs a feature the target lacks is refused with the release that has it; a default that has a newer form
 * (the preStop sleep action) falls back to the older one on an older target.
 */
import type { IssueList } from './errors';

/** Kubernetes minor releases with upstream support on 2026-11-30 (kubernetes.io/releases). */
export const SUPPORTED_KUBE_VERSIONS = ['1.35', '1.36', '1.37'] as const;
/** The oldest supported release: manifests for it run on every supported cluster. */
export const DEFAULT_KUBE_VERSION = '1.35';
/** Targets accepted: from the release cdk8s-plus-28 models (1.28) to the newest one known. */
export const OLDEST_KUBE_VERSION = '1.28';
export const NEWEST_KUBE_VERSION = '1.37';

/**
 * Features the generated objects use that a Kubernetes release may lack. `since` is the first release where the
 * feature works without enabling a feature gate (beta on by default, or GA), from the feature gate's versioned
 * spec in kubernetes/kubernetes `pkg/features/kube_features.go`.
 */
export const KUBE_FEATURES = {
  nativeSidecars: { since: '1.29', what: 'native sidecar containers (an init container with restartPolicy: Always; feature gate SidecarContainers, beta on by default in 1.29, GA 1.33)' },
  preStopSleep: { since: '1.30', what: 'the sleep lifecycle action (lifecycle.preStop.sleep; feature gate PodLifecycleSleepAction, beta on by default in 1.30, GA 1.34)' },
  inPlaceResize: { since: '1.33', what: 'in-place pod resize (feature gate InPlacePodVerticalScaling, beta on by default in 1.33, GA 1.35)' },
  dra: { since: '1.34', what: 'Dynamic Resource Allocation with resource.k8s.io/v1 (feature gate DynamicResourceAllocation, GA in 1.34)' },
  imageVolumes: { since: '1.35', what: 'image volumes (volumes[].image; feature gate ImageVolume, beta on by default in 1.35, GA 1.36; the node\'s container runtime must support it too)' },
  hpaTolerance: { since: '1.35', what: 'a per-HPA tolerance (behavior.scaleUp/scaleDown.tolerance; feature gate HPAConfigurableTolerance, beta on by default in 1.35)' },
  hpaScaleToZero: { since: '1.37', what: 'HPA minReplicas 0 (feature gate HPAScaleToZero, beta on by default in 1.37)' },
} as const satisfies Record<string, { since: string; what: string }>;

export type KubeFeature = keyof typeof KUBE_FEATURES;

/** `1.35` -> [1, 35]; undefined when `v` is not MAJOR.MINOR. */
function parts(v: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Whether release `target` is `since` or newer. */
export function kubeAtLeast(target: string, since: string): boolean {
  const [a, b] = [parts(target), parts(since)];
  if (!a || !b) throw new Error(`not a Kubernetes version: ${!a ? target : since}`);
  return a[0] !== b[0] ? a[0] > b[0] : a[1] >= b[1];
}

/** The problem with a requested target version, or undefined when it is one this project knows. */
export function kubeVersionProblem(v: string): string | undefined {
  const p = parts(v);
  if (!p) return `"${v}" is not a Kubernetes version: write MAJOR.MINOR, e.g. ${DEFAULT_KUBE_VERSION}`;
  if (!kubeAtLeast(v, OLDEST_KUBE_VERSION) || !kubeAtLeast(NEWEST_KUBE_VERSION, v)) {
    return `${v} is not a target this version of cdk8s-model-serving knows: use ${OLDEST_KUBE_VERSION} to ${NEWEST_KUBE_VERSION} ` +
      `(supported upstream: ${SUPPORTED_KUBE_VERSIONS.join(', ')})`;
  }
  return undefined;
}

/** The normalized target (`v1.36` -> `1.36`); the default when none is given. Throws on an unknown version. */
export function resolveKubeVersion(v: string | undefined): string {
  if (v === undefined) return DEFAULT_KUBE_VERSION;
  const problem = kubeVersionProblem(v);
  if (problem) throw new RangeError(problem);
  const [major, minor] = parts(v)!;
  return `${major}.${minor}`;
}

/** Whether the target has `feature`. */
export function kubeSupports(target: string, feature: KubeFeature): boolean {
  return kubeAtLeast(target, KUBE_FEATURES[feature].since);
}

/** Adds an issue at `path` when the target lacks `feature`; `why` says what in the spec needs it. */
export function requireKube(list: IssueList, target: string, feature: KubeFeature, path: string, why: string): void {
  if (kubeSupports(target, feature)) return;
  const f = KUBE_FEATURES[feature];
  list.add(path, `${why} needs ${f.what}, which Kubernetes ${f.since} has; the target is ${target} (--kube-version)`);
}
