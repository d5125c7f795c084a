/**
 * TypeScript model of the NVIDIA DRA driver's opaque device configuration (`resource.nvidia.com/v1beta1`
 * GpuConfig and MigDeviceConfig), the `parameters` of a ResourceClaim's `devices.config[].opaque` for driver
 * gpu.nvidia.com. No npm model exists.
 *
 * Written by hand from the driver's Go types: github.com/NVIDIA/k8s-dra-driver-gpu tag v25.12.0,
 * api/nvidia.com/resource/v1beta1/{api.go, gpuconfig.go, migconfig.go, sharing.go, validate.go}. The driver
 * decodes these strictly (api.go StrictDecoder: unknown fields fail), so every interface here is closed.
 * `checkNvidiaConfig` mirrors validate.go (strategy, interval, thread percentage) for the schema layer.
 */
export const NVIDIA_SHARING_STRATEGIES = ['TimeSlicing', 'MPS'] as const;
export const NVIDIA_TIME_SLICE_INTERVALS = ['Default', 'Short', 'Medium', 'Long'] as const;

export interface TimeSlicingConfig {
  interval?: (typeof NVIDIA_TIME_SLICE_INTERVALS)[number];
}

export interface MpsConfig {
  defaultActiveThreadPercentage?: number;
  /** resource.Quantity. */
  defaultPinnedDeviceMemoryLimit?: string | number;
  /** Device index or UUID -> resource.Quantity. */
  defaultPerDevicePinnedMemoryLimit?: Record<string, string | number>;
}

export interface GpuSharing {
  strategy: (typeof NVIDIA_SHARING_STRATEGIES)[number];
  timeSlicingConfig?: TimeSlicingConfig;
  mpsConfig?: MpsConfig;
}

export interface MigDeviceSharing {
  strategy: (typeof NVIDIA_SHARING_STRATEGIES)[number];
  mpsConfig?: MpsConfig;
}

export interface IGpuConfig {
  apiVersion: 'resource.nvidia.com/v1beta1';
  kind: 'GpuConfig';
  sharing?: GpuSharing;
}

export interface IMigDeviceConfig {
  apiVersion: 'resource.nvidia.com/v1beta1';
  kind: 'MigDeviceConfig';
  sharing?: MigDeviceSharing;
}

export type INvidiaDeviceConfig = IGpuConfig | IMigDeviceConfig;

/** validate.go and sharing.go's accessors: the problems the driver would report (feature gates assumed on). */
export function checkNvidiaConfig(p: any): string[] {
  const out: string[] = [];
  if (p?.apiVersion !== 'resource.nvidia.com/v1beta1') out.push(`apiVersion must be resource.nvidia.com/v1beta1, got ${JSON.stringify(p?.apiVersion)}`);
  if (p?.kind !== 'GpuConfig' && p?.kind !== 'MigDeviceConfig') out.push(`kind must be GpuConfig or MigDeviceConfig, got ${JSON.stringify(p?.kind)}`);
  const s = p?.sharing;
  if (s === undefined) return out;
  if (!NVIDIA_SHARING_STRATEGIES.includes(s.strategy)) out.push(`sharing.strategy: unknown GPU sharing strategy: ${s.strategy}`);
  if (s.strategy === 'TimeSlicing') {
    if (s.mpsConfig !== undefined) out.push("sharing.mpsConfig: cannot use MpsConfig with the 'TimeSlicing' strategy");
    if (p.kind === 'GpuConfig') {
      if (s.timeSlicingConfig === undefined) out.push('sharing.timeSlicingConfig: required with TimeSlicing (Validate dereferences it)');
      else if (!NVIDIA_TIME_SLICE_INTERVALS.includes(s.timeSlicingConfig.interval)) out.push(`sharing.timeSlicingConfig.interval: unknown time-slice interval: ${s.timeSlicingConfig.interval}`);
    } else if (s.timeSlicingConfig !== undefined) out.push('sharing.timeSlicingConfig: MigDeviceSharing has no timeSlicingConfig');
  }
  if (s.strategy === 'MPS') {
    if (s.timeSlicingConfig !== undefined) out.push("sharing.timeSlicingConfig: cannot use TimeSlicingConfig with the 'MPS' strategy");
    if (s.mpsConfig === undefined) out.push('sharing.mpsConfig: required with MPS (Validate dereferences it)');
    const pct = s.mpsConfig?.defaultActiveThreadPercentage;
    if (pct !== undefined && (!Number.isInteger(pct) || pct < 0 || pct > 100)) out.push('sharing.mpsConfig.defaultActiveThreadPercentage: must be an integer from 0 to 100');
  }
  return out;
}
