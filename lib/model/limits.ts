/**
 * API server size limits checked when specs are validated, so that `validate` refuses what `synth` would:
 * the runtime's configuration ConfigMap of each track (lib/constructs/workload.ts writes
 * `ctx.runtime.configFiles(...)` as `<track>-config`) is the object that grows with the number of models.
 * The same check (lib/k8s/limits.ts) runs again on every synthesized object, for the objects not predicted here.
 */
import type { ModelServingDocument } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import { objectLimitIssues } from '../k8s/limits';
import { ServingContext, propsFromDocument } from './context';

/** Issues for the runtime ConfigMaps of `doc` that the API server would refuse (linear in the spec's size). */
export function specLimitIssues(doc: ModelServingDocument, kubeVersion?: string): SpecIssue[] {
  const ctx = new ServingContext({ ...propsFromDocument(doc), kubeVersion });
  const configMaps = ctx.tracks.map((t) => ({ kind: 'ConfigMap', metadata: { name: `${t.name}-config` }, data: ctx.runtime.configFiles(ctx.runtimeContext(t)) }));
  return objectLimitIssues(doc.metadata.name, configMaps);
}
