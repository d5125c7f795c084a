/**
 * The `model-serving` command. Every spec is validated completely (all files, all documents, every
 * cross-spec rule) before any file is written; errors name the file and the field path, with no stack trace.
 * Exit codes: 0 ok, 1 invalid spec, 2 usage or IO.
 */
import { parseArgs } from 'node:util';
import { SpecError } from '../spec/errors';
import { packageInfo } from '../model/package-info';
import { jsonSchema } from '../spec/json-schema';
import { Io, UsageError, IoError, EXIT, reportIssues, safe } from './common';
import { lintCommand, LINT_HELP } from './lint';
import { plan, PLAN_HELP } from './plan';
import { synthCommand, diffCommand, SYNTH_HELP, DIFF_HELP } from './synth';
import { validateCommand, VALIDATE_HELP } from './validate';
import { initCommand, INIT_HELP } from './init';

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

export const HELP: Record<string, string> = {
  main: `model-serving: one model spec -> every Kubernetes object that serves it

Usage:
  model-serving init --runtime R          write a starter spec (R: triton, tfserving, torchserve, vllm)
  model-serving validate FILE...          check specs; print every problem with file and field path
  model-serving lint FILE...              warnings for legal but risky choices
  model-serving synth FILE... -o DIR|-    write DIR/<name>.k8s.yaml for every spec (- : YAML on stdout)
  model-serving diff FILE... -o DIR       show what synth -o DIR would change in DIR
  model-serving plan FILE --peak-rps R --replica-rps T [...]   capacity plan (see plan --help)
  model-serving schema                    print the spec's JSON Schema (for yaml-language-server)
  model-serving --version                 print the version

FILE is a spec file, a directory of them, or - for standard input. --namespace NS puts every spec in NS.
Run 'model-serving COMMAND --help' for a command's options. Exit codes: 0 ok, 1 invalid spec, 2 usage or IO.
`,
  synth: SYNTH_HELP,
  diff: DIFF_HELP,
  validate: VALIDATE_HELP,
  lint: LINT_HELP,
  init: INIT_HELP,
  schema: `Usage: model-serving schema

Prints the JSON Schema of a ModelServing document. Use it from an editor with the modeline
  # yaml-language-server: $schema=./model-serving.schema.json

Options:
  -h, --help          this help
`,
  plan: PLAN_HELP,
};

/** The version of this package (its package.json, found upward from this file: source or build layout). */
export function version(): string {
  return packageInfo().version;
}

function schema(args: string[], io: Io): number {
  const { values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) return io.out(HELP.schema), 0;
  io.out(JSON.stringify(jsonSchema(), null, 2) + '\n');
  return 0;
}

function versionCommand(args: string[], io: Io): number {
  parseArgs({ args, options: {} });
  io.out(`model-serving ${version()}\n`);
  return 0;
}

const COMMANDS: Record<string, (args: string[], io: Io) => number> = {
  synth: synthCommand, diff: diffCommand, validate: validateCommand, schema, lint: lintCommand, plan, init: initCommand, version: versionCommand,
};

/** Runs the CLI; returns the exit code. Never throws for bad input. */
export function main(argv: string[], io: Io = stdio): number {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.out(HELP.main);
    return cmd ? EXIT.ok : EXIT.usage;
  }
  if (cmd === '--version' || cmd === '-V') return versionCommand([], io);
  const fn = COMMANDS[cmd];
  if (!fn) {
    io.err(`model-serving: unknown command "${safe(cmd)}"\n\n${HELP.main}`);
    return EXIT.usage;
  }
  try {
    return fn(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`model-serving ${cmd}: ${safe((e as Error).message)}\nRun 'model-serving ${cmd} --help'.\n`);
      return EXIT.usage;
    }
    if (e instanceof IoError) {
      io.err(`model-serving ${cmd}: ${safe(e.message)}\n`);
      return EXIT.usage;
    }
    if (e instanceof SpecError) return reportIssues(e.issues.map((i) => ({ ...i, file: i.file ?? e.file })), io);
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
