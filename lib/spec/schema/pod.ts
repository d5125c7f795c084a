/**
 * Pod-level fields platform teams set on every pod of a spec (Deployment, Job/CronJob and DaemonSet alike):
 * the container runtime class, scheduling priority, registry credentials, pod annotations and labels, and node
 * affinity beyond the GPU product.
 */
import { Type } from '@sinclair/typebox';
import { Obj, Opt, StringMap, AnnotationMap } from './common';

/** DNS-1123 subdomain: the names of RuntimeClasses, PriorityClasses and Secrets. */
const DNS_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const Subdomain = (description: string) => Type.String({ pattern: DNS_SUBDOMAIN, minLength: 1, maxLength: 253, description });

export const NODE_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const;

const Requirement = {
  key: Type.String({ minLength: 1, maxLength: 316, description: 'Node label key (a qualified name), e.g. topology.kubernetes.io/zone.' }),
  operator: Type.Union(NODE_SELECTOR_OPERATORS.map((o) => Type.Literal(o)), { description: 'In and NotIn take values; Exists and DoesNotExist none; Gt and Lt exactly one integer.' }),
  values: Opt(Type.Array(Type.String({ maxLength: 63 }), { description: 'Label values the operator compares with.' })),
};

const NodeAffinity = Obj({
  required: Opt(Type.Array(Obj(Requirement, { description: 'One node label requirement.' }), {
    minItems: 1,
    description: 'Requirements every node must meet (all of them, together with resources.gpu.product): requiredDuringSchedulingIgnoredDuringExecution. A requirement on nvidia.com/gpu.product with In lists the GPU products the pods may run on (each is checked against the image).',
  })),
  preferred: Opt(Type.Array(Obj({
    weight: Type.Integer({ minimum: 1, maximum: 100, description: 'Preference weight, 1-100.' }),
    ...Requirement,
  }, { description: 'One weighted node label preference.' }), {
    minItems: 1,
    description: 'Preferences the scheduler weighs (preferredDuringSchedulingIgnoredDuringExecution, one term each).',
  })),
}, { description: 'Node affinity beyond the GPU product label. @default - only the resources.gpu.product requirement, when set' });

export const PodSchemas = {
  runtimeClassName: Opt(Subdomain('RuntimeClass of the pods (nvidia where the NVIDIA container runtime is not the default). @default - the cluster default runtime')),
  priorityClassName: Opt(Subdomain('PriorityClass of the pods. @default - the cluster default priority')),
  imagePullSecrets: Opt(Type.Array(Subdomain('A Secret of type kubernetes.io/dockerconfigjson.'), {
    uniqueItems: true,
    description: 'Secrets with registry credentials for the images (e.g. nvcr.io). @default - none (the ServiceAccount\'s, if any)',
  })),
  podAnnotations: Opt(AnnotationMap('Annotations of the pods only (not the other objects), e.g. karpenter.sh/do-not-disrupt: "true". Keys under model-serving/ are reserved. @default - none')),
  podLabels: Opt(StringMap('Labels of the pods only, e.g. cost-center: ml. Keys under app.kubernetes.io/ and model-serving/ are reserved: selectors depend on them. @default - none')),
  nodeAffinity: Opt(NodeAffinity),
};
