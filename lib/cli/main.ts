/**
 * The `model-serving` command. Every spec is validated completely (all files, all documents, every
 * cross-spec rule) before any file is written; errors name the file and the field path, with no stack trace.
 */
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SpecError, formatIssues } from '../spec/errors';
import { jsonSchema } from '../spec/json-schema';
import { Io, UsageError, loadAll, KUBE_VERSION_OPTION, KUBE_VERSION_HELP, kubeVersionOption } from './common';
import { lintCommand } from './lint';
import { plan, PLAN_HELP } from './plan';

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export const HELP: Record<string, string> = {
  main: `model-serving: one model spec -> every Kubernetes object that serves it

Usage:
  model-serving synth FILE... -o DIR   write DIR/<name>.k8s.yaml for every spec document
  model-serving validate FILE...       check specs; print every problem with file and field path
  model-serving schema                 print the spec's JSON Schema (for yaml-language-server)
  model-serving plan FILE --peak-rps R --replica-rps T [...]   capacity plan (see plan --help)
  model-serving lint FILE...           warnings for legal but risky choices

Run 'model-serving COMMAND --help' for a command's options. Exit codes: 0 ok, 1 invalid spec, 2 usage.
`,
  synth: `Usage: model-serving synth FILE... -o DIR

Validates every document of every FILE, then writes DIR/<metadata.name>.k8s.yaml for each.
Nothing is written unless every spec is valid.

Options:
  -o, --output DIR   output directory (created if missing; required)
${KUBE_VERSION_HELP}  -h, --help         this help
`,
  validate: `Usage: model-serving validate FILE...

Validates every document of every FILE and prints each problem as FILE: FIELD.PATH: RULE.
Exit code 1 when any spec is invalid.

Options:
${KUBE_VERSION_HELP}`,
  schema: `Usage: model-serving schema

Prints the JSON Schema of a ModelServing document. Use it from an editor with the modeline
  # yaml-language-server: $schema=./model-serving.schema.json
`,
  plan: PLAN_HELP,
};

function synth(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' }, ...KUBE_VERSION_OPTION } });
  if (values.help) return io.out(HELP.synth), 0;
  if (!values.output) throw new UsageError('synth needs -o DIR');
  const kubeVersion = kubeVersionOption(values['kube-version']);
  const { specs, issues } = loadAll(positionals, kubeVersion);
  if (issues.length) return io.err(formatIssues(issues) + '\n'), 1;
  // synthesize everything in memory first: a construct-level error must not leave half the files written
  const { synthesizeSpecs } = require('../synth') as typeof import('../synth');
  let manifests;
  try {
    manifests = synthesizeSpecs(specs.map((s) => s.document), { kubeVersion });
  } catch (e) {
    if (e instanceof SpecError) return io.err(formatIssues(e.issues) + '\n'), 1;
    throw e;
  }
  const dir = resolve(values.output);
  mkdirSync(dir, { recursive: true });
  for (const m of manifests) {
    const target = join(dir, m.fileName);
    writeFileSync(`${target}.tmp`, m.yaml);
    renameSync(`${target}.tmp`, target);
    io.out(`wrote ${join(values.output, m.fileName)} (${m.objects.length} objects)\n`);
  }
  return 0;
}

function validate(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' }, ...KUBE_VERSION_OPTION } });
  if (values.help) return io.out(HELP.validate), 0;
  const { specs, issues } = loadAll(positionals, kubeVersionOption(values['kube-version']));
  if (issues.length) return io.err(formatIssues(issues) + '\n'), 1;
  for (const s of specs) io.out(`${s.file}: ${s.document.metadata.name}: valid\n`);
  return 0;
}

function schema(args: string[], io: Io): number {
  const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) return io.out(HELP.schema), 0;
  io.out(JSON.stringify(jsonSchema(), null, 2) + '\n');
  return 0;
}

const COMMANDS: Record<string, (args: string[], io: Io) => number> = { synth, validate, schema, lint: lintCommand, plan };

/** Runs the CLI; returns the exit code. Never throws for bad input. */
export function main(argv: string[], io: Io = stdio): number {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.out(HELP.main);
    return cmd ? 0 : 2;
  }
  const fn = COMMANDS[cmd];
  if (!fn) {
    io.err(`model-serving: unknown command "${cmd}"\n\n${HELP.main}`);
    return 2;
  }
  try {
    return fn(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`model-serving ${cmd}: ${(e as Error).message}\nRun 'model-serving ${cmd} --help'.\n`);
      return 2;
    }
    if (e instanceof SpecError) {
      io.err(formatIssues(e.issues) + '\n');
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
