/** Test helpers: synthesize a spec (object or file) and find objects in the result. */
import { parseSpecs, loadSpecFile } from '../../lib/spec/load';
import { synthesizeSpecs } from '../../lib/synth';
import type { ModelServingDocument } from '../../lib/spec/schema/spec';

export type K8sObject = Record<string, any>;

/** A minimal valid Triton document; `patch` is merged into spec (shallow) and metadata. */
export function tritonDoc(spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): ModelServingDocument {
  return {
    apiVersion: 'model-serving/v1alpha1',
    kind: 'ModelServing',
    metadata: { name: 'm', namespace: 'ml', ...metadata },
    spec: {
      runtime: 'triton',
      models: [{ name: 'resnet50', format: 'onnx' }],
      repository: { pvc: { claimName: 'models' } },
      resources: { gpu: { count: 1 } },
      ...spec,
    },
  } as ModelServingDocument;
}

/** Validates (as the CLI does) and synthesizes one document; returns its objects. */
export function synth(doc: ModelServingDocument | Record<string, unknown>): K8sObject[] {
  const [loaded] = parseSpecs(JSON.stringify(doc), 'test.yaml');
  return synthesizeSpecs([loaded.document])[0].objects;
}

/** Synthesizes every document of a spec file. */
export function synthFile(file: string): K8sObject[] {
  return synthesizeSpecs(loadSpecFile(file).map((l) => l.document)).flatMap((m) => m.objects);
}

/** The one object of `kind` (and `name`, when given); throws when there is not exactly one. */
export function find(objs: K8sObject[], kind: string, name?: string): K8sObject {
  const hits = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (hits.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${hits.length}: ${objs.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return hits[0];
}

export function all(objs: K8sObject[], kind: string): K8sObject[] {
  return objs.filter((o) => o.kind === kind);
}

/** The container named `name` (default: the server) of a workload's pod template. */
export function container(workload: K8sObject, name = 'server'): K8sObject {
  const pod = workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
  const c = [...(pod.containers ?? []), ...(pod.initContainers ?? [])].find((x: K8sObject) => x.name === name);
  if (!c) throw new Error(`no container ${name}`);
  return c;
}

/** The error text a spec produces (parseSpecs throws SpecError); undefined when it is valid. */
export function specErrors(doc: unknown, file = 'spec.yaml'): string | undefined {
  try {
    parseSpecs(typeof doc === 'string' ? doc : JSON.stringify(doc), file);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
