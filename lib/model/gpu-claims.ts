/**
 * The DRA GPU claims of a spec (spec.resources.gpu.claim): their spec and their names, shared by the claims
 * construct, the pod template and the name list. ResourceClaim.spec and ResourceClaimTemplate.spec are immutable
 * (kubernetes/api resource/v1 types.go: "The spec is immutable", "This field is immutable"), so a claim is named
 * after a hash of its spec: a changed claim is a new object, and the pods that reference it roll.
 */
import { createHash } from 'node:crypto';
import { NVIDIA_CONFIG_API_VERSION, NVIDIA_DRIVER, NvidiaDeviceConfig, ResourceClaimSpec } from '../k8s/dra';
import { NVIDIA_GPU_CLASS, NVIDIA_MIG_CLASS } from '../spec/schema/platform';
import { quantityString } from '../spec/quantity';
import type { ServingContext, Track } from './context';

/** Name of the claim in the pod (spec.resourceClaims[].name) and of the one request in it. */
export const GPU_CLAIM = 'gpu';

/** With sharing (time slicing, MPS) the replicas of a track share one ResourceClaim; else each pod gets its own from a template. */
export const sharedClaim = (ctx: ServingContext): boolean => ctx.spec.resources?.gpu?.claim?.sharing !== undefined;

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

/** The `spec` of the claim object: the ResourceClaim's claim spec, or the ResourceClaimTemplate's `{ spec }`. */
export function gpuClaimObjectSpec(ctx: ServingContext): ResourceClaimSpec | { spec: ResourceClaimSpec } {
  const spec = gpuClaimSpec(ctx);
  return sharedClaim(ctx) ? spec : { spec };
}

/** Hex characters of the spec hash in a claim's name. */
export const CLAIM_HASH_LENGTH = 10;

/**
 * The ResourceClaim (shared) or ResourceClaimTemplate of a track's GPUs: `<track name>-gpu-<hash of its spec>`.
 * The spec is the same for every track; the object's kind is part of the hash input, so turning sharing on or off
 * also makes a new name.
 */
export function gpuClaimName(ctx: ServingContext, track: Track): string {
  const kind = sharedClaim(ctx) ? 'ResourceClaim' : 'ResourceClaimTemplate';
  const hash = createHash('sha256').update(JSON.stringify([kind, gpuClaimObjectSpec(ctx)])).digest('hex').slice(0, CLAIM_HASH_LENGTH);
  return `${track.name}-gpu-${hash}`;
}
