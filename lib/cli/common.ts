/** What the CLI commands share: output streams, usage errors, loading every file before acting. */
import type { SpecIssue } from '../spec/errors';
import type { LoadedSpec } from '../spec/load';
import { loadSpecFiles } from '../model/files';
import { kubeVersionProblem, DEFAULT_KUBE_VERSION } from '../spec/kube-version';

export interface Io {
  out(s: string): void;
  err(s: string): void;
}

export class UsageError extends Error {}

/** The `--kube-version` option every command that validates takes. */
export const KUBE_VERSION_OPTION = { 'kube-version': { type: 'string' } } as const;
export const KUBE_VERSION_HELP = `  --kube-version X.Y  target Kubernetes version: features it lacks are refused (default ${DEFAULT_KUBE_VERSION})\n`;

/** The checked `--kube-version` value (a usage error when it is not a known release). */
export function kubeVersionOption(v: string | undefined): string | undefined {
  const problem = v === undefined ? undefined : kubeVersionProblem(v);
  if (problem) throw new UsageError(`--kube-version: ${problem}`);
  return v;
}

/** Loads every file (lib/model/files.ts); no file at all is a usage error. */
export function loadAll(files: string[], kubeVersion?: string): { specs: LoadedSpec[]; issues: SpecIssue[] } {
  if (!files.length) throw new UsageError('no spec FILE given');
  return loadSpecFiles(files, { kubeVersion });
}
