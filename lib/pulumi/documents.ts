/**
 * The spec documents a ModelServingStack deploys: read and validated exactly as `model-serving synth`
 * does (same loader, same rules, same error text with file and field path). No Pulumi import.
 */
import type { ModelServingDocument } from '../spec/schema/spec';
import { SpecError } from '../spec/errors';
import { validateDocument } from '../spec/load';
import { loadSpecFiles } from '../model/files';

/** Where the spec comes from: exactly one of the two. */
export interface SpecSource {
  /**
   * A spec file (YAML or JSON, one or more ModelServing documents). A relative path is resolved against
   * the program's working directory (Pulumi runs a program in its project directory).
   */
  readonly specFile?: string;
  /** One spec document already in memory (plain values, not Pulumi Inputs); validated like a file. */
  readonly spec?: ModelServingDocument;
  /**
   * Target Kubernetes version (MAJOR.MINOR): features the cluster lacks are refused (as `model-serving synth
   * --kube-version`). @default - 1.35, the oldest supported release
   */
  readonly kubeVersion?: string;
}

/**
 * The validated documents of `source`. Throws SpecError with every problem (the CLI's exact text:
 * `FILE: FIELD.PATH: RULE`, one per line), or TypeError when not exactly one source is given.
 */
export function loadDocuments(source: SpecSource): ModelServingDocument[] {
  const hasFile = source.specFile !== undefined;
  const hasSpec = source.spec !== undefined;
  if (hasFile === hasSpec) {
    throw new TypeError(`ModelServingStack needs exactly one of specFile and spec (got ${hasFile ? 'both' : 'neither'})`);
  }
  if (hasFile) {
    const { specs, issues } = loadSpecFiles([source.specFile!], { kubeVersion: source.kubeVersion });
    if (issues.length) throw new SpecError(issues);
    return specs.map((s) => s.document);
  }
  const issues = validateDocument(source.spec, { kubeVersion: source.kubeVersion });
  if (issues.length) throw new SpecError(issues);
  return [source.spec!];
}
