/**
 * The one way this project emits a Kubernetes object: an `ApiObject` rendered exactly as built.
 *
 * cdk8s-plus-28's L1 classes (`k8s.KubeDeployment`, `k8s.KubeService`, ...) re-serialize their props through
 * generated `toJson_*` functions of the Kubernetes 1.28 schema, and those keep only the fields 1.28 knew:
 * a `KubeService` with `trafficDistribution`, or a pod with an image volume, silently loses the field. Here the
 * props are typed with the same L1 interfaces (widened in `./api.ts` by the newer fields we emit), the L1 value
 * wrappers (`k8s.Quantity`, `k8s.IntOrString`) are replaced by their values, and nothing else is touched:
 * no field can be dropped. test/no-drop.test.ts proves it for every newer field in `NEWER_FIELDS`.
 */
import { ApiObject, GroupVersionKind } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type * as api from './api';

/** A value with the L1 wrappers replaced by what they stand for; every field kept. */
export function plain(value: unknown): any {
  if (value instanceof k8s.Quantity || value instanceof k8s.IntOrString) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
    return out;
  }
  return value;
}

/** An API object whose props are written as given (see the file comment). */
export class KubeObject extends ApiObject {
  constructor(scope: Construct, id: string, gvk: GroupVersionKind, props: { readonly metadata?: k8s.ObjectMeta } & object) {
    super(scope, id, { ...gvk, ...plain(props) });
  }
}

/** A typed constructor for one kind: the props are checked against its interface (excess fields are errors). */
function kind<P extends { readonly metadata?: k8s.ObjectMeta }>(gvk: GroupVersionKind) {
  return (scope: Construct, id: string, props: P): KubeObject => new KubeObject(scope, id, gvk, props);
}

/** Typed constructors of the built-in kinds this project emits, all through `KubeObject`. */
export const Kube = {
  ConfigMap: kind<k8s.KubeConfigMapProps>(k8s.KubeConfigMap.GVK),
  ServiceAccount: kind<k8s.KubeServiceAccountProps>(k8s.KubeServiceAccount.GVK),
  PersistentVolumeClaim: kind<k8s.KubePersistentVolumeClaimProps>(k8s.KubePersistentVolumeClaim.GVK),
  Service: kind<api.ObjectProps<api.ServiceSpec>>(k8s.KubeService.GVK),
  Deployment: kind<api.ObjectProps<api.DeploymentSpec>>(k8s.KubeDeployment.GVK),
  DaemonSet: kind<api.ObjectProps<api.DaemonSetSpec>>(k8s.KubeDaemonSet.GVK),
  Job: kind<api.ObjectProps<api.JobSpec>>(k8s.KubeJob.GVK),
  CronJob: kind<api.ObjectProps<api.CronJobSpec>>(k8s.KubeCronJob.GVK),
  NetworkPolicy: kind<k8s.KubeNetworkPolicyProps>(k8s.KubeNetworkPolicy.GVK),
  PodDisruptionBudget: kind<k8s.KubePodDisruptionBudgetProps>(k8s.KubePodDisruptionBudget.GVK),
  Ingress: kind<k8s.KubeIngressProps>(k8s.KubeIngress.GVK),
  Role: kind<k8s.KubeRoleProps>(k8s.KubeRole.GVK),
  RoleBinding: kind<k8s.KubeRoleBindingProps>(k8s.KubeRoleBinding.GVK),
} as const;
