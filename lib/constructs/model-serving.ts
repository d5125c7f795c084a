/**
 * ModelServing: every Kubernetes object that serves one model spec. It validates its props with the
 * same rules as the CLI (all problems at once, as a SpecError), then composes one construct per concern.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { API_VERSION, KIND, ModelServingDocument } from '../spec/schema/spec';
import { validateDocument } from '../spec/load';
import { SpecError } from '../spec/errors';
import { ServingContext, ModelServingProps } from './context';
import { ModelRepository } from './model-repository';
import { ModelWorkload } from './workload';
import { ModelServices } from './services';

export type { ModelServingProps } from './context';

/** The props of a spec document (metadata + spec). */
export function propsFromDocument(doc: ModelServingDocument): ModelServingProps {
  const { name, namespace, labels, annotations } = doc.metadata;
  return { ...doc.spec, name, namespace, labels, annotations };
}

/** The spec document of some props (for validation with the file rules). */
export function documentFromProps(props: ModelServingProps): ModelServingDocument {
  const { name, namespace, labels, annotations, ...spec } = props;
  const metadata = JSON.parse(JSON.stringify({ name, namespace, labels, annotations }));
  return { apiVersion: API_VERSION, kind: KIND, metadata, spec: JSON.parse(JSON.stringify(spec)) };
}

/**
 * Serves the models of one spec. Construct IDs (a contract: they fix Pulumi URNs):
 * `Repository`, `ServiceAccount`, `Workload` (or `Workload-<track>`), `Services`, and one per concern.
 */
export class ModelServing extends Construct {
  readonly context: ServingContext;
  /** The Service clients use. */
  readonly serviceName: string;
  /** In-cluster base URL of the HTTP port. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ModelServingProps) {
    super(scope, id);
    const issues = validateDocument(documentFromProps(props));
    if (issues.length) throw new SpecError(issues);
    const ctx = (this.context = new ServingContext(props));
    const repository = new ModelRepository(this, 'Repository', { context: ctx });
    if (!ctx.spec.serviceAccountName) {
      new k8s.KubeServiceAccount(this, 'ServiceAccount', {
        metadata: ctx.metadata(ctx.name, 'model-server'),
        automountServiceAccountToken: false,
      });
    }
    const autoscaled = ctx.spec.autoscaling !== undefined;
    const single = ctx.tracks.length === 1;
    for (const track of ctx.tracks) {
      new ModelWorkload(this, single ? 'Workload' : `Workload-${track.key}`, { context: ctx, track, repository, autoscaled });
    }
    const services = new ModelServices(this, 'Services', { context: ctx });
    this.serviceName = services.serviceName;
    const http = ctx.runtime.ports.find((p) => p.name === ctx.runtime.httpPortName)!;
    this.url = `http://${ctx.name}.${ctx.namespace}.svc.cluster.local:${http.port}`;
  }
}
