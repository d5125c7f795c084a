/**
 * Who may reach the pods and how many may be taken away at once: a NetworkPolicy on ingress (serving
 * ports from the allowed namespaces and from pods of the same app, the metrics port from the monitoring
 * namespaces; egress stays open) and a PodDisruptionBudget per track. Facts and trade-offs: docs/TRAFFIC.md.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Kube, KubeObject } from '../k8s/object';
import type { ServingContext, Track } from '../model/context';
import { lowestReplicas } from '../spec/rules-rollout';
import { groupDisruptionBudget, groupPeerIngress } from './multi-node';

/** Namespaces allowed to reach the serving ports when the spec names none. */
export const DEFAULT_ALLOW_FROM_NAMESPACES = ['ingress-nginx', 'monitoring'];
/** Namespaces allowed to scrape the metrics port when the spec names none. */
export const DEFAULT_METRICS_FROM_NAMESPACES = ['monitoring'];
/** The label the control plane sets on every namespace (its name); NetworkPolicies select namespaces by it. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface ModelTrafficPolicyProps {
  /** The spec's shared context (names, labels, runtime, tracks). */
  readonly context: ServingContext;
}

/** Whether the spec gets a NetworkPolicy: modes online and edge, unless spec.networkPolicy.enabled is false. */
export function networkPolicyEnabled(ctx: ServingContext): boolean {
  return ctx.mode !== 'batch' && (ctx.spec.networkPolicy?.enabled ?? true);
}

/**
 * The PodDisruptionBudget bounds of one track, or undefined for none: the spec's `disruption` when set;
 * otherwise minAvailable 1 when the track runs more than one replica (spec.autoscaling.minReplicas under
 * autoscaling). A single replica gets no budget: minAvailable 1 would block every node drain.
 */
export function disruptionBudget(ctx: ServingContext): { minAvailable?: number | string; maxUnavailable?: number | string } | undefined {
  if (ctx.mode !== 'online') return undefined;
  if (ctx.spec.multiNode) return groupDisruptionBudget(ctx);
  const d = ctx.spec.disruption;
  if (d && (d.minAvailable !== undefined || d.maxUnavailable !== undefined)) {
    return d.maxUnavailable !== undefined ? { maxUnavailable: d.maxUnavailable } : { minAvailable: d.minAvailable };
  }
  return lowestReplicas(ctx.spec).count > 1 ? { minAvailable: 1 } : undefined;
}

const intOrString = (v: number | string) => (typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v));

const namespaces = (names: readonly string[]): k8s.NetworkPolicyPeer => ({
  namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...names] }] },
});

/**
 * The NetworkPolicy (construct ID `NetworkPolicy`, named `<name>`) and one PodDisruptionBudget per
 * track (`Pdb` for the stable or only track, `Pdb-<track>` for the others; named like the track's
 * Deployment), as the spec asks.
 */
export class ModelTrafficPolicy extends Construct {
  readonly networkPolicy?: KubeObject;
  readonly budgets: KubeObject[] = [];

  constructor(scope: Construct, id: string, props: ModelTrafficPolicyProps) {
    super(scope, id);
    const ctx = props.context;
    if (networkPolicyEnabled(ctx)) this.networkPolicy = this.buildNetworkPolicy(ctx);
    const budget = disruptionBudget(ctx);
    if (budget) {
      for (const t of ctx.tracks) this.budgets.push(this.buildBudget(ctx, t, budget));
    }
  }

  private buildNetworkPolicy(ctx: ServingContext): KubeObject {
    const np = ctx.spec.networkPolicy ?? {};
    const { ports, httpPortName, metrics } = ctx.runtime;
    // the metrics port only, unless the runtime serves its metrics on the HTTP port (then that port serves too)
    // management APIs are left out: no pod may reach them (kubectl port-forward still can)
    const serving = ports.filter((p) => !p.management && (p.name !== metrics.portName || p.name === httpPortName));
    const metricsPort = ports.find((p) => p.name === metrics.portName)!;
    const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    return Kube.NetworkPolicy(this, 'NetworkPolicy', {
      metadata: ctx.metadata(ctx.name, 'network-policy'),
      spec: {
        podSelector: { matchLabels: ctx.selector() },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [namespaces(np.allowFromNamespaces ?? DEFAULT_ALLOW_FROM_NAMESPACES), { podSelector: { matchLabels: ctx.selector() } }],
            ports: serving.map((p) => tcp(p.port)),
          },
          {
            from: [namespaces(np.metricsFromNamespaces ?? DEFAULT_METRICS_FROM_NAMESPACES)],
            ports: [tcp(metricsPort.port)],
          },
          ...groupPeerIngress(ctx),
        ],
      },
    });
  }

  private buildBudget(ctx: ServingContext, track: Track, bounds: { minAvailable?: number | string; maxUnavailable?: number | string }): KubeObject {
    const id = track.role === 'stable' ? 'Pdb' : `Pdb-${track.key}`;
    return Kube.PodDisruptionBudget(this, id, {
      metadata: ctx.metadata(track.name, 'disruption-budget', { 'model-serving/track': track.key }),
      spec: {
        selector: { matchLabels: ctx.selector(track.key) },
        ...(bounds.maxUnavailable !== undefined ? { maxUnavailable: intOrString(bounds.maxUnavailable) } : { minAvailable: intOrString(bounds.minAvailable!) }),
        // a pod that never became ready (a model that fails to load) must not block node drains
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
