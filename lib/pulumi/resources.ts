/**
 * Planned objects -> Pulumi resources: built-in kinds as their typed @pulumi/kubernetes class (same type
 * token, the provider's await logic, typed outputs), CRD kinds as `k8s.apiextensions.CustomResource`.
 */
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import { PlanError, PlannedResource } from './plan';

type ResourceClass = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The typed class of a built-in kind, or CustomResource; throws PlanError when @pulumi/kubernetes has none. */
export function classFor(r: PlannedResource): ResourceClass {
  if (!r.typedClass) return k8s.apiextensions.CustomResource as unknown as ResourceClass;
  const { module, version, kind } = r.typedClass;
  const cls = (k8s as unknown as Record<string, Record<string, Record<string, unknown>> | undefined>)[module]?.[version]?.[kind];
  if (typeof cls !== 'function') {
    throw new PlanError(`${r.kind} ${r.name}: this @pulumi/kubernetes has no class k8s.${module}.${version}.${kind} (${r.apiVersion})`);
  }
  return cls as ResourceClass;
}

/** Registers one planned object. Typed classes set apiVersion and kind themselves. */
export function registerObject(r: PlannedResource, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const cls = classFor(r);
  const { apiVersion, kind, ...rest } = r.object;
  return new cls(r.logicalName, r.typedClass ? rest : { apiVersion, kind, ...rest }, opts);
}

/**
 * The longest duration Pulumi accepts, in minutes: the engine parses custom timeouts with Go's time.ParseDuration,
 * which refuses anything over 2^63-1 nanoseconds (about 292 years).
 */
export const MAX_DURATION_MINUTES = Math.floor((2 ** 63 - 1) / 60e9);

/** Seconds -> a Pulumi duration string, in whole minutes (at most MAX_DURATION_MINUTES). */
export function duration(seconds: number): string {
  return `${Math.min(MAX_DURATION_MINUTES, Math.ceil(seconds / 60))}m`;
}

/** The `metadata` output every Kubernetes resource class has (resolves once the object is applied). */
export function metadataOf(r: pulumi.CustomResource): pulumi.Output<{ name?: string; namespace?: string }> {
  return (r as unknown as { metadata: pulumi.Output<{ name?: string; namespace?: string }> }).metadata;
}
