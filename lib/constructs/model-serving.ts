/**
 * ModelServing: every Kubernetes object that serves one model spec. It validates its props with the
 * same rules as the CLI (all problems at once, as a SpecError), then composes one construct per concern.
 */
import { Construct, IConstruct } from 'constructs';
import { ApiObject, Chart } from 'cdk8s';
import { Kube, KubeObject } from '../k8s/object';
import { API_VERSION, KIND, ModelServingDocument } from '../spec/schema/spec';
import { validateDocument } from '../spec/load';
import { SpecError } from '../spec/errors';
import { ServingContext, ModelServingProps, Track, trackId } from '../model/context';
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

/** The nearest Chart at or above `scope` (every ApiObject needs one). */
function chartOf(scope: IConstruct): Chart {
  for (const c of scope.node.scopes.slice().reverse()) if (Chart.isChart(c)) return c;
  return Chart.of(scope); // throws cdk8s's own "cannot find a parent chart" error
}

/** The ModelServing names already used in each chart, with the construct path that uses each. */
const NAMES_IN_CHART = new WeakMap<Chart, Map<string, string>>();

/**
 * Serves the models of one spec. Construct IDs (a contract: they fix Pulumi URNs):
 * `Repository`, `ServiceAccount`, `Workload` (the primary track: the stable or only one, or rollout.primary of a
 * blue-green rollout; `Workload-<track>` for the others),
 * `Autoscaling`, `Services`, `Observability`, `Ingress`, `TrafficPolicy`, and one per concern.
 *
 * The namespace is `props.namespace`, else the namespace of the enclosing `Chart` (the cdk8s convention), else
 * `default`. Two ModelServing with the same name in one chart are refused: their objects would share names.
 *
 * Escape hatches: the parts below are typed, so a field this library does not model can be set with cdk8s's
 * `addJsonPatch` (or `metadata.addLabel`/`addAnnotation`) on the object that needs it, e.g.
 * `serving.workloads[0].deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'gpu-high'))`.
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
  /** The model repository: created PersistentVolumeClaims, download init containers. */
  readonly repository: ModelRepository;
  /** The ServiceAccount the pods run as (undefined when `serviceAccountName` names an existing one). */
  readonly serviceAccount?: KubeObject;
  /**
   * Mode online: one workload per track, in track order (the stable or only track first; blue/green in spec
   * order). Each has the track's `deployment`. Empty in modes batch and edge, and with spec.multiNode.
   */
  readonly workloads: readonly ModelWorkload[];
  /** With spec.multiNode: one LeaderWorkerSet per track (`leaderWorkerSet`), in track order. */
  readonly leaderWorkerSets: readonly ModelLeaderWorkerSet[];
  /** DRA ResourceClaimTemplates / ResourceClaims (with spec.resources.gpu.claim). */
  readonly gpuClaims?: ModelGpuClaims;
  /** TensorRT engine build Jobs (with spec.models[].build). */
  readonly engineBuild?: ModelEngineBuild;
  /** InferencePools and endpoint pickers (with spec.inferencePool). */
  readonly inferencePool?: ModelInferencePool;
  /** Logging Operator Flows and Outputs, or the Fluent Bit ConfigMap (with spec.logging). */
  readonly logging?: ModelLogging;
  /** Mode batch: the Job or CronJob (`batchJob.workload`). */
  readonly batchJob?: ModelBatchJob;
  /** Mode edge: the DaemonSet (`edgeWorkload.daemonSet`). */
  readonly edgeWorkload?: ModelEdgeWorkload;
  /** The stable, per-track and metrics Services (undefined in mode batch). */
  readonly services?: ModelServices;
  /** The Ingress / canary Ingress / HTTPRoute (undefined in mode batch; its fields are undefined when not exposed). */
  readonly ingress?: ModelIngress;
  /** HPA or KEDA ScaledObject per track, the prometheus-adapter rule, the VPA (when autoscaling is set). */
  readonly autoscaling?: ModelAutoscaling;
  /** ServiceMonitor, PrometheusRule, dashboard ConfigMap (undefined in mode batch). */
  readonly observability?: ModelObservability;
  /** NetworkPolicy and PodDisruptionBudgets (a batch pod's NetworkPolicy too). */
  readonly trafficPolicy: ModelTrafficPolicy;

  constructor(scope: Construct, id: string, props: ModelServingProps) {
    const chart = chartOf(scope);
    const namespace = props.namespace ?? chart.namespace;
    const used = NAMES_IN_CHART.get(chart)?.get(props.name);
    if (used !== undefined) {
      throw new SpecError([{
        path: 'metadata.name',
        message: `"${props.name}" is already the name of the ModelServing ${used} in chart ${chart.node.path || '(root)'}; their objects (Deployment, Service, ConfigMaps, ...) would have the same names: give each ModelServing of a chart its own name`,
      }]);
    }
    super(scope, id);
    const kubeVersion = props.kubeVersion ?? this.node.tryGetContext(KUBE_VERSION_CONTEXT);
    const resolved: ModelServingProps = { ...props, namespace, kubeVersion };
    const issues = validateDocument(documentFromProps(resolved), { kubeVersion });
    if (issues.length) throw new SpecError(issues);
    const ctx = (this.context = new ServingContext(resolved));
    const repository = (this.repository = new ModelRepository(this, 'Repository', { context: ctx }));
    if (ctx.spec.resources?.gpu?.claim) this.gpuClaims = new ModelGpuClaims(this, 'GpuClaims', { context: ctx });
    if (!ctx.spec.serviceAccountName) {
      this.serviceAccount = Kube.ServiceAccount(this, 'ServiceAccount', {
        metadata: ctx.metadata(ctx.name, 'model-server'),
        automountServiceAccountToken: false,
      });
    }
    if (ctx.spec.models.some((m) => m.build)) this.engineBuild = new ModelEngineBuild(this, 'EngineBuild', { context: ctx, repository });
    const autoscaled = ctx.spec.autoscaling !== undefined;
    // batch: Job/CronJob; edge: DaemonSet; online: a Deployment per track (construct ID `Workload` for each mode)
    if (ctx.mode === 'batch') this.batchJob = new ModelBatchJob(this, 'Workload', { context: ctx, repository });
    if (ctx.mode === 'edge') this.edgeWorkload = new ModelEdgeWorkload(this, 'Workload', { context: ctx, track: ctx.tracks[0], repository });
    // the primary track keeps ID `Workload` when a rollout is added or removed: its workload (and Pulumi URN) stays the same
    const online = ctx.mode === 'online' ? ctx.tracks : [];
    const workload = (track: Track) => ({ context: ctx, track, repository, autoscaled });
    this.leaderWorkerSets = ctx.spec.multiNode ? online.map((t) => new ModelLeaderWorkerSet(this, trackId('Workload', t), workload(t))) : [];
    this.workloads = ctx.spec.multiNode ? [] : online.map((t) => new ModelWorkload(this, trackId('Workload', t), workload(t)));
    if (ctx.spec.autoscaling || ctx.spec.verticalAutoscaling) this.autoscaling = new ModelAutoscaling(this, 'Autoscaling', { context: ctx });
    const services = (this.services = ctx.mode === 'batch' ? undefined : new ModelServices(this, 'Services', { context: ctx }));
    this.serviceName = services?.serviceName;
    if (ctx.mode !== 'batch') {
      // ServiceMonitor, PrometheusRule, dashboard: they scrape the metrics Service, which batch jobs do not have
      this.observability = new ModelObservability(this, 'Observability', { context: ctx });
      if (ctx.spec.inferencePool) this.inferencePool = new ModelInferencePool(this, 'InferencePool', { context: ctx });
      this.ingress = new ModelIngress(this, 'Ingress', { context: ctx });
    }
    // every mode: a batch pod's NetworkPolicy admits no other pod (its server answers its own client only)
    this.trafficPolicy = new ModelTrafficPolicy(this, 'TrafficPolicy', { context: ctx });
    if (ctx.spec.logging) this.logging = new ModelLogging(this, 'Logging', { context: ctx });
    const http = ctx.runtime.ports.find((p) => p.name === ctx.runtime.httpPortName)!;
    this.url = services ? `http://${ctx.name}.${ctx.namespace}.svc.cluster.local:${http.port}` : undefined;
    if (!NAMES_IN_CHART.has(chart)) NAMES_IN_CHART.set(chart, new Map());
    NAMES_IN_CHART.get(chart)!.set(ctx.name, this.node.path);
  }

  /** Every Kubernetes object of this ModelServing, in synthesis order. */
  get apiObjects(): ApiObject[] {
    return this.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
  }

  /**
   * The object of `kind` (and `name`, when several objects have that kind), for a patch this library has no
   * typed accessor for, e.g. `serving.findObject('PrometheusRule')`. Undefined when there is none.
   */
  findObject(kind: string, name?: string): ApiObject | undefined {
    return this.apiObjects.find((o) => o.kind === kind && (name === undefined || o.name === name));
  }
}
