/**
 * TypeScript model of `inference.networking.k8s.io/v1` InferencePool (no npm model exists).
 *
 * Written by hand from the upstream CRD:
 *   github.com/kubernetes-sigs/gateway-api-inference-extension
 *   config/crd/bases/inference.networking.k8s.io_inferencepools.yaml (v1.6.0; Go types api/v1/inferencepool_types.go)
 *
 * Optional/required and enums follow the CRD's openAPIV3Schema; every interface is closed, so an extra property in
 * an object literal typed with it is a compile error (the strict layer of test/support/k8s-validate.ts).
 */
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap' with { 'resolution-mode': 'import' };

export type ObjectMeta = NonNullable<IConfigMap['metadata']>;

export interface Port {
  /** int32, 1-65535. */
  number: number;
}

export interface LabelSelector {
  /** 1-64 entries; values are label values (at most 63 characters). */
  matchLabels: { [key: string]: string };
}

export interface EndpointPickerRef {
  /** Default "" (core). */
  group?: string;
  /** Default Service. */
  kind?: string;
  name: string;
  /** Required when kind is Service (CEL rule). */
  port?: Port;
  failureMode?: 'FailOpen' | 'FailClose';
}

export interface InferencePoolSpec {
  selector: LabelSelector;
  /** 1-8 ports, unique numbers (CEL rule). */
  targetPorts: Port[];
  appProtocol?: 'http' | 'kubernetes.io/h2c';
  endpointPickerRef?: EndpointPickerRef;
}

export interface Condition {
  lastTransitionTime: string;
  message: string;
  observedGeneration?: number;
  reason: string;
  status: 'True' | 'False' | 'Unknown';
  type: string;
}

export interface ParentReference {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
}

export interface ParentStatus {
  conditions?: Condition[];
  controllerName?: string;
  parentRef: ParentReference;
}

export interface InferencePoolStatus {
  parents?: ParentStatus[];
}

export interface IInferencePool {
  apiVersion: 'inference.networking.k8s.io/v1';
  kind: 'InferencePool';
  metadata?: ObjectMeta;
  spec: InferencePoolSpec;
  status?: InferencePoolStatus;
}
