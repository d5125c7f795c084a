/**
 * TypeScript model of `autoscaling.k8s.io/v1` VerticalPodAutoscaler (no npm model exists).
 *
 * Written by hand from the upstream CRD:
 *   github.com/kubernetes/autoscaler
 *   vertical-pod-autoscaler/deploy/vpa-v1-crd-gen.yaml
 *   (commit 01d08994849cd8d87fb479ee01e4bd58fb6b607b, controller-gen v0.21.0, version `v1`)
 *
 * Optional/required and enums follow the CRD's openAPIV3Schema exactly; descriptions are shortened.
 * Used by test/support/k8s-validate.ts for the strict (unknown-field) check, so every interface is
 * closed: an extra property in an object literal typed with it is a compile error.
 */
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap' with { 'resolution-mode': 'import' };

/** kubernetes-models' ObjectMeta (taken from a kubernetes-models interface so that no transitive package is imported). */
export type ObjectMeta = NonNullable<IConfigMap['metadata']>;

/** resource.Quantity: CRD `anyOf: [integer, string]` + `x-kubernetes-int-or-string`. */
export type Quantity = number | string;

/** ResourceName -> Quantity map (minAllowed, maxAllowed, recommendation bounds). */
export type ResourceList = { [resourceName: string]: Quantity };

/** spec.updatePolicy.updateMode enum (v1). `Auto` is deprecated upstream but still accepted. */
export const VPA_UPDATE_MODES = ['Off', 'Initial', 'Recreate', 'InPlaceOrRecreate', 'InPlace', 'Auto'] as const;
export type UpdateMode = (typeof VPA_UPDATE_MODES)[number];

/** containerPolicies[].mode enum. */
export const VPA_CONTAINER_MODES = ['Auto', 'Off'] as const;
export type ContainerScalingMode = (typeof VPA_CONTAINER_MODES)[number];

/** containerPolicies[].controlledValues enum. */
export const VPA_CONTROLLED_VALUES = ['RequestsAndLimits', 'RequestsOnly'] as const;
export type ContainerControlledValues = (typeof VPA_CONTROLLED_VALUES)[number];

/**
 * The resources VPA can act on. The CRD types controlledResources items as plain ResourceName strings,
 * so the interface keeps `string`; the validator's hand-written check restricts items to these.
 */
export const VPA_CONTROLLED_RESOURCES = ['cpu', 'memory'] as const;

/** updatePolicy.evictionRequirements[].changeRequirement enum. */
export type EvictionChangeRequirement = 'TargetHigherThanRequests' | 'TargetLowerThanRequests';

/** spec.targetRef (autoscaling/v1 CrossVersionObjectReference; CRD requires kind and name). */
export interface CrossVersionObjectReference {
  apiVersion?: string;
  kind: string;
  name: string;
}

export interface EvictionRequirement {
  changeRequirement: EvictionChangeRequirement;
  /** ResourceNames; the requirement holds if at least one of them meets changeRequirement. */
  resources: string[];
}

export interface PodUpdatePolicy {
  /** int32, minimum 1. */
  evictAfterOOMSeconds?: number;
  evictionRequirements?: EvictionRequirement[];
  /** int32; minimal number of live replicas before the Updater may evict. */
  minReplicas?: number;
  /** Default 'Recreate'. */
  updateMode?: UpdateMode;
}

/** startupBoost.cpu: `factor` is required iff type is Factor, `quantity` iff type is Quantity (CEL rules). */
export interface StartupBoostResource {
  /** int32; seconds to keep the pod boosted after it becomes Ready. */
  durationSeconds?: number;
  /** int32. */
  factor?: number;
  quantity?: Quantity;
  type: 'Factor' | 'Quantity';
}

export interface StartupBoost {
  cpu?: StartupBoostResource;
}

export interface ContainerResourcePolicy {
  /** Container name, or `*` (DefaultContainerResourcePolicy). */
  containerName?: string;
  /** ResourceNames; default [cpu, memory]. */
  controlledResources?: string[];
  /** Default 'RequestsAndLimits'. */
  controlledValues?: ContainerControlledValues;
  maxAllowed?: ResourceList;
  /** int64, minimum 1. */
  memoryAggregationIntervalCount?: number;
  /** int32, minimum 1. */
  memoryAggregationIntervalSeconds?: number;
  minAllowed?: ResourceList;
  /** Default 'Auto'. */
  mode?: ContainerScalingMode;
  oomBumpUpRatio?: Quantity;
  oomMinBumpUp?: Quantity;
  startupBoost?: StartupBoost;
  targetCPUPercentile?: Quantity;
  targetMemoryPercentile?: Quantity;
}

export interface PodResourcePolicy {
  containerPolicies?: ContainerResourcePolicy[];
}

export interface VerticalPodAutoscalerRecommenderSelector {
  name: string;
}

export interface VerticalPodAutoscalerSpec {
  /** Empty (default recommender) or exactly one recommender. */
  recommenders?: VerticalPodAutoscalerRecommenderSelector[];
  resourcePolicy?: PodResourcePolicy;
  startupBoost?: StartupBoost;
  targetRef: CrossVersionObjectReference;
  updatePolicy?: PodUpdatePolicy;
}

export interface VerticalPodAutoscalerCondition {
  lastTransitionTime?: string;
  message?: string;
  /** int64, minimum 0. */
  observedGeneration?: number;
  reason?: string;
  status: string;
  type: string;
}

export interface RecommendedContainerResources {
  containerName?: string;
  lowerBound?: ResourceList;
  target: ResourceList;
  uncappedTarget?: ResourceList;
  upperBound?: ResourceList;
}

export interface VerticalPodAutoscalerStatus {
  conditions?: VerticalPodAutoscalerCondition[];
  /** int64, minimum 0. */
  observedGeneration?: number;
  recommendation?: { containerRecommendations?: RecommendedContainerResources[] };
}

export interface IVerticalPodAutoscaler {
  apiVersion: 'autoscaling.k8s.io/v1';
  kind: 'VerticalPodAutoscaler';
  metadata?: ObjectMeta;
  /** Required by the CRD. */
  spec: VerticalPodAutoscalerSpec;
  status?: VerticalPodAutoscalerStatus;
}
