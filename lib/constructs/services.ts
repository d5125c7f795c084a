/**
 * Services: the stable Service clients and the Ingress use (the stable or active track), one per other
 * track (`-preview` for blue-green, `-canary`), and a headless `-metrics` Service over every track that
 * the ServiceMonitor scrapes (so each pod is scraped once, whichever track it belongs to).
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Kube, KubeObject } from '../k8s/object';
import type { ServingContext, Track } from '../model/context';

export interface ModelServicesProps {
  readonly context: ServingContext;
}

/** Name of the Service that selects `track`. */
export function serviceNameFor(ctx: ServingContext, track: Track): string {
  if (track.role === 'stable' || track.role === 'active') return ctx.name;
  return track.role === 'preview' ? `${ctx.name}-preview` : `${ctx.name}-canary`;
}

/** Construct IDs: `Service`, `PreviewService`, `CanaryService`, `MetricsService`. */
export class ModelServices extends Construct {
  readonly serviceName: string;
  readonly metricsServiceName: string;
  /** The Service clients use: it selects the stable (or active) track. */
  readonly service: KubeObject;
  /** The Service of each track, by track key (the stable/active one is `service`). */
  readonly trackServices: Readonly<Record<string, KubeObject>>;
  /** The headless Service the ServiceMonitor scrapes. */
  readonly metricsService: KubeObject;

  constructor(scope: Construct, id: string, props: ModelServicesProps) {
    super(scope, id);
    const ctx = props.context;
    const ports = ctx.runtime.ports.map((p) => ({
      name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: 'TCP',
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    }));
    const local = ctx.mode === 'edge' ? { internalTrafficPolicy: 'Local' } : {};
    const byTrack: Record<string, KubeObject> = {};
    for (const t of ctx.tracks) {
      const idFor = { stable: 'Service', active: 'Service', preview: 'PreviewService', canary: 'CanaryService' }[t.role];
      byTrack[t.key] = Kube.Service(this, idFor, {
        metadata: ctx.metadata(serviceNameFor(ctx, t), 'model-server'),
        spec: { type: 'ClusterIP', selector: ctx.servingSelector(t.label), ports, ...local },
      });
    }
    this.trackServices = byTrack;
    this.service = byTrack[ctx.servingTrack.key];
    const metricsPort = ctx.runtime.ports.find((p) => p.name === ctx.runtime.metrics.portName)!;
    this.serviceName = ctx.name;
    this.metricsServiceName = `${ctx.name}-metrics`;
    this.metricsService = Kube.Service(this, 'MetricsService', {
      metadata: ctx.metadata(this.metricsServiceName, 'metrics', { 'model-serving/metrics': 'true' }),
      spec: {
        clusterIP: 'None',
        selector: ctx.servingSelector(),
        ports: [{ name: metricsPort.name, port: metricsPort.port, targetPort: k8s.IntOrString.fromString(metricsPort.name), protocol: 'TCP' }],
      },
    });
  }
}
