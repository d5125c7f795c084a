/**
 * The part of `autoscaling.k8s.io/v1` VerticalPodAutoscaler this project writes. There is no npm model
 * for the VPA (docs/AUTOSCALING.md); these closed interfaces follow the upstream CRD
 * (kubernetes/autoscaler `vertical-pod-autoscaler/deploy/vpa-v1-crd-gen.yaml`), so a typo in an object
 * literal typed with them is a compile error. Tests validate the synthesized objects against the fuller
 * mirror in test/support/vpa-types.ts.
 */

/** resource.Quantity as JSON: `"500m"`, `"8Gi"` or a plain number. */
export type VpaQuantity = string | number;

/** `cpu` / `memory` -> quantity (minAllowed, maxAllowed). */
export type VpaResourceList = Record<string, VpaQuantity>;

/**
 * spec.updatePolicy.updateMode. `Off`: recommendations only; `Initial`: only at pod creation;
 * `Recreate`: evicts pods to apply; `InPlaceOrRecreate`: resizes in place when the node allows it
 * (VPA 1.6 GA, Kubernetes 1.33+); `Auto`: deprecated upstream, same as Recreate.
 */
export type VpaUpdateMode = 'Off' | 'Initial' | 'Recreate' | 'InPlaceOrRecreate' | 'Auto';

/** spec.resourcePolicy.containerPolicies[] (the fields this project sets). */
export interface VpaContainerPolicy {
  /** A container name, or `*` for every container without its own policy. */
  readonly containerName: string;
  /** `Auto` (the CRD default) lets the VPA act on this container; `Off` leaves it alone. */
  readonly mode: 'Auto' | 'Off';
  readonly controlledResources?: readonly ('cpu' | 'memory')[];
  /** `RequestsAndLimits` (the CRD default) scales limits in proportion to requests. */
  readonly controlledValues?: 'RequestsAndLimits' | 'RequestsOnly';
  readonly minAllowed?: VpaResourceList;
  readonly maxAllowed?: VpaResourceList;
}

/** spec of a VerticalPodAutoscaler. */
export interface VerticalPodAutoscalerSpec {
  readonly targetRef: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly updatePolicy: { readonly updateMode: VpaUpdateMode };
  readonly resourcePolicy: { readonly containerPolicies: readonly VpaContainerPolicy[] };
}

export const VPA_API_VERSION = 'autoscaling.k8s.io/v1';
export const VPA_KIND = 'VerticalPodAutoscaler';
