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
import { RESOURCE_API_VERSION, ResourceClaimSpec } from '../k8s/dra';
import { ServingContext, Track, trackId } from '../model/context';
import { GPU_CLAIM, gpuClaimName, gpuClaimObjectSpec, sharedClaim } from '../model/gpu-claims';

export { GPU_CLAIM, gpuClaimName, gpuClaimSpec, nvidiaSharingConfig, sharedClaim } from '../model/gpu-claims';

/** spec.resourceClaims of a track's pods (none without a claim). */
export function podResourceClaims(ctx: ServingContext, track: Track): api.PodResourceClaim[] {
  if (!ctx.spec.resources?.gpu?.claim) return [];
  return [sharedClaim(ctx) ? { name: GPU_CLAIM, resourceClaimName: gpuClaimName(ctx, track) } : { name: GPU_CLAIM, resourceClaimTemplateName: gpuClaimName(ctx, track) }];
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
    const spec = gpuClaimObjectSpec(ctx);
    const shared = sharedClaim(ctx);
    for (const t of ctx.tracks) {
      const base = shared ? 'Claim' : 'Template';
      const metadata = ctx.metadata(gpuClaimName(ctx, t), 'gpu-claim', { 'model-serving/track': t.label });
      const object: api.ObjectProps<ResourceClaimSpec | { spec: ResourceClaimSpec }> = { metadata, spec };
      this.objects.push(new KubeObject(this, trackId(base, t),
        { apiVersion: RESOURCE_API_VERSION, kind: shared ? 'ResourceClaim' : 'ResourceClaimTemplate' }, object));
    }
  }
}
