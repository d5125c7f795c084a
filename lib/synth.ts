/**
 * Synthesis of validated spec documents into manifests: one cdk8s App per document, so the YAML is
 * exactly what `cdk8s synth` writes for the same spec. Used by the CLI, apps/ and the Pulumi component.
 */
import { App, Yaml } from 'cdk8s';
import type { ModelServingDocument } from './spec/schema/spec';
import { ModelServingChart } from './constructs/chart';
import { SpecError } from './spec/errors';
import { objectLimitIssues } from './k8s/limits';

export interface SynthesizedManifest {
  /** metadata.name of the spec. */
  readonly name: string;
  /** File name the CLI writes: `<name>.k8s.yaml`. */
  readonly fileName: string;
  /** The Kubernetes objects, in synthesis order. */
  readonly objects: Record<string, any>[];
  /** The objects as multi-document YAML. */
  readonly yaml: string;
}

/** Synthesizes each document on its own. Throws (SpecError) before returning anything if one is invalid. */
export interface SynthesizeOptions {
  /** Target Kubernetes version (MAJOR.MINOR). @default - 1.35, the oldest supported release */
  readonly kubeVersion?: string;
}

export function synthesizeSpecs(docs: readonly ModelServingDocument[], options: SynthesizeOptions = {}): SynthesizedManifest[] {
  return docs.map((doc) => {
    const app = new App({ outdir: '.' });
    const chart = new ModelServingChart(app, doc.metadata.name, { specs: [doc], kubeVersion: options.kubeVersion });
    // chart.toJson() resolves, validates and renders the objects once; app.synthYaml() would do all of it
    // again for its only chart and then return Yaml.stringify of the same objects (docs/PERFORMANCE.md)
    const objects = chart.toJson();
    const limits = objectLimitIssues(doc.metadata.name, objects);
    if (limits.length) throw new SpecError(limits);
    return { name: doc.metadata.name, fileName: `${doc.metadata.name}.k8s.yaml`, objects, yaml: Yaml.stringify(...objects) };
  });
}
