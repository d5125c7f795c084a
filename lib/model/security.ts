/**
 * Pod security close to the Kubernetes "restricted" profile, for every container (init ones too).
 * Each deviation needs an explicit `spec.security.unsafe` field, which `model-serving lint` reports.
 */
import type { k8s } from 'cdk8s-plus-28';
import type { ServingContext } from './context';

/** The container securityContext: no privilege escalation, no capabilities, read-only root, non-root. */
export function restrictedContainerSecurity(ctx: ServingContext): k8s.SecurityContext {
  const u = ctx.spec.security?.unsafe ?? {};
  return {
    allowPrivilegeEscalation: u.allowPrivilegeEscalation ?? false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: !(u.writableRootFilesystem ?? false),
    runAsNonRoot: !(u.runAsRoot ?? false),
    ...(u.runAsRoot ? { runAsUser: 0 } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * The restricted container securityContext with no escape hatch: for the helper pods of this library that run an
 * image of their own (the endpoint picker), which spec.security.unsafe never loosens.
 */
export function strictContainerSecurity(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The pod securityContext: the runtime's non-root user, fsGroup for volumes, seccomp RuntimeDefault. */
export function podSecurity(ctx: ServingContext): k8s.PodSecurityContext {
  const u = ctx.spec.security?.unsafe ?? {};
  const user = ctx.runtime.user;
  return {
    ...(u.runAsRoot ? { runAsNonRoot: false } : { runAsNonRoot: true, runAsUser: user.uid, runAsGroup: user.gid }),
    fsGroup: user.gid,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Whether pods mount a ServiceAccount token (they call no Kubernetes API). */
export function automountToken(ctx: ServingContext): boolean {
  return ctx.spec.security?.unsafe?.automountServiceAccountToken ?? false;
}
