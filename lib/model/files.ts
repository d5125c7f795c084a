/**
 * Reading spec files for every entry point (CLI, cdk8s app, Pulumi): every document of every file is
 * validated, and names that clash across files (spec names, and the objects two specs of one namespace would
 * both write) are reported, before anyone synthesizes or writes.
 */
import { SpecError, SpecIssue } from '../spec/errors';
import { loadSpecFile, parseSpecs, LoadedSpec, LoadOptions } from '../spec/load';
import { nameClashes } from './names';
import { specLimitIssues } from './limits';

/** Spec text that is not read from a file (the CLI's `-` for stdin): `name` stands for the file in messages. */
export interface SpecText {
  readonly name: string;
  readonly text: string;
}

interface Named {
  readonly name: string;
  readonly file?: string;
  readonly index: number;
}

/** Loads every file; collects every problem of every file (and names clashing across files). */
export function loadSpecFiles(files: readonly (string | SpecText)[], options: LoadOptions = {}): { specs: LoadedSpec[]; issues: SpecIssue[] } {
  const specs: LoadedSpec[] = [];
  const issues: SpecIssue[] = [];
  // every document with a valid metadata.name, valid or not otherwise, in file order: spec names are checked on all
  const named: Named[] = [];
  for (const f of files) {
    const name = typeof f === 'string' ? f : f.name;
    try {
      const loaded = typeof f === 'string' ? loadSpecFile(f, options) : parseSpecs(f.text, f.name, options);
      specs.push(...loaded);
      named.push(...loaded.map((s) => ({ name: s.document.metadata.name, file: s.file, index: s.index })));
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      issues.push(...e.issues.map((i) => ({ ...i, file: i.file ?? name })));
      named.push(...(e.named ?? []));
    }
  }
  const seen = new Map<string, Named>();
  for (const s of named) {
    const prev = seen.get(s.name);
    if (prev) {
      issues.push({ file: s.file, path: 'metadata.name', message: `"${s.name}" is also the name of a spec in ${prev.file} (document ${prev.index}); each spec writes ${s.name}.k8s.yaml, so names must be unique` });
    } else seen.set(s.name, s);
  }
  // objects of two specs of one namespace that would overwrite each other (foo's Service foo-metrics, spec foo-metrics):
  // these names come from the whole spec, so only valid specs are compared
  issues.push(...nameClashes(specs));
  // objects the API server would refuse for their size (the runtime config of thousands of models), as synth does
  for (const s of specs) issues.push(...specLimitIssues(s.document, options.kubeVersion).map((i) => ({ ...i, ...(s.file !== undefined ? { file: s.file } : {}) })));
  return { specs, issues };
}
