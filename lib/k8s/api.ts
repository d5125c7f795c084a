/**
 * Kubernetes API types for what this project emits: cdk8s-plus-28's L1 interfaces (Kubernetes 1.28), widened by
 * the fields added since 1.28 that we write. Every widened field is listed in `NEWER_FIELDS` with the release
 * that has it; objects carrying them are emitted through `KubeObject` (./object.ts), which cannot drop a field.
 * Field shapes follow kubernetes/kubernetes `staging/src/k8s.io/api/core/v1/types.go` (and the apps, batch
 * groups) of the release named in each entry.
 */
import type { k8s } from 'cdk8s-plus-28';

/** lifecycle handler with `sleep` (PodLifecycleSleepAction). */
export interface LifecycleHandler extends k8s.LifecycleHandler {
  readonly sleep?: { readonly seconds: number };
}
export interface Lifecycle {
  readonly postStart?: LifecycleHandler;
  readonly preStop?: LifecycleHandler;
}

/**
 * The L1 interfaces rename a few JSON fields to camel case (`clusterIP` is `clusterIp`, `hostPID` is `hostPid`)
 * and their serializer renames them back. Objects here are written as JSON, so those fields are left out of
 * the types (a use is a compile error) and, where we need one, declared with its JSON name.
 */
export interface ContainerPort extends Omit<k8s.ContainerPort, 'hostIp'> {}

/** resources.claims[]: a claim of the pod (and one request of it) this container uses (core/v1 ResourceClaim, `request` since 1.31). */
export interface ContainerResourceClaim {
  readonly name: string;
  readonly request?: string;
}
export interface ResourceRequirements extends Omit<k8s.ResourceRequirements, 'claims'> {
  readonly claims?: ContainerResourceClaim[];
}

export interface Container extends Omit<k8s.Container, 'lifecycle' | 'ports' | 'resources'> {
  readonly lifecycle?: Lifecycle;
  readonly ports?: ContainerPort[];
  readonly resources?: ResourceRequirements;
}

/** volumes[].image (core/v1 ImageVolumeSource): an OCI image or artifact mounted read-only. */
export interface ImageVolumeSource {
  readonly reference: string;
  readonly pullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
}
export interface Volume extends k8s.Volume {
  readonly image?: ImageVolumeSource;
}

/** spec.resourceClaims[] (core/v1 PodResourceClaim since 1.31): exactly one of resourceClaimName, resourceClaimTemplateName. */
export interface PodResourceClaim {
  readonly name: string;
  readonly resourceClaimName?: string;
  readonly resourceClaimTemplateName?: string;
}

export interface PodSpec extends Omit<k8s.PodSpec, 'containers' | 'initContainers' | 'volumes' | 'hostPid' | 'hostIpc' | 'setHostnameAsFqdn' | 'resourceClaims'> {
  readonly containers: Container[];
  readonly initContainers?: Container[];
  readonly volumes?: Volume[];
  readonly resourceClaims?: PodResourceClaim[];
}

export interface PodTemplateSpec {
  readonly metadata?: k8s.ObjectMeta;
  readonly spec?: PodSpec;
}

export interface DeploymentSpec extends Omit<k8s.DeploymentSpec, 'template'> {
  readonly template: PodTemplateSpec;
}
export interface DaemonSetSpec extends Omit<k8s.DaemonSetSpec, 'template'> {
  readonly template: PodTemplateSpec;
}
export interface JobSpec extends Omit<k8s.JobSpec, 'template'> {
  readonly template: PodTemplateSpec;
}
export interface CronJobSpec extends Omit<k8s.CronJobSpec, 'jobTemplate'> {
  readonly jobTemplate: { readonly metadata?: k8s.ObjectMeta; readonly spec?: JobSpec };
}
export interface ServiceSpec extends Omit<k8s.ServiceSpec, 'clusterIp' | 'loadBalancerIp'> {
  /** `None` makes a headless Service. */
  readonly clusterIP?: string;
}

/** The props of an object of kind K: metadata and spec. */
export interface ObjectProps<S> {
  readonly metadata: k8s.ObjectMeta;
  readonly spec: S;
}

/** A field newer than Kubernetes 1.28 that this project emits. */
export interface NewerField {
  /** Kind of the object that carries it. */
  readonly kind: string;
  /** Path in the object, `[]` for every list item (e.g. `spec.template.spec.containers[].lifecycle.preStop.sleep`). */
  readonly path: string;
  /** First Kubernetes release where the field works without enabling a feature gate. */
  readonly since: string;
  /** Feature gate (or API) and the source the version was read in. */
  readonly source: string;
}

/** Where a workload kind's pod template is. */
const TEMPLATE: Record<string, string> = {
  Deployment: 'spec.template', DaemonSet: 'spec.template', Job: 'spec.template', CronJob: 'spec.jobTemplate.spec.template',
};

/** Pod-template fields newer than 1.28, by name, for a workload kind. */
const POD_FIELDS = {
  image: (kind: string): NewerField => ({
    kind, path: `${TEMPLATE[kind]}.spec.volumes[].image`, since: '1.35',
    source: 'feature gate ImageVolume (alpha 1.31, beta 1.33, on by default in 1.35, GA 1.36); kubernetes/api core/v1 ImageVolumeSource',
  }),
  resourceClaimName: (kind: string): NewerField => ({
    kind, path: `${TEMPLATE[kind]}.spec.resourceClaims[].resourceClaimName`, since: '1.34',
    source: 'feature gate DynamicResourceAllocation (GA in 1.34); core/v1 PodResourceClaim.resourceClaimName since 1.31',
  }),
  resourceClaimTemplateName: (kind: string): NewerField => ({
    kind, path: `${TEMPLATE[kind]}.spec.resourceClaims[].resourceClaimTemplateName`, since: '1.34',
    source: 'feature gate DynamicResourceAllocation (GA in 1.34); core/v1 PodResourceClaim.resourceClaimTemplateName since 1.31',
  }),
  // mode batch runs the server as a native sidecar: an init container
  request: (kind: string): NewerField => ({
    kind, path: `${TEMPLATE[kind]}.spec.${kind === 'Job' || kind === 'CronJob' ? 'initContainers' : 'containers'}[].resources.claims[].request`, since: '1.34',
    source: 'feature gate DynamicResourceAllocation (GA in 1.34); core/v1 ResourceClaim.request since 1.31',
  }),
};

/**
 * Every field newer than 1.28 that the project emits. test/no-drop.test.ts checks that each one survives
 * synthesis, and that no emitted field outside the 1.28 schema is missing from this list.
 */
export const NEWER_FIELDS: readonly NewerField[] = [
  ...['Deployment', 'DaemonSet'].map((kind) => ({
    kind,
    path: 'spec.template.spec.containers[].lifecycle.preStop.sleep',
    since: '1.30',
    source: 'feature gate PodLifecycleSleepAction (beta, on by default, in 1.30; GA in 1.34)',
  })),
  ...([
    ['Deployment', ['image', 'resourceClaimName', 'resourceClaimTemplateName', 'request']],
    // a DaemonSet's pods run on many nodes: never one shared claim (spec.resources.gpu.claim.sharing is refused)
    ['DaemonSet', ['image', 'resourceClaimTemplateName', 'request']],
    ['Job', ['image', 'resourceClaimName', 'resourceClaimTemplateName', 'request']],
    ['CronJob', ['image', 'resourceClaimName', 'resourceClaimTemplateName', 'request']],
  ] as const).flatMap(([kind, fields]) => fields.map((f) => POD_FIELDS[f](kind))),
  ...['scaleUp', 'scaleDown'].map((dir) => ({
    kind: 'HorizontalPodAutoscaler',
    path: `spec.behavior.${dir}.tolerance`,
    since: '1.35',
    source: 'feature gate HPAConfigurableTolerance (alpha 1.33, beta on by default 1.35)',
  })),
];
