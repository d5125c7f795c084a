/** `model-serving validate FILE...`: every problem of every spec, or `FILE: NAME: valid` per spec; `--json` for tools. */
import { parseArgs } from 'node:util';
import {
  Io, loadAll, reportIssues, exitFor, safe, safeJson, issueJson, KUBE_VERSION_OPTION, KUBE_VERSION_HELP, NAMESPACE_OPTION, NAMESPACE_HELP,
  INPUT_HELP, kubeVersionOption, namespaceOption,
} from './common';

export const VALIDATE_HELP = `Usage: model-serving validate FILE... [--json] [--namespace NS] [--kube-version X.Y]

Validates every document of every FILE and prints each problem as FILE: FIELD.PATH: RULE
(every problem at once: schema and cross-field rules in one run). Exit 0 valid, 1 invalid, 2 usage or IO.
${INPUT_HELP}
Options:
      --json          print {"valid", "specs": [{file, index, name, namespace}], "issues": [{file, path, message}]} on stdout
${NAMESPACE_HELP}${KUBE_VERSION_HELP}  -h, --help          this help
`;

export function validateCommand(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' }, ...KUBE_VERSION_OPTION, ...NAMESPACE_OPTION },
  });
  if (values.help) return io.out(VALIDATE_HELP), 0;
  const flags = { kubeVersion: kubeVersionOption(values['kube-version']), namespace: namespaceOption(values.namespace) };
  const { specs, issues } = loadAll(positionals, io, flags);
  if (values.json) {
    io.out(safeJson({
      valid: issues.length === 0,
      specs: specs.map((s) => ({ file: s.file ?? null, index: s.index, name: s.document.metadata.name, namespace: s.document.metadata.namespace ?? 'default' })),
      issues: issues.map(issueJson),
    }) + '\n');
    return issues.length ? exitFor(issues) : 0;
  }
  if (issues.length) return reportIssues(issues, io);
  for (const s of specs) io.out(`${safe(s.file ?? '')}: ${s.document.metadata.name}: valid\n`);
  return 0;
}
