/**
 * ModelServing: every Kubernetes object that serves one model spec. It validates its props with the
 * same rules as the CLI (all problems at once, as a SpecError), then composes one construct per concern.
 */
import { Construct, IConstruct } from 'constructs';
import { ApiObject, Chart } from 'cdk8s';
import { Kube, KubeObject } from '../k8s/object';
import { API_VERSION, KIND, ModelServingDocument } from '../spec/schema/spec';
import { validateDocument } from '../spec/load';
import { SpecError, SpecIssue } from '../spec/errors';
import { ServingContext, ModelServingProps, Track, trackId } from '../model/context';
import { generatedObjects, ownClashes, type GeneratedObject } from '../model/names';
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
export { propsFromDocument } from '../model/context';

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

/** What a ModelServing of a chart writes: its name and construct path, by `namespace\0Kind/name` of each object. */
interface ObjectOwner {
  readonly name: string;
  readonly path: string;
}
const OBJECTS_IN_CHART = new WeakMap<Chart, Map<string, ObjectOwner>>();

/**
 * The objects of a new ModelServing (`name`, in `namespace`) that another ModelServing of the chart already writes
 * (the rule of lib/model/names.ts for spec files): one issue per other ModelServing, at metadata.name.
 */
function chartClashes(chart: Chart, name: string, namespace: string, objects: readonly GeneratedObject[]): SpecIssue[] {
  const written = OBJECTS_IN_CHART.get(chart);
  if (!written) return [];
  const issues: SpecIssue[] = [];
  const reported = new Set<string>();
  for (const o of objects) {
    const prev = written.get(`${namespace}\0${o.key}`);
    if (!prev || reported.has(prev.path)) continue;
    reported.add(prev.path);
    issues.push({
      path: 'metadata.name',
      message: prev.name === name
        ? `"${name}" is already the name of the ModelServing ${prev.path} in namespace ${namespace} of chart ${chart.node.path || '(root)'}; their objects (Deployment, Service, ConfigMaps, ...) would have the same names: give each ModelServing of a chart and namespace its own name`
        : `"${name}" and the ModelServing ${prev.path} ("${prev.name}") of chart ${chart.node.path || '(root)'} both write ${o.key} in namespace ${namespace}: one would overwrite the other; rename one of them`,
    });
  }
  return issues;
}

/**
 * Serves the models of one spec. Construct IDs (a contract: they fix Pulumi URNs):
 * `Repository`, `ServiceAccount`, `Workload` (the primary track: the stable or only one, or rollout.primary of a
 * blue-green rollout; `Workload-<track>` for the others),
 * `Autoscaling`, `Services`, `Observability`, `Ingress`, `TrafficPolicy`, and one per concern.
 *
 * The namespace is `props.namespace`, else the namespace of the enclosing `Chart` (the cdk8s convention), else
 * `default`. Two ModelServing of one chart whose objects would have the same kind, name and namespace (the same
 * name, or `foo` and `foo-metrics`) are refused, and so is a spec that would write one object twice.
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
    // everything is checked before super(): a refused ModelServing leaves nothing in the tree (and cdk8s's
    // duplicate-ID error, which says less, cannot come first)
    const chart = chartOf(scope);
    const namespace = props.namespace ?? chart.namespace;
    // the context of the new node is its parents' (it has none of its own yet)
    const kubeVersion = props.kubeVersion ?? scope.node.tryGetContext(KUBE_VERSION_CONTEXT);
    const resolved: ModelServingProps = { ...props, namespace, kubeVersion };
    const doc = documentFromProps(resolved);
    const issues = validateDocument(doc, { kubeVersion });
    if (issues.length) throw new SpecError(issues);
    // objects this spec writes twice, or that another ModelServing of the chart writes in the same namespace
    const objects = generatedObjects(doc);
    const ns = namespace ?? 'default';
    const clashes = [...ownClashes(objects, ns), ...chartClashes(chart, props.name, ns, objects)];
    if (clashes.length) throw new SpecError(clashes);
    super(scope, id);
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
    if (!OBJECTS_IN_CHART.has(chart)) OBJECTS_IN_CHART.set(chart, new Map());
    const written = OBJECTS_IN_CHART.get(chart)!;
    for (const o of objects) written.set(`${ns}\0${o.key}`, { name: ctx.name, path: this.node.path });
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
