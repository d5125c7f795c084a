/**
 * Reading spec files for every entry point (CLI, cdk8s app, Pulumi): every document of every file is
 * validated, and names that clash across files (spec names, and the objects two specs of one namespace would
 * both write) are reported, before anyone synthesizes or writes.
 */
import { SpecError, SpecIssue } from '../spec/errors';
import { loadSpecFile, parseSpecs, LoadedSpec, LoadOptions } from '../spec/load';
import { nameClashes } from './names';

/** Spec text that is not read from a file (the CLI's `-` for stdin): `name` stands for the file in messages. */
export interface SpecText {
  readonly name: string;
  readonly text: string;
}

/** Loads every file; collects every problem of every file (and names clashing across files). */
export function loadSpecFiles(files: readonly (string | SpecText)[], options: LoadOptions = {}): { specs: LoadedSpec[]; issues: SpecIssue[] } {
  const specs: LoadedSpec[] = [];
  const issues: SpecIssue[] = [];
  for (const f of files) {
    const name = typeof f === 'string' ? f : f.name;
    try {
      specs.push(...(typeof f === 'string' ? loadSpecFile(f, options) : parseSpecs(f.text, f.name, options)));
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      issues.push(...e.issues.map((i) => ({ ...i, file: i.file ?? name })));
    }
  }
  const seen = new Map<string, LoadedSpec>();
  for (const s of specs) {
    const name = s.document.metadata.name;
    const prev = seen.get(name);
    if (prev) {
      issues.push({ file: s.file, path: 'metadata.name', message: `"${name}" is also the name of a spec in ${prev.file} (document ${prev.index}); each spec writes ${name}.k8s.yaml, so names must be unique` });
    } else seen.set(name, s);
  }
  // objects of two specs of one namespace that would overwrite each other (foo's Service foo-metrics, spec foo-metrics)
  issues.push(...nameClashes(specs));
  return { specs, issues };
}
