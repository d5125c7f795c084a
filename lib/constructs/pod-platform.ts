/**
 * What the platform fields add to a pod template (lib/spec/schema/platform.ts): the GPU through a DRA claim or the
 * device plugin, the model as an image volume, and the OpenTelemetry wiring of the server. Used by pod.ts and
 * model-repository.ts; facts in docs/SCALE_OUT.md.
 */
import { k8s } from 'cdk8s-plus-28';
import type * as api from '../k8s/api';
import { PATHS } from '../runtimes/types';
import type { RepositorySpec } from '../spec/schema/spec';
import type { ServingContext, Track } from '../model/context';
import { imageTag } from '../spec/image';
import type { RepositoryMount } from './model-repository';
import { containerResourceClaims } from './gpu-claims';

/** Default share of requests traced when spec.tracing.samplingRatio is not set. */
export const DEFAULT_SAMPLING_RATIO = 0.01;

/** The device plugin's GPU limit (none with a DRA claim, which replaces it, or without a GPU). */
export function gpuLimit(ctx: ServingContext): Record<string, k8s.Quantity> {
  if (ctx.gpuCount === 0 || ctx.spec.resources?.gpu?.claim) return {};
  return { [ctx.gpuResource]: k8s.Quantity.fromNumber(ctx.gpuCount) };
}

/** resources.claims of the server container, when the GPUs come from a claim. */
export function serverClaims(ctx: ServingContext): { claims?: api.ContainerResourceClaim[] } {
  const claims = containerResourceClaims(ctx);
  return claims.length ? { claims } : {};
}

/**
 * The model store as an image volume: the kubelet pulls the image (IfNotPresent: once per node) and mounts it
 * read-only and noexec (kubernetes/api core/v1 ImageVolumeSource); no download step.
 */
export function imageRepositoryMount(image: NonNullable<RepositorySpec['image']>): RepositoryMount {
  return {
    volumes: [{ name: 'model-store', image: { reference: image.reference, pullPolicy: image.pullPolicy ?? 'IfNotPresent' } }],
    initContainers: [],
    mounts: [{ name: 'model-store', mountPath: PATHS.modelStore, readOnly: true, ...(image.subPath ? { subPath: image.subPath } : {}) }],
    env: [],
  };
}

/**
 * The tracing arguments and environment of a track's server: the runtime's own (endpoint, sampler), then
 * OTEL_SERVICE_NAME and the Kubernetes resource attributes of the OpenTelemetry semantic conventions, filled in
 * by the kubelet from the downward API (`$(VAR)` of variables defined before it).
 */
export function tracingFor(ctx: ServingContext, track: Track): { args: string[]; env: k8s.EnvVar[] } {
  const t = ctx.spec.tracing;
  if (!t || !ctx.runtime.tracing) return { args: [], env: [] };
  const own = ctx.runtime.tracing(ctx.runtimeContext(track), { endpoint: t.endpoint, samplingRatio: t.samplingRatio ?? DEFAULT_SAMPLING_RATIO, serviceName: ctx.name });
  const field = (name: string, fieldPath: string): k8s.EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });
  const version = imageTag(track.image);
  const attributes = [
    `k8s.namespace.name=${ctx.namespace}`,
    'k8s.pod.name=$(OTEL_K8S_POD_NAME)',
    'k8s.pod.uid=$(OTEL_K8S_POD_UID)',
    'k8s.node.name=$(OTEL_K8S_NODE_NAME)',
    'k8s.container.name=server',
    ...(ctx.spec.multiNode ? [] : [`k8s.deployment.name=${track.name}`]),
    ...(version ? [`service.version=${encodeURIComponent(version)}`] : []),
  ];
  return {
    args: own.args,
    env: [
      ...(own.env as k8s.EnvVar[]),
      field('OTEL_K8S_POD_NAME', 'metadata.name'),
      field('OTEL_K8S_POD_UID', 'metadata.uid'),
      field('OTEL_K8S_NODE_NAME', 'spec.nodeName'),
      { name: 'OTEL_SERVICE_NAME', value: ctx.name },
      { name: 'OTEL_RESOURCE_ATTRIBUTES', value: attributes.join(',') },
    ],
  };
}
