/**
 * ModelServingStack: a thin Pulumi ComponentResource over `planResources`. It registers every object
 * `model-serving synth` writes for the same spec as its own child, in stage order, and exposes where
 * clients reach the models. All decisions live in plan.ts (tested without an engine).
 */
import * as pulumi from '@pulumi/pulumi';
import type * as k8s from '@pulumi/kubernetes';
import { SpecError, SpecIssue } from '../spec/errors';
import { loadDocuments, SpecSource } from './documents';
import { planResources, PlanError, ResourcePlan, ServingEndpoint } from './plan';
import { classFor, duration, metadataOf, registerObject } from './resources';

/** The component's Pulumi type token (a contract: it is part of every child's URN). */
export const MODEL_SERVING_STACK_TYPE = 'cdk8s-model-serving:index:ModelServingStack';

export interface ModelServingStackArgs extends SpecSource {
  /**
   * The Kubernetes provider of every child.
   * @default - the providers the component inherits (`opts.providers`, its parent), else Pulumi's
   * default Kubernetes provider (the ambient kubeconfig and `kubernetes:*` stack config)
   */
  readonly provider?: k8s.Provider;
  /**
   * Also create each spec's namespace (a Namespace child that every object waits for; `pulumi destroy`
   * deletes it with everything in it). Refused for default, kube-system, kube-public, kube-node-lease.
   * @default false - the namespace must exist before `pulumi up`
   */
  readonly createNamespace?: boolean;
  /**
   * How long Pulumi waits for workloads (and the Services that select their pods) to become ready.
   * @default - per workload: the Deployment's progressDeadlineSeconds (startup budget plus 10 minutes)
   * on create, times the number of rolling-update waves on update; never less than Pulumi's 10 minutes
   */
  readonly workloadTimeouts?: pulumi.CustomTimeouts;
  /**
   * Resources that install the CRDs of the CRD-based objects (`requiredCrds`), e.g. the Helm releases or
   * `k8s.yaml.v2.ConfigFile`s of the Gateway API Inference Extension, KEDA or the Prometheus Operator in the same
   * program: every CRD-based child waits for them, so on an empty cluster no custom object is sent before its CRD.
   * @default - none: the CRDs must exist before `pulumi up`
   */
  readonly crdDependencies?: readonly pulumi.Resource[];
}

/** Where clients reach one spec's models (absent values: the spec has no such object). */
export interface StackEndpoint {
  readonly namespace: string;
  readonly serviceName?: string;
  readonly url?: string;
  readonly ingressUrl?: string;
}

/**
 * A spec or plan problem, raised as a `pulumi.RunError` so that `pulumi up` prints the message alone
 * (the CLI's text: `FILE: FIELD.PATH: RULE`), without a stack trace.
 */
export class ModelServingStackError extends pulumi.RunError {
  constructor(message: string, readonly issues: readonly SpecIssue[] = []) {
    super(message);
    this.name = 'ModelServingStackError';
  }
}

function prepare(name: string, args: ModelServingStackArgs): ResourcePlan {
  try {
    const plan = planResources(loadDocuments(args), { componentName: name, createNamespace: args.createNamespace, kubeVersion: args.kubeVersion });
    plan.resources.forEach(classFor); // fail before registering anything
    return plan;
  } catch (e) {
    if (e instanceof SpecError) throw new ModelServingStackError(e.message, e.issues);
    if (e instanceof PlanError) throw new ModelServingStackError(e.message);
    throw e;
  }
}

/**
 * Deploys a model spec with Pulumi: `new ModelServingStack('vision', { specFile: 'templates/x.yaml' })`.
 *
 * Every object is a child named `<name>-<kind in lower case>-<object name>` (these names, the type token
 * and the object names are a contract: they make the URNs; changing one replaces the object). The spec
 * is validated before anything is registered; a bad spec throws ModelServingStackError.
 */
export class ModelServingStack extends pulumi.ComponentResource {
  /** The stable Service of the first spec document; resolves once the Service exists. */
  readonly serviceName: pulumi.Output<string | undefined>;
  /** `http://<service>.<namespace>.svc.cluster.local:<http port>` of the first spec document. */
  readonly url: pulumi.Output<string | undefined>;
  /** `https://<host><spec.ingress.path>` when the first spec document has an Ingress (http without tls). */
  readonly ingressUrl: pulumi.Output<string | undefined>;
  /** Every spec document's endpoint, by metadata.name. */
  readonly endpoints: pulumi.Output<Record<string, StackEndpoint>>;
  /** `group/version Kind` of the CRD-based objects: their CRDs must be installed before `pulumi up`. */
  readonly requiredCrds: readonly string[];
  /** What was registered, as data. */
  readonly plan: ResourcePlan;
  /** The child resources, by Pulumi name. */
  readonly resources: Readonly<Record<string, pulumi.CustomResource>>;

  constructor(name: string, args: ModelServingStackArgs, opts?: pulumi.ComponentResourceOptions) {
    const plan = prepare(name, args);
    super(MODEL_SERVING_STACK_TYPE, name, {}, opts);
    this.plan = plan;
    this.requiredCrds = plan.requiredCrds;
    const created: Record<string, pulumi.CustomResource> = {};
    for (const r of plan.resources) {
      const timeouts = r.timeouts && (args.workloadTimeouts
        ?? { create: duration(r.timeouts.createSeconds), update: duration(r.timeouts.updateSeconds) });
      created[r.logicalName] = registerObject(r, {
        parent: this,
        ...(args.provider ? { provider: args.provider } : {}),
        // a CRD-based object (no typed class) also waits for whatever installs its CRD
        dependsOn: [...r.dependsOn.map((n) => created[n]), ...(r.typedClass ? [] : args.crdDependencies ?? [])],
        ...(timeouts ? { customTimeouts: timeouts } : {}),
      });
    }
    this.resources = created;
    const outputs = plan.endpoints.map((e) => [e.spec, endpointOutputs(e, created)] as const);
    this.endpoints = pulumi.output(Object.fromEntries(outputs)) as pulumi.Output<Record<string, StackEndpoint>>;
    const first = outputs[0][1];
    this.serviceName = first.serviceName;
    this.url = first.url;
    this.ingressUrl = first.ingressUrl;
    this.registerOutputs({ serviceName: this.serviceName, url: this.url, ingressUrl: this.ingressUrl, endpoints: this.endpoints });
  }
}

/** An endpoint's values, each resolving once the object it names was applied. */
function endpointOutputs(e: ServingEndpoint, created: Record<string, pulumi.CustomResource>) {
  const after = (logicalName: string | undefined, value: string | undefined): pulumi.Output<string | undefined> =>
    logicalName && value !== undefined ? metadataOf(created[logicalName]).apply(() => value) : pulumi.output<string | undefined>(undefined);
  return {
    namespace: pulumi.output(e.namespace),
    serviceName: after(e.serviceLogicalName, e.serviceName),
    url: after(e.serviceLogicalName, e.url),
    ingressUrl: after(e.ingressLogicalName, e.ingressUrl),
  };
}
