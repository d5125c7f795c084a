/**
 * The pod fields every pod of a spec shares, whatever runs it (the serving pods' template in
 * lib/constructs/pod.ts, the TensorRT build Jobs in lib/model/engine-jobs.ts): scheduling (GPU product affinity,
 * tolerations), the platform team's fields (runtime class, priority, pull Secrets) and the pods' own labels and
 * annotations (spec.podLabels, spec.podAnnotations).
 */
import type { k8s } from 'cdk8s-plus-28';
import type * as api from '../k8s/api';
import { GPU_PRODUCT_LABEL } from '../spec/rules-gpu';
import type { ServingContext } from './context';

type Requirement = NonNullable<NonNullable<ServingContext['spec']['nodeAffinity']>['required']>[number];
const expression = (r: Requirement): k8s.NodeSelectorRequirement => ({
  key: r.key, operator: r.operator, ...(r.values !== undefined ? { values: [...r.values] } : {}),
});

/** resources.gpu.product and spec.nodeAffinity as one node affinity. */
export function affinity(ctx: ServingContext): k8s.Affinity | undefined {
  const product = ctx.spec.resources?.gpu?.product;
  const na = ctx.spec.nodeAffinity;
  const required = [
    ...(product ? [{ key: GPU_PRODUCT_LABEL, operator: 'In', values: [product] }] : []),
    ...(na?.required ?? []).map(expression),
  ];
  const preferred = (na?.preferred ?? []).map((p) => ({ weight: p.weight, preference: { matchExpressions: [expression(p)] } }));
  if (!required.length && !preferred.length) return undefined;
  return {
    nodeAffinity: {
      ...(required.length ? { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: required }] } } : {}),
      ...(preferred.length ? { preferredDuringSchedulingIgnoredDuringExecution: preferred } : {}),
    },
  };
}

/** spec.tolerations (default: the GPU nodes' nvidia.com/gpu taint when the pods use GPUs), plus `extra`. */
export function tolerations(ctx: ServingContext, extra: k8s.Toleration[]): k8s.Toleration[] | undefined {
  const own = ctx.spec.tolerations
    ?? (ctx.gpuCount > 0 ? [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }] : []);
  const all = [...own, ...extra];
  return all.length ? all : undefined;
}

/** The pod fields platform teams set for every pod of the spec (runtime class, priority, image pull Secrets). */
export function platformPodFields(ctx: ServingContext): Pick<api.PodSpec, 'runtimeClassName' | 'priorityClassName' | 'imagePullSecrets'> {
  const spec = ctx.spec;
  return {
    ...(spec.runtimeClassName ? { runtimeClassName: spec.runtimeClassName } : {}),
    ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
    ...(spec.imagePullSecrets?.length ? { imagePullSecrets: spec.imagePullSecrets.map((name) => ({ name })) } : {}),
  };
}

/**
 * A pod template's metadata: spec.podLabels and spec.podAnnotations (cost labels, karpenter.sh/do-not-disrupt)
 * first, then the pod's own. The rules refuse podLabels under app.kubernetes.io/ and model-serving/ and
 * podAnnotations under model-serving/, and the own keys are written last, so selectors and hashes always win.
 */
export function platformPodMetadata(ctx: ServingContext, labels: Record<string, string>, annotations: Record<string, string> = {}): k8s.ObjectMeta {
  const a = { ...(ctx.spec.podAnnotations ?? {}), ...annotations };
  return {
    labels: { ...(ctx.spec.podLabels ?? {}), ...labels },
    ...(Object.keys(a).length ? { annotations: a } : {}),
  };
}
