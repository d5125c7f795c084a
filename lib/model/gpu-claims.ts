/** Names of a spec's DRA GPU claims, shared by the claims construct, the pod template and the name list. */
import type { ServingContext, Track } from './context';

/** The ResourceClaim (shared) or ResourceClaimTemplate of a track's GPUs. */
export const gpuClaimName = (track: Track): string => `${track.name}-gpu`;
/** With sharing (time slicing, MPS) the replicas of a track share one ResourceClaim; else each pod gets its own from a template. */
export const sharedClaim = (ctx: ServingContext): boolean => ctx.spec.resources?.gpu?.claim?.sharing !== undefined;
