/** The PersistentVolumeClaim that holds a track's model repository, shared by the repository construct and the build Jobs. */
import type { ServingContext, Track } from './context';

/**
 * Name of the claim a track's repository.pvc mounts: its claimName, else the claim the spec creates, `<name>-models`
 * for the spec's repository and `<name>-<track>-models` for a track's own (lib/constructs/model-repository.ts).
 * Undefined when the track's repository is no PersistentVolumeClaim.
 */
export function repositoryClaimName(ctx: ServingContext, track: Track): string | undefined {
  const pvc = track.repository.pvc;
  if (!pvc) return undefined;
  if (pvc.claimName) return pvc.claimName;
  return track.repository === ctx.spec.repository ? `${ctx.name}-models` : `${ctx.name}-${track.key}-models`;
}
