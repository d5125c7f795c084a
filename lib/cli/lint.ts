/** `model-serving lint FILE...`: warnings for legal but risky choices. Exit 0 (1 with --strict and warnings). */
import { parseArgs } from 'node:util';
import { formatIssues } from '../spec/errors';
import { lintDocument } from '../lint';
import {
  Io, UsageError, loadAll, reportIssues, exitFor, safeJson, issueJson, KUBE_VERSION_OPTION, KUBE_VERSION_HELP, NAMESPACE_OPTION, NAMESPACE_HELP,
  INPUT_HELP, kubeVersionOption, namespaceOption,
} from './common';

export const LINT_HELP = `Usage: model-serving lint FILE... [--peak-rps R --replica-rps T [--target-utilization U]] [--strict] [--json]

Validates the specs, then prints warnings for legal but risky choices as FILE: FIELD.PATH: warning: TEXT
(one replica without a PodDisruptionBudget, a GPU without a product selector, TorchServe's maintenance status,
unsafe security settings, maxReplicas below what the peak load needs, ...).
${INPUT_HELP}
Options:
  --peak-rps R             peak requests per second (with --replica-rps: checks maxReplicas)
  --replica-rps T          requests per second one replica sustains
  --target-utilization U   planned utilization of a replica at peak (default 0.7)
  --strict                 exit 1 when there is any warning
  --json                   print {"valid", "warnings": [{file, name, path, message}], "issues": [...]} on stdout
${NAMESPACE_HELP}${KUBE_VERSION_HELP}  -h, --help               this help
`;

function positiveNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number (got "${v}")`);
  return n;
}

export function lintCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' }, strict: { type: 'boolean' }, json: { type: 'boolean' },
      'peak-rps': { type: 'string' }, 'replica-rps': { type: 'string' }, 'target-utilization': { type: 'string' },
      ...KUBE_VERSION_OPTION, ...NAMESPACE_OPTION,
    },
  });
  if (values.help) return io.out(LINT_HELP), 0;
  const peakRps = positiveNumber('peak-rps', values['peak-rps']);
  const replicaRps = positiveNumber('replica-rps', values['replica-rps']);
  const targetUtilization = positiveNumber('target-utilization', values['target-utilization']);
  if (targetUtilization !== undefined && targetUtilization > 1) throw new UsageError(`--target-utilization must be in (0, 1] (got ${targetUtilization})`);
  if ((peakRps === undefined) !== (replicaRps === undefined)) throw new UsageError('--peak-rps and --replica-rps go together');
  const { specs, issues } = loadAll(positionals, io, { kubeVersion: kubeVersionOption(values['kube-version']), namespace: namespaceOption(values.namespace) });
  if (values.json) {
    const warnings = issues.length ? [] : specs.flatMap((s) => lintDocument(s.document, { peakRps, replicaRps, targetUtilization })
      .map((w) => ({ file: s.file ?? null, name: s.document.metadata.name, path: w.path, message: w.message })));
    io.out(safeJson({ valid: issues.length === 0, warnings, issues: issues.map(issueJson) }) + '\n');
    if (issues.length) return exitFor(issues);
    return values.strict && warnings.length > 0 ? 1 : 0;
  }
  if (issues.length) return reportIssues(issues, io);
  let count = 0;
  for (const s of specs) {
    const warnings = lintDocument(s.document, { peakRps, replicaRps, targetUtilization });
    count += warnings.length;
    if (warnings.length) io.out(formatIssues(warnings.map((w) => ({ ...w, message: `warning: ${w.message}` })), s.file) + '\n');
  }
  io.out(`${count} warning${count === 1 ? '' : 's'} in ${specs.length} spec${specs.length === 1 ? '' : 's'}\n`);
  return values.strict && count > 0 ? 1 : 0;
}
