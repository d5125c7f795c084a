/**
 * ModelServing: every Kubernetes object that serves one model spec. It validates its props with the
 * same rules as the CLI (all problems at once, as a SpecError), then composes one construct per concern.
 */
import { Construct } from 'constructs';
import { Kube } from '../k8s/object';
import { API_VERSION, KIND, ModelServingDocument } from '../spec/schema/spec';
import { validateDocument } from '../spec/load';
import { SpecError } from '../spec/errors';
import { ServingContext, ModelServingProps, trackId } from '../model/context';
import { ModelRepository } from './model-repository';
import { ModelWorkload } from './workload';
import { ModelLeaderWorkerSet } from './multi-node';
import { ModelGpuClaims } from './gpu-claims';
import { ModelBatchJob } from './batch';
import { ModelEdgeWorkload } from './edge';
import { ModelServices } from './services';
import { ModelIngress } from './ingress';
import { ModelTrafficPolicy } from './traffic-policy';
import { ModelAutoscaling } from './autoscaling';
import { ModelObservability } from './observability';
import { ModelInferencePool } from './inference-pool';
import { ModelLogging } from './logging';
import { ModelEngineBuild } from './engine-build';

/** cdk8s context key that sets the target Kubernetes version of every ModelServing below it. */
export const KUBE_VERSION_CONTEXT = 'model-serving/kube-version';

export type { ModelServingProps } from '../model/context';

/** The props of a spec document (metadata + spec). */
export function propsFromDocument(doc: ModelServingDocument): ModelServingProps {
  const { name, namespace, labels, annotations } = doc.metadata;
  return { ...doc.spec, name, namespace, labels, annotations };
}

/** The spec document of some props (for validation with the file rules). */
export function documentFromProps(props: ModelServingProps): ModelServingDocument {
  const { name, namespace, labels, annotations, kubeVersion: _k, ...spec } = props;
  const metadata = JSON.parse(JSON.stringify({ name, namespace, labels, annotations }));
  return { apiVersion: API_VERSION, kind: KIND, metadata, spec: JSON.parse(JSON.stringify(spec)) };
}

/**
 * Serves the models of one spec. Construct IDs (a contract: they fix Pulumi URNs):
 * `Repository`, `ServiceAccount`, `Workload` (the primary track: the stable or only one, or rollout.primary of a
 * blue-green rollout; `Workload-<track>` for the others),
 * `Autoscaling`, `Services`, `Observability`, `Ingress`, `TrafficPolicy`, and one per concern.
 */
export class ModelServing extends Construct {
  readonly context: ServingContext;
  /** The Service clients use (undefined in mode batch: a batch job has no Service). */
  readonly serviceName?: string;
  /**
   * In-cluster base URL of the HTTP port (undefined in mode batch). The NetworkPolicy admits pods of the spec's
   * namespace, the Gateway's and spec.networkPolicy.allowFromNamespaces.
   */
  readonly url?: string;

  constructor(scope: Construct, id: string, props: ModelServingProps) {
    super(scope, id);
    const kubeVersion = props.kubeVersion ?? this.node.tryGetContext(KUBE_VERSION_CONTEXT);
    const issues = validateDocument(documentFromProps(props), { kubeVersion });
    if (issues.length) throw new SpecError(issues);
    const ctx = (this.context = new ServingContext({ ...props, kubeVersion }));
    const repository = new ModelRepository(this, 'Repository', { context: ctx });
    if (ctx.spec.resources?.gpu?.claim) new ModelGpuClaims(this, 'GpuClaims', { context: ctx });
    if (!ctx.spec.serviceAccountName) {
      Kube.ServiceAccount(this, 'ServiceAccount', {
        metadata: ctx.metadata(ctx.name, 'model-server'),
        automountServiceAccountToken: false,
      });
    }
    if (ctx.spec.models.some((m) => m.build)) new ModelEngineBuild(this, 'EngineBuild', { context: ctx, repository });
    const autoscaled = ctx.spec.autoscaling !== undefined;
    // batch: Job/CronJob; edge: DaemonSet; online: a Deployment per track (construct ID `Workload` for each mode)
    if (ctx.mode === 'batch') new ModelBatchJob(this, 'Workload', { context: ctx, repository });
    if (ctx.mode === 'edge') new ModelEdgeWorkload(this, 'Workload', { context: ctx, track: ctx.tracks[0], repository });
    for (const track of ctx.mode === 'online' ? ctx.tracks : []) {
      // the primary track keeps ID `Workload` when a rollout is added or removed: its workload (and Pulumi URN) stays the same
      new (ctx.spec.multiNode ? ModelLeaderWorkerSet : ModelWorkload)(this, trackId('Workload', track), { context: ctx, track, repository, autoscaled });
    }
    if (ctx.spec.autoscaling || ctx.spec.verticalAutoscaling) new ModelAutoscaling(this, 'Autoscaling', { context: ctx });
    const services = ctx.mode === 'batch' ? undefined : new ModelServices(this, 'Services', { context: ctx });
    this.serviceName = services?.serviceName;
    if (ctx.mode !== 'batch') {
      // ServiceMonitor, PrometheusRule, dashboard: they scrape the metrics Service, which batch jobs do not have
      new ModelObservability(this, 'Observability', { context: ctx });
      if (ctx.spec.inferencePool) new ModelInferencePool(this, 'InferencePool', { context: ctx });
      new ModelIngress(this, 'Ingress', { context: ctx });
    }
    // every mode: a batch pod's NetworkPolicy admits no other pod (its server answers its own client only)
    new ModelTrafficPolicy(this, 'TrafficPolicy', { context: ctx });
    if (ctx.spec.logging) new ModelLogging(this, 'Logging', { context: ctx });
    const http = ctx.runtime.ports.find((p) => p.name === ctx.runtime.httpPortName)!;
    this.url = services ? `http://${ctx.name}.${ctx.namespace}.svc.cluster.local:${http.port}` : undefined;
  }
}
