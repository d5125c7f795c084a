/**
 * spec.resources.gpu.claim: GPUs through Dynamic Resource Allocation (resource.k8s.io/v1, GA in Kubernetes 1.34)
 * instead of the device plugin's `nvidia.com/gpu` limit. Without sharing, each track gets a ResourceClaimTemplate
 * and every pod its own ResourceClaim made from it (its own devices). With sharing, each track gets ONE
 * ResourceClaim that all its pods reference: the scheduler puts them on the node holding the claim's devices, and
 * the NVIDIA DRA driver's opaque GpuConfig / MigDeviceConfig sets how they share them (time slicing or MPS).
 * Facts: kubernetes/api resource/v1 types.go; NVIDIA/k8s-dra-driver-gpu v25.12.0 (docs/SCALE_OUT.md).
 */
import { Construct } from 'constructs';
import type * as api from '../k8s/api';
import { KubeObject } from '../k8s/object';
import { NVIDIA_CONFIG_API_VERSION, NVIDIA_DRIVER, NvidiaDeviceConfig, RESOURCE_API_VERSION, ResourceClaimSpec } from '../k8s/dra';
import { NVIDIA_GPU_CLASS, NVIDIA_MIG_CLASS } from '../spec/schema/platform';
import { quantityString } from '../spec/quantity';
import { ServingContext, Track, trackId } from '../model/context';
import { gpuClaimName, sharedClaim } from '../model/gpu-claims';

export { gpuClaimName, sharedClaim } from '../model/gpu-claims';

/** Name of the claim in the pod (spec.resourceClaims[].name) and of the one request in it. */
export const GPU_CLAIM = 'gpu';

/** The NVIDIA DRA driver's opaque config for the sharing the spec asks for (sharing.go, gpuconfig.go, migconfig.go). */
export function nvidiaSharingConfig(ctx: ServingContext): NvidiaDeviceConfig | undefined {
  const c = ctx.spec.resources?.gpu?.claim;
  const s = c?.sharing;
  if (!c || !s) return undefined;
  const mps = {
    ...(s.activeThreadPercentage !== undefined ? { defaultActiveThreadPercentage: s.activeThreadPercentage } : {}),
    ...(s.pinnedMemoryLimit !== undefined ? { defaultPinnedDeviceMemoryLimit: quantityString(s.pinnedMemoryLimit) } : {}),
  };
  // each strategy's config is written out: the driver's Validate dereferences it (validate.go)
  if ((c.deviceClassName ?? NVIDIA_GPU_CLASS) === NVIDIA_MIG_CLASS) {
    return { apiVersion: NVIDIA_CONFIG_API_VERSION, kind: 'MigDeviceConfig', sharing: s.strategy === 'MPS' ? { strategy: 'MPS', mpsConfig: mps } : { strategy: 'TimeSlicing' } };
  }
  return {
    apiVersion: NVIDIA_CONFIG_API_VERSION,
    kind: 'GpuConfig',
    sharing: s.strategy === 'MPS'
      ? { strategy: 'MPS', mpsConfig: mps }
      : { strategy: 'TimeSlicing', timeSlicingConfig: { interval: s.interval ?? 'Default' } },
  };
}

/** The claim spec: `count` devices of the class, the CEL selectors, the sharing config. */
export function gpuClaimSpec(ctx: ServingContext): ResourceClaimSpec {
  const c = ctx.spec.resources!.gpu!.claim!;
  const config = nvidiaSharingConfig(ctx);
  return {
    devices: {
      requests: [{
        name: GPU_CLAIM,
        exactly: {
          deviceClassName: c.deviceClassName ?? NVIDIA_GPU_CLASS,
          ...(c.selectors?.length ? { selectors: c.selectors.map((expression) => ({ cel: { expression } })) } : {}),
          allocationMode: 'ExactCount',
          count: ctx.gpuCount,
        },
      }],
      ...(config ? { config: [{ requests: [GPU_CLAIM], opaque: { driver: NVIDIA_DRIVER, parameters: config } }] } : {}),
    },
  };
}

/** spec.resourceClaims of a track's pods (none without a claim). */
export function podResourceClaims(ctx: ServingContext, track: Track): api.PodResourceClaim[] {
  if (!ctx.spec.resources?.gpu?.claim) return [];
  return [sharedClaim(ctx) ? { name: GPU_CLAIM, resourceClaimName: gpuClaimName(track) } : { name: GPU_CLAIM, resourceClaimTemplateName: gpuClaimName(track) }];
}

/** resources.claims of the server container (none without a claim). */
export function containerResourceClaims(ctx: ServingContext): api.ContainerResourceClaim[] {
  return ctx.spec.resources?.gpu?.claim ? [{ name: GPU_CLAIM, request: GPU_CLAIM }] : [];
}

/**
 * The ResourceClaimTemplate (or, with sharing, the ResourceClaim) of every track. Construct IDs: `Template` /
 * `Claim` for the stable (or only) track, `Template-<track>` / `Claim-<track>` for the others.
 */
export class ModelGpuClaims extends Construct {
  readonly objects: KubeObject[] = [];

  constructor(scope: Construct, id: string, props: { readonly context: ServingContext }) {
    super(scope, id);
    const ctx = props.context;
    const spec = gpuClaimSpec(ctx);
    const shared = sharedClaim(ctx);
    for (const t of ctx.tracks) {
      const base = shared ? 'Claim' : 'Template';
      const metadata = ctx.metadata(gpuClaimName(t), 'gpu-claim', { 'model-serving/track': t.label });
      const object: api.ObjectProps<ResourceClaimSpec | { spec: ResourceClaimSpec }> = { metadata, spec: shared ? spec : { spec } };
      this.objects.push(new KubeObject(this, trackId(base, t),
        { apiVersion: RESOURCE_API_VERSION, kind: shared ? 'ResourceClaim' : 'ResourceClaimTemplate' }, object));
    }
  }
}
