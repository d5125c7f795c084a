/** What the CLI commands share: output streams, usage errors, loading every file before acting. */
import { SpecError, SpecIssue } from '../spec/errors';
import { loadSpecFile, LoadedSpec } from '../spec/load';

export interface Io {
  out(s: string): void;
  err(s: string): void;
}

export class UsageError extends Error {}

/** Loads every file; collects every problem of every file (and names clashing across files). */
export function loadAll(files: string[]): { specs: LoadedSpec[]; issues: SpecIssue[] } {
  if (!files.length) throw new UsageError('no spec FILE given');
  const specs: LoadedSpec[] = [];
  const issues: SpecIssue[] = [];
  for (const f of files) {
    try {
      specs.push(...loadSpecFile(f));
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      issues.push(...e.issues.map((i) => ({ ...i, file: i.file ?? f })));
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
  return { specs, issues };
}

