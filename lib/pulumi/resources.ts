/**
 * Planned objects -> Pulumi resources: built-in kinds as their typed @pulumi/kubernetes class (same type
 * token, the provider's await logic, typed outputs), CRD kinds as `k8s.apiextensions.CustomResource`.
 */
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import { PlanError, PlannedResource } from './plan';

type ResourceClass = new (name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/**
 * The first @pulumi/kubernetes release with the classes of an API group version the peer range (^4.9.1) may lack,
 * `<module>/<version>` -> release. `resource/v1` (DRA GPU claims): pulumi/pulumi-kubernetes commit 2e84cb9
 * "Upgrade Kubernetes APIs to v1.35.1" (#4156) added sdk/nodejs/resource/v1; the first tag containing it is v4.26.0.
 * CRD kinds (LeaderWorkerSet, InferencePool, ScaledObject, ...) go through CustomResource, in every release.
 */
export const FIRST_PROVIDER_WITH: Readonly<Record<string, string>> = { 'resource/v1': '4.26.0' };

/** The installed @pulumi/kubernetes version, or undefined when its package.json cannot be read. */
function installedProviderVersion(): string | undefined {
  try {
    return (require('@pulumi/kubernetes/package.json') as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The typed class of a built-in kind, or CustomResource; throws PlanError when @pulumi/kubernetes has none. */
export function classFor(r: PlannedResource): ResourceClass {
  return classIn(r, k8s, installedProviderVersion());
}

/**
 * classFor over a given @pulumi/kubernetes module and its version (tests pass a stub): the error names the
 * release that has the missing class when FIRST_PROVIDER_WITH knows it.
 */
export function classIn(r: PlannedResource, sdk: unknown, sdkVersion: string | undefined): ResourceClass {
  const lib = sdk as { apiextensions: { CustomResource: unknown } } & Record<string, Record<string, Record<string, unknown>> | undefined>;
  if (!r.typedClass) return lib.apiextensions.CustomResource as ResourceClass;
  const { module, version, kind } = r.typedClass;
  const cls = lib[module]?.[version]?.[kind];
  if (typeof cls !== 'function') {
    const first = FIRST_PROVIDER_WITH[`${module}/${version}`];
    const installed = `@pulumi/kubernetes${sdkVersion ? ` ${sdkVersion}` : ''}`;
    throw new PlanError(`${r.kind} ${r.name}: ${installed} has no class k8s.${module}.${version}.${kind} (${r.apiVersion})` +
      (first ? `; it is in @pulumi/kubernetes ${first} and later: install @pulumi/kubernetes@^${first} in the Pulumi project` : ''));
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
