/**
 * Who may reach the pods and how many may be taken away at once: a NetworkPolicy on ingress (serving
 * ports from the spec's namespace, the Gateway's and the listed ones, the metrics port from the monitoring
 * namespaces; egress stays open; a batch pod admits no other pod) and a PodDisruptionBudget per track.
 * Facts and trade-offs: docs/TRAFFIC.md.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Kube, KubeObject } from '../k8s/object';
import { ServingContext, Track, TRACK_LABEL, trackId } from '../model/context';
import { groupDisruptionBudget, groupPeerIngress } from './multi-node';

/** Namespaces allowed to scrape the metrics port when the spec names none. */
export const DEFAULT_METRICS_FROM_NAMESPACES = ['monitoring'];
/** The label the control plane sets on every namespace (its name); NetworkPolicies select namespaces by it. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface ModelTrafficPolicyProps {
  /** The spec's shared context (names, labels, runtime, tracks). */
  readonly context: ServingContext;
}

/** Whether the spec gets a NetworkPolicy: every mode, unless spec.networkPolicy.enabled is false. */
export function networkPolicyEnabled(ctx: ServingContext): boolean {
  return ctx.spec.networkPolicy?.enabled ?? true;
}

/**
 * The namespaces whose pods reach the serving ports: the spec's own, the namespace of the Gateway the
 * HTTPRoute attaches to (spec.gateway.parentRef.namespace, default the spec's), then spec.networkPolicy.allowFromNamespaces.
 */
export function allowedNamespaces(ctx: ServingContext): string[] {
  const gw = ctx.spec.gateway ? [ctx.spec.gateway.parentRef.namespace ?? ctx.namespace] : [];
  return [...new Set([ctx.namespace, ...gw, ...(ctx.spec.networkPolicy?.allowFromNamespaces ?? [])])];
}

/**
 * The PodDisruptionBudget bounds of one track, or undefined for none: the spec's `disruption` when set;
 * otherwise minAvailable 1 when the track runs more than one replica (its autoscaler's floor under autoscaling).
 * A single replica gets no budget: minAvailable 1 would block every node drain. A canary runs fewer replicas:
 * a minAvailable it cannot exceed (rounded up, as the disruption controller does) gives it no budget rather than
 * one that blocks every drain.
 */
export function disruptionBudget(ctx: ServingContext, track: Track = ctx.servingTrack): { minAvailable?: number | string; maxUnavailable?: number | string } | undefined {
  if (ctx.mode !== 'online') return undefined;
  if (ctx.spec.multiNode) return groupDisruptionBudget(ctx);
  const floor = ctx.replicasOf(track)[ctx.spec.autoscaling ? 'minReplicas' : 'replicas'];
  const d = ctx.spec.disruption;
  if (d && (d.minAvailable !== undefined || d.maxUnavailable !== undefined)) {
    if (d.maxUnavailable !== undefined) return { maxUnavailable: d.maxUnavailable };
    // the rules refuse such a minAvailable for the other tracks; a canary's smaller floor gets no budget instead
    const least = typeof d.minAvailable === 'number' ? d.minAvailable : Math.ceil((floor * parseInt(d.minAvailable!, 10)) / 100);
    if (track.role === 'canary' && least >= floor) return undefined;
    return { minAvailable: d.minAvailable };
  }
  return floor > 1 ? { minAvailable: 1 } : undefined;
}

const intOrString = (v: number | string) => (typeof v === 'number' ? k8s.IntOrString.fromNumber(v) : k8s.IntOrString.fromString(v));

const namespaces = (names: readonly string[]): k8s.NetworkPolicyPeer => ({
  namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...names] }] },
});

/**
 * The NetworkPolicy (construct ID `NetworkPolicy`, named `<name>`) and one PodDisruptionBudget per
 * track (`Pdb` for the primary track, `Pdb-<track>` for the others; named like the track's Deployment),
 * as the spec asks.
 */
export class ModelTrafficPolicy extends Construct {
  readonly networkPolicy?: KubeObject;
  readonly budgets: KubeObject[] = [];

  constructor(scope: Construct, id: string, props: ModelTrafficPolicyProps) {
    super(scope, id);
    const ctx = props.context;
    if (networkPolicyEnabled(ctx)) this.networkPolicy = ctx.mode === 'batch' ? this.buildBatchPolicy(ctx) : this.buildNetworkPolicy(ctx);
    for (const t of ctx.mode === 'online' ? ctx.tracks : []) {
      const budget = disruptionBudget(ctx, t);
      if (budget) this.budgets.push(this.buildBudget(ctx, t, budget));
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
          // the spec's namespace (clients of the in-cluster URL and the app's own pods), the Gateway's, the listed ones;
          // traffic from a pod's own node (kubelet probes, host-network clients of an edge node) is never blocked
          { from: [namespaces(allowedNamespaces(ctx))], ports: serving.map((p) => tcp(p.port)) },
          { from: [namespaces(np.metricsFromNamespaces ?? DEFAULT_METRICS_FROM_NAMESPACES)], ports: [tcp(metricsPort.port)] },
          ...groupPeerIngress(ctx),
        ],
      },
    });
  }

  /**
   * Mode batch: the server sidecar listens on the pod IP, but only the client in its own pod calls it, over
   * loopback, which no NetworkPolicy filters. So no other pod is admitted at all: an Ingress policy without rules.
   */
  private buildBatchPolicy(ctx: ServingContext): KubeObject {
    return Kube.NetworkPolicy(this, 'NetworkPolicy', {
      metadata: ctx.metadata(ctx.name, 'network-policy'),
      spec: { podSelector: { matchLabels: ctx.selector() }, policyTypes: ['Ingress'], ingress: [] },
    });
  }

  private buildBudget(ctx: ServingContext, track: Track, bounds: { minAvailable?: number | string; maxUnavailable?: number | string }): KubeObject {
    return Kube.PodDisruptionBudget(this, trackId('Pdb', track), {
      metadata: ctx.metadata(track.name, 'disruption-budget', { [TRACK_LABEL]: track.label }),
      spec: {
        selector: { matchLabels: ctx.selector(track.label) },
        ...(bounds.maxUnavailable !== undefined ? { maxUnavailable: intOrString(bounds.maxUnavailable) } : { minAvailable: intOrString(bounds.minAvailable!) }),
        // a pod that never became ready (a model that fails to load) must not block node drains
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
}
