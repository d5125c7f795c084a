/**
 * Mode edge: one model server per labelled edge node (a DaemonSet). Clients on a node reach the replica on the
 * same node through the Service's `internalTrafficPolicy: Local` (services.ts).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Kube, KubeObject } from '../k8s/object';
import type { ServingContext, Track } from '../model/context';
import { TRACK_LABEL } from '../model/context';
import type { ModelRepository } from './model-repository';
import { trackPodOptions } from './workload';
import { buildPodTemplate } from './pod';

export interface ModelEdgeWorkloadProps {
  readonly context: ServingContext;
  readonly track: Track;
  readonly repository: ModelRepository;
}

/**
 * A track's DaemonSet (construct ID `DaemonSet`, named `<name>`) and runtime ConfigMap (`Config`).
 * Pods run on the nodes matching `spec.edge.nodeSelector` (merged with `spec.nodeSelector`) and tolerate
 * `spec.edge.tolerations`. Updates replace one node's pod at a time and never run two on a node (maxSurge 0),
 * so two pods never write the same hostPath cache and an edge node never needs room for a second server.
 */
export class ModelEdgeWorkload extends Construct {
  readonly daemonSet: KubeObject;
  readonly name: string;

  constructor(scope: Construct, id: string, props: ModelEdgeWorkloadProps) {
    super(scope, id);
    const { context: ctx, track } = props;
    const edge = ctx.spec.edge;
    if (!edge) throw new Error('ModelEdgeWorkload needs spec.edge');
    const opts = trackPodOptions(this, ctx, track, props.repository);
    this.name = track.name;
    this.daemonSet = Kube.DaemonSet(this, 'DaemonSet', {
      metadata: ctx.metadata(track.name, 'model-server', { [TRACK_LABEL]: track.label }),
      spec: {
        selector: { matchLabels: ctx.selector(track.label) },
        updateStrategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(1), maxSurge: k8s.IntOrString.fromNumber(0) },
        },
        revisionHistoryLimit: 5,
        template: buildPodTemplate(ctx, {
          ...opts,
          spread: false,
          nodeSelector: edge.nodeSelector,
          tolerations: edge.tolerations ? edge.tolerations.map((t) => ({ ...t })) : undefined,
        }),
      },
    });
  }
}
