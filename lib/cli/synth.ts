/**
 * `model-serving synth` and `model-serving diff`: validate every spec, synthesize all of them in memory, then
 * write the folder (or standard output), or show what writing it would change. Exit 0 ok, 1 invalid spec,
 * 2 usage or IO.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { SpecError, type SpecIssue } from '../spec/errors';
import type { SynthesizedManifest } from '../synth';
import {
  Io, UsageError, loadAll, reportIssues, safe, KUBE_VERSION_OPTION, KUBE_VERSION_HELP, NAMESPACE_OPTION, NAMESPACE_HELP, INPUT_HELP,
  kubeVersionOption, namespaceOption,
} from './common';
import { prepareOutputDir, writeOutputs, existingOutputs, staleOutputs, pruneOutputs } from './output';
import { unifiedDiff } from './text-diff';

export const SYNTH_HELP = `Usage: model-serving synth FILE... -o DIR|- [--prune] [--namespace NS] [--kube-version X.Y]

Validates every document of every FILE, then writes DIR/<metadata.name>.k8s.yaml for each
(or, with -o -, every object as YAML on standard output). Nothing is written unless every spec is valid.
${INPUT_HELP}
Options:
  -o, --output DIR    output directory (created if missing; required), or - for standard output
      --prune         also remove stale *.k8s.yaml files in DIR that model-serving wrote (every object labelled
                      app.kubernetes.io/managed-by: cdk8s-model-serving); other files are never touched
${NAMESPACE_HELP}${KUBE_VERSION_HELP}  -h, --help          this help
`;

export const DIFF_HELP = `Usage: model-serving diff FILE... -o DIR [--namespace NS] [--kube-version X.Y]

Validates and synthesizes like synth, writes nothing, and prints what synth -o DIR would change in DIR
as a unified diff per file, then a summary: files to create, to change, unchanged, and stale files that
synth --prune would remove. Exit 0 (also when there are differences), 1 invalid spec, 2 usage or IO.
${INPUT_HELP}
Options:
  -o, --output DIR    the existing output directory to compare with (required)
${NAMESPACE_HELP}${KUBE_VERSION_HELP}  -h, --help          this help
`;

const OPTIONS = {
  output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' }, ...KUBE_VERSION_OPTION, ...NAMESPACE_OPTION,
} as const;

/** Loads and synthesizes; returns the manifests, or the exit code after printing the problems. */
function build(positionals: string[], values: { 'kube-version'?: string; namespace?: string }, io: Io): SynthesizedManifest[] | number {
  const kubeVersion = kubeVersionOption(values['kube-version']);
  const namespace = namespaceOption(values.namespace);
  const { specs, issues } = loadAll(positionals, io, { kubeVersion, namespace });
  if (issues.length) return reportIssues(issues, io);
  // synthesize everything in memory first: an error found while synthesizing (an object over an API server
  // limit) must not leave half the files written; each spec on its own, so every problem names its file
  const { synthesizeSpecs } = require('../synth') as typeof import('../synth');
  const manifests: SynthesizedManifest[] = [];
  const problems: SpecIssue[] = [];
  for (const s of specs) {
    try {
      manifests.push(...synthesizeSpecs([s.document], { kubeVersion }));
    } catch (e) {
      if (!(e instanceof SpecError)) throw e;
      problems.push(...e.issues.map((i) => ({ ...i, file: i.file ?? s.file })));
    }
  }
  return problems.length ? reportIssues(problems, io) : manifests;
}

/** Every manifest as one YAML stream (the same documents as the files, in file order). */
export function yamlStream(manifests: readonly SynthesizedManifest[]): string {
  return manifests.map((m) => (m.yaml.endsWith('\n') ? m.yaml : `${m.yaml}\n`)).join('---\n');
}

export function synthCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...OPTIONS, prune: { type: 'boolean' } } });
  if (values.help) return io.out(SYNTH_HELP), 0;
  if (values.output === undefined || values.output === '') throw new UsageError('synth needs -o DIR (or -o - for standard output)');
  if (values.output === '-' && values.prune) throw new UsageError('--prune needs an output directory (-o DIR), not standard output');
  const built = build(positionals, values, io);
  if (typeof built === 'number') return built;
  if (values.output === '-') {
    io.out(yamlStream(built));
    return 0;
  }
  const dir = values.output;
  prepareOutputDir(dir);
  const keep = new Set(built.map((m) => m.fileName));
  // what is stale is decided before writing: a file this run writes is never pruned
  const stale = values.prune ? staleOutputs(existingOutputs(dir), keep) : [];
  writeOutputs(dir, built.map((m) => ({ name: m.fileName, content: m.yaml })));
  for (const m of built) io.out(`wrote ${safe(join(dir, m.fileName))} (${m.objects.length} objects)\n`);
  for (const n of pruneOutputs(dir, stale)) io.out(`removed ${safe(join(dir, n))} (stale: no spec writes it)\n`);
  return 0;
}

export function diffCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  if (values.help) return io.out(DIFF_HELP), 0;
  if (values.output === undefined || values.output === '' || values.output === '-') throw new UsageError('diff needs -o DIR, the output directory to compare with');
  const built = build(positionals, values, io);
  if (typeof built === 'number') return built;
  const dir = values.output;
  const existing = existingOutputs(dir);
  const count = { create: 0, change: 0, same: 0 };
  for (const m of built) {
    const path = join(dir, m.fileName);
    const before = existing.get(m.fileName);
    if (existing.has(m.fileName) && before === undefined) {
      // a symlink, a directory or an unreadable file: synth replaces a link or file, and refuses a directory
      io.out(`replace: ${safe(path)} is not a regular file model-serving can read; synth replaces it with the synthesized file\n`);
      count.change++;
      continue;
    }
    const d = unifiedDiff(before ?? '', m.yaml, before === undefined ? '/dev/null' : path, `${path} (synthesized)`);
    if (before === undefined) count.create++;
    else if (d) count.change++;
    else count.same++;
    if (d) io.out(d.replace(/\n$/, '').split('\n').map(safe).join('\n') + '\n');
  }
  const stale = staleOutputs(existing, new Set(built.map((m) => m.fileName)));
  for (const n of stale) io.out(`stale: ${safe(join(dir, n))} (no spec writes it; synth --prune removes it)\n`);
  io.out(`${count.create} to create, ${count.change} to change, ${count.same} unchanged, ${stale.length} stale\n`);
  return 0;
}
