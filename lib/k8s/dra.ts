/**
 * Dynamic Resource Allocation objects this project writes (`resource.k8s.io/v1`, GA in Kubernetes 1.34), and the
 * NVIDIA DRA driver's opaque device configuration. Closed interfaces written from kubernetes/api `resource/v1/types.go`
 * (ResourceClaimSpec, DeviceClaim, DeviceRequest, ExactDeviceRequest, DeviceClaimConfiguration,
 * OpaqueDeviceConfiguration) and from NVIDIA/k8s-dra-driver-gpu v25.12.0 `api/nvidia.com/resource/v1beta1`
 * (gpuconfig.go, migconfig.go, sharing.go). The driver decodes its parameters strictly (unknown fields fail the
 * pod's preparation: api.go StrictDecoder), so these are closed too. Tests check the synthesized objects with
 * kubernetes-models (ResourceClaim, ResourceClaimTemplate) and test/support/nvidia-dra-types.ts.
 */
export const RESOURCE_API_VERSION = 'resource.k8s.io/v1';
/** The NVIDIA DRA driver's name (cmd/gpu-kubelet-plugin/main.go DriverName) and config API group/version. */
export const NVIDIA_DRIVER = 'gpu.nvidia.com';
export const NVIDIA_CONFIG_API_VERSION = 'resource.nvidia.com/v1beta1';

/** sharing.go TimeSliceInterval. */
export type TimeSliceInterval = 'Default' | 'Short' | 'Medium' | 'Long';

/** sharing.go MpsConfig. */
export interface MpsConfig {
  /** 0..100 (validate.go). */
  readonly defaultActiveThreadPercentage?: number;
  /** resource.Quantity. */
  readonly defaultPinnedDeviceMemoryLimit?: string;
}

/** sharing.go GpuSharing: exactly the config of its strategy. */
export type GpuSharing =
  | { readonly strategy: 'TimeSlicing'; readonly timeSlicingConfig: { readonly interval: TimeSliceInterval } }
  | { readonly strategy: 'MPS'; readonly mpsConfig: MpsConfig };

/** sharing.go MigDeviceSharing: no time-slicing settings on MIG devices. */
export type MigDeviceSharing =
  | { readonly strategy: 'TimeSlicing' }
  | { readonly strategy: 'MPS'; readonly mpsConfig: MpsConfig };

/** gpuconfig.go GpuConfig / migconfig.go MigDeviceConfig. */
export type NvidiaDeviceConfig =
  | { readonly apiVersion: typeof NVIDIA_CONFIG_API_VERSION; readonly kind: 'GpuConfig'; readonly sharing?: GpuSharing }
  | { readonly apiVersion: typeof NVIDIA_CONFIG_API_VERSION; readonly kind: 'MigDeviceConfig'; readonly sharing?: MigDeviceSharing };

/** resource/v1 ExactDeviceRequest (the fields written here). */
export interface ExactDeviceRequest {
  readonly deviceClassName: string;
  readonly selectors?: readonly { readonly cel: { readonly expression: string } }[];
  readonly allocationMode: 'ExactCount';
  readonly count: number;
}

/** resource/v1 ResourceClaimSpec (the fields written here). */
export interface ResourceClaimSpec {
  readonly devices: {
    readonly requests: readonly { readonly name: string; readonly exactly: ExactDeviceRequest }[];
    readonly config?: readonly {
      readonly requests: readonly string[];
      readonly opaque: { readonly driver: string; readonly parameters: NvidiaDeviceConfig };
    }[];
  };
}
