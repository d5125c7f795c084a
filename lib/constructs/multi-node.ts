/**
 * spec.multiNode: each replica is a group of pods on different nodes, run by a LeaderWorkerSet
 * (leaderworkerset.x-k8s.io/v1, kubernetes-sigs/lws v0.10.0). Facts and trade-offs: docs/SCALE_OUT.md.
 * - size = spec.multiNode.nodes; the leader (worker index 0) serves the API, the probes and the metrics; the
 *   workers run the runtime's worker role (vLLM `--headless`) and have no ports or probes.
 * - restartPolicy RecreateGroupOnPodRestart: a failed pod restarts its whole group (one engine spans all of them).
 * - startupPolicy LeaderCreated, not LeaderReady: the leader's readiness (vLLM /health) comes only after every
 *   worker joined the engine, and with LeaderReady the controller creates the workers only once the leader is
 *   ready (lws pkg/controllers/pod_controller.go), so the group would never start. The runtime's join timeout
 *   covers the order in which the pods come up.
 * - the Services, routes and metrics select the leaders only (ROLE_LABEL); the autoscaler targets the
 *   LeaderWorkerSet's scale subresource (its selector, status.hpaPodSelector, is the leaders too).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type * as api from '../k8s/api';
import { KubeObject } from '../k8s/object';
import { LWS_API_VERSION, LWS_ENV, LWS_KIND, LeaderWorkerSetSpec } from '../k8s/lws';
import { ROLE_LABEL, ServingContext } from '../model/context';
import type { MultiNodeRole, MultiNodeGroup } from '../runtimes/types';
import { lowestReplicas } from '../spec/rules-rollout';
import { buildPodTemplate, withoutUserEnv } from './pod';
import { trackPodOptions, ModelWorkloadProps } from './workload';

export type Role = 'leader' | 'worker';

/** The group as the runtime sees it: sizes and the LeaderWorkerSet variables, expanded by the kubelet. */
export function multiNodeGroup(ctx: ServingContext): MultiNodeGroup {
  const startup = ctx.spec.startupTimeoutSeconds ?? ctx.runtime.defaultStartupTimeoutSeconds;
  return {
    size: ctx.spec.multiNode!.nodes,
    leaderAddress: `$(${LWS_ENV.leaderAddress})`,
    workerIndex: `$(${LWS_ENV.workerIndex})`,
    // a pod may wait for the others as long as the startup budget: their image pulls and model downloads overlap
    joinTimeoutSeconds: startup,
  };
}

/** A pod template of one role: the role label, the runtime's role arguments (before the user's extraArgs) and env. */
export function withRole(ctx: ServingContext, t: api.PodTemplateSpec, role: Role, add: MultiNodeRole): api.PodTemplateSpec {
  const extra = ctx.spec.extraArgs ?? [];
  const containers = t.spec!.containers.map((c): api.Container => {
    if (c.name !== 'server') return c;
    const args = c.args ?? [];
    const own = args.slice(0, args.length - extra.length);
    const server: api.Container = { ...c, args: [...own, ...add.args, ...extra], env: [...(c.env ?? []), ...withoutUserEnv(ctx, add.env as k8s.EnvVar[])] };
    if (role === 'leader') return server;
    // a worker serves nothing: no ports, no probes (nothing answers them), no preStop pause (no endpoints to leave)
    const { ports: _p, startupProbe: _s, readinessProbe: _r, livenessProbe: _l, lifecycle: _c, ...worker } = server;
    return worker;
  });
  return {
    metadata: { ...t.metadata, labels: { ...(t.metadata?.labels ?? {}), [ROLE_LABEL]: role } },
    spec: { ...t.spec!, containers },
  };
}

/**
 * The PodDisruptionBudget of a track's groups: maxUnavailable counted in pods, so that a drain evicts one pod, the
 * LeaderWorkerSet recreates that pod's whole group, and the budget lets the next eviction through only when every
 * group is whole again. spec.disruption.maxUnavailable (a number) allows that many groups at once. None when the
 * track runs a single group: any budget would block every node drain.
 */
export function groupDisruptionBudget(ctx: ServingContext): { maxUnavailable: number } | undefined {
  const d = ctx.spec.disruption?.maxUnavailable;
  if (typeof d === 'number') return { maxUnavailable: d };
  return lowestReplicas(ctx.spec).count > 1 ? { maxUnavailable: 1 } : undefined;
}

/**
 * The NetworkPolicy rule a group needs: the pods of a group talk to each other on ports the runtime picks at run
 * time (torch.distributed rendezvous, NCCL sockets, the engine's message queues), so pods of this spec may reach
 * each other on every port.
 */
export function groupPeerIngress(ctx: ServingContext): k8s.NetworkPolicyIngressRule[] {
  return ctx.spec.multiNode ? [{ from: [{ podSelector: { matchLabels: ctx.selector() } }] }] : [];
}

/**
 * A track's LeaderWorkerSet (construct ID `LeaderWorkerSet`, named `<track>-lws`) and its runtime ConfigMap
 * (`Config`). Replaces ModelWorkload when spec.multiNode is set; same props.
 */
export class ModelLeaderWorkerSet extends Construct {
  readonly name: string;
  readonly leaderWorkerSet: KubeObject;

  constructor(scope: Construct, id: string, props: ModelWorkloadProps) {
    super(scope, id);
    const { context: ctx, track } = props;
    const mn = ctx.runtime.multiNode!;
    const opts = trackPodOptions(this, ctx, track, props.repository);
    const rctx = ctx.runtimeContext(track);
    const group = multiNodeGroup(ctx);
    const template = (role: Role) => withRole(ctx, buildPodTemplate(ctx, { ...opts, spread: true }), role, mn[role](rctx, group));
    const ru = ctx.spec.rollingUpdate ?? {};
    this.name = ctx.leaderWorkerSetName(track);
    const spec: LeaderWorkerSetSpec = {
      ...(props.autoscaled ? {} : { replicas: ctx.spec.replicas ?? 1 }),
      startupPolicy: 'LeaderCreated',
      leaderWorkerTemplate: {
        size: group.size,
        restartPolicy: 'RecreateGroupOnPodRestart',
        leaderTemplate: template('leader'),
        workerTemplate: template('worker'),
      },
      // a rollout replaces whole groups; 0 surge needs no spare GPUs (the LeaderWorkerSet's own defaults)
      rolloutStrategy: { type: 'RollingUpdate', rollingUpdateConfiguration: { maxSurge: ru.maxSurge ?? 0, maxUnavailable: ru.maxUnavailable ?? 1 } },
      // one headless Service <lws> for every group: LWS_LEADER_ADDRESS is <lws>-<group>.<lws>.<namespace>
      networkConfig: { subdomainPolicy: 'Shared' },
    };
    const object: api.ObjectProps<LeaderWorkerSetSpec> = { metadata: ctx.metadata(this.name, 'model-server', { 'model-serving/track': track.label }), spec };
    this.leaderWorkerSet = new KubeObject(this, 'LeaderWorkerSet', { apiVersion: LWS_API_VERSION, kind: LWS_KIND }, object);
  }
}
