/**
 * What the CLI commands share: output streams, usage and IO errors (exit 2), reading every input (files,
 * directories, `-` for stdin) and loading every spec before acting, the issue and JSON printers.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { escapeText, formatIssues, redactCredentials, SpecIssue } from '../spec/errors';
import { MAX_SPEC_BYTES, readBounded, type LoadedSpec } from '../spec/load';
import { loadSpecFiles, type SpecText } from '../model/files';
import { kubeVersionProblem, DEFAULT_KUBE_VERSION } from '../spec/kube-version';
import { DNS_LABEL_PATTERN } from '../spec/schema/common';

export interface Io {
  out(s: string): void;
  err(s: string): void;
  /** Reads standard input (for `-` as FILE). @default - file descriptor 0, at most 1 MiB */
  stdin?(): string;
}

/** A bad command line: exit 2, with the command's help hint. */
export class UsageError extends Error {}

/** A file or directory that cannot be read or written: exit 2, one line, no stack trace. */
export class IoError extends Error {}

/** Exit codes: 0 ok, 1 invalid spec, 2 usage or IO. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** The `--kube-version` option every command that validates takes. */
export const KUBE_VERSION_OPTION = { 'kube-version': { type: 'string' } } as const;
export const KUBE_VERSION_HELP = `  --kube-version X.Y  target Kubernetes version: features it lacks are refused (default ${DEFAULT_KUBE_VERSION})\n`;
/** The `--namespace` option: every document's metadata.namespace, and so every namespace in the output. */
export const NAMESPACE_OPTION = { namespace: { type: 'string', short: 'n' } } as const;
export const NAMESPACE_HELP = '  -n, --namespace NS  put every spec in namespace NS (objects, PromQL matchers, ServiceMonitor namespaceSelector, URLs, dashboards)\n';
export const INPUT_HELP = 'FILE is a YAML or JSON spec file, a directory (its *.yaml, *.yml and *.json files), or - for standard input.\n';

/** The checked `--kube-version` value (a usage error when it is not a known release). */
export function kubeVersionOption(v: string | undefined): string | undefined {
  const problem = v === undefined ? undefined : kubeVersionProblem(v);
  if (problem) throw new UsageError(`--kube-version: ${problem}`);
  return v;
}

/** The checked `--namespace` value: a DNS-1123 label, as metadata.namespace must be. */
export function namespaceOption(v: string | undefined): string | undefined {
  if (v !== undefined && (v.length > 63 || !new RegExp(DNS_LABEL_PATTERN).test(v))) {
    throw new UsageError(`--namespace ${JSON.stringify(v)} is not a namespace name (a DNS-1123 label: lower-case letters, digits and '-', at most 63 characters)`);
  }
  return v;
}

const SPEC_FILE = /\.(ya?ml|json)$/i;

/** Reads standard input, bounded like a spec file. */
function readStdin(): string {
  const bytes = readBounded(0, MAX_SPEC_BYTES);
  if (!bytes) throw new IoError(`standard input is larger than ${MAX_SPEC_BYTES} bytes; a spec is a few KiB`);
  return bytes.toString('utf8');
}

/**
 * The inputs named on the command line: files as given, each directory as its spec files (sorted, not
 * recursive, hidden files skipped), `-` as the text of standard input (once).
 */
export function resolveInputs(args: readonly string[], io: Io): (string | SpecText)[] {
  if (!args.length) throw new UsageError('no spec FILE given');
  const inputs: (string | SpecText)[] = [];
  let stdinUsed = false;
  for (const a of args) {
    if (a === '-') {
      if (stdinUsed) throw new UsageError('- (standard input) can be given once');
      stdinUsed = true;
      inputs.push({ name: '<stdin>', text: (io.stdin ?? readStdin)() });
      continue;
    }
    let isDir = false;
    try {
      isDir = statSync(a).isDirectory();
    } catch {
      // not there (or not readable): the loader reports it with the file's name
    }
    if (!isDir) {
      inputs.push(a);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(a).filter((f) => !f.startsWith('.') && SPEC_FILE.test(f)).sort();
    } catch (e) {
      throw new IoError(`${a}: cannot read directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const files = names.map((f) => join(a, f)).filter((f) => {
      try {
        return statSync(f).isFile();
      } catch {
        return true; // a dangling link: the loader names it
      }
    });
    if (!files.length) throw new IoError(`${a}: no .yaml, .yml or .json file in this directory`);
    inputs.push(...files);
  }
  return inputs;
}

export interface LoadFlags {
  readonly kubeVersion?: string;
  readonly namespace?: string;
}

/** Loads every input (lib/model/files.ts). */
export function loadAll(args: readonly string[], io: Io, flags: LoadFlags = {}): { specs: LoadedSpec[]; issues: SpecIssue[] } {
  return loadSpecFiles(resolveInputs(args, io), { kubeVersion: flags.kubeVersion, namespace: flags.namespace });
}

/** The exit code for a list of problems: 2 when a file could not be read, else 1. */
export function exitFor(issues: readonly SpecIssue[]): number {
  return issues.some((i) => i.io) ? EXIT.usage : EXIT.invalid;
}

/** Prints every problem (one line each, control characters escaped); returns the exit code. */
export function reportIssues(issues: readonly SpecIssue[], io: Io): number {
  io.err(formatIssues(issues) + '\n');
  return exitFor(issues);
}

/**
 * JSON that is safe on a terminal: JSON.stringify escapes C0 controls, this also escapes DEL, C1 and bidi controls;
 * credentials in every string are masked (`redactCredentials`), as in the text output.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'string' ? redactCredentials(v) : v), 2).replace(/[\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** An issue for JSON output. */
export const issueJson = (i: SpecIssue) => ({ file: i.file ?? null, path: i.path, message: i.message, ...(i.io ? { io: true } : {}) });

/** A file name or other user text for one line of output. */
export const safe = escapeText;
