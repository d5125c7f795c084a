/**
 * docs/BAD_INPUTS.md: the catalogue of rules the loader enforces, one line per test that proves one.
 * Generated from the test names (`npx tsx test/support/catalogue.ts > docs/BAD_INPUTS.md`); test/docs.test.ts
 * fails when it is stale, so a rule without a test cannot be listed and a new refusal test cannot be missed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const AREAS: Record<string, string> = {
  'spec-loader': 'Loading and the spec schema (all runtimes)',
  'cli': 'Command line',
  'security': 'Security defaults',
  'runtime-triton': 'Triton', 'runtime-tfserving': 'TF Serving', 'runtime-torchserve': 'TorchServe', 'runtime-vllm': 'vLLM',
  'model-sources': 'Model sources', 'autoscaling': 'Autoscaling', 'plan': 'Capacity plan', 'traffic': 'Ingress, Gateway, NetworkPolicy, PDB',
  'rollout': 'Blue-green and canary', 'observability': 'Monitoring', 'batch': 'Batch mode', 'edge': 'Edge mode', 'pulumi': 'Pulumi',
  'spec-properties': 'Properties over random input', 'kube-version': 'Target Kubernetes version',
  'inference-pool': 'Inference pool and endpoint picker', 'llm-scaling': 'LLM autoscaling and scale to zero', 'lora': 'LoRA adapters',
  'downloads': 'Model downloads and URIs', 'gpu': 'GPU generation vs image', 'pod-fields': 'Pod fields', 'resources': 'Resources',
  'triton-rules': 'Triton: TensorRT and ensembles',
  'canary-sizing': 'Rollout track sizes and autoscaler queries', 'exposure': 'What the routes publish', 'names': 'Object names across specs',
  'input-rules': 'What the API server and controllers would refuse later', 'plain-text-secrets': 'Plain-text credentials',
  'one-pass': 'One-pass validation and terminal-safe messages', 'cli-output': 'Writing the output folder', 'cli-helm': 'Command line, the way Helm users work',
  'many-models': 'One spec with many models',
  'multinode': 'Multi-node (LeaderWorkerSet)', 'dra': 'GPU claims (DRA)', 'image-volume': 'Image volumes', 'tracing': 'Tracing',
  'constructs-api': 'Constructs in your own cdk8s code', 'spec-types': 'TypeScript types of the spec',
  'json-schema': 'The JSON Schema', 'engine-build': 'TensorRT engine build', 'engine-build-rules': 'TensorRT engine build', 'rollout-rules': 'Blue-green and canary', 'logging': 'Logging', 'cli-refusals': 'Command line: usage errors',
};
const RULE = /^(refuses|rejects|requires|reports|random|never|validate names|synth writes nothing|synth refuses|a bad|an unknown)/;

/** A `test(` call at the start of a line (indented too: tests in loops), its name a '…', "…" or `…` literal. */
const TEST_CALL = /^([ \t]*)test\((?:'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`)/gm;
/** `for (const x of [...])` or `for (const [a, b] of [[...], ...] as const)` at the start of a line. */
const FOR_OF = /^[ \t]*for \(const (\w+|\[[\w, ]+\]) of (\[.*\])(?: as const)?\) \{$/;

/**
 * The names of the tests in one test file, unescaped. A template-literal name in a `for (const … of [literal])`
 * loop gives one name per loop value; any other `${expr}` is shown as `‹expr›`.
 */
export function testNames(source: string): string[] {
  const lines = source.split('\n');
  const names: string[] = [];
  for (const m of source.matchAll(TEST_CALL)) {
    const raw = m[2] ?? m[3] ?? m[4];
    if (m[4] === undefined || !raw.includes('${')) { names.push(unescape(raw)); continue; }
    const line = source.slice(0, m.index).split('\n').length - 1;
    const rows = m[1] ? loopBindings(lines, line, m[1].length) : [{}];
    for (const vars of rows) {
      names.push(unescape(raw.replace(/\$\{([^}]*)\}/g, (_, expr: string) => (expr.trim() in vars ? String(vars[expr.trim()]) : `‹${expr.trim()}›`))));
    }
  }
  return names;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t' }[c] ?? c));
}

/** The variable bindings of the enclosing `for … of` loop over a literal array (one row per value), or one empty row. */
function loopBindings(lines: string[], line: number, indent: number): Record<string, unknown>[] {
  for (let i = line - 1; i >= 0; i--) {
    const lead = /^[ \t]*/.exec(lines[i])![0].length;
    if (lead >= indent || !lines[i].trim()) continue;
    const m = FOR_OF.exec(lines[i]);
    if (!m) return [{}];
    let values: unknown[];
    try { values = JSON.parse(m[2].replace(/'/g, '"')) as unknown[]; } catch { return [{}]; }
    const names = m[1].startsWith('[') ? m[1].slice(1, -1).split(',').map((x) => x.trim()) : [m[1]];
    return values.map((v) => Object.fromEntries(names.map((n, k) => [n, names.length > 1 ? (v as unknown[])[k] : v])));
  }
  return [{}];
}

export function catalogue(dir = 'test'): string {
  const out = [
    '<!-- Generated from the test names by `npx tsx test/support/catalogue.ts > docs/BAD_INPUTS.md`; do not edit (test/docs.test.ts fails when it is stale). -->',
    '# Bad inputs: the rules and their tests',
    '',
    'Every spec is validated completely before anything is written. Each problem is reported as',
    '`FILE: FIELD.PATH: RULE` (all problems at once, exit code 1, no stack trace, nothing written); a secret in a',
    'URI is reported by its field, never printed. Each line below is a test that feeds one kind of bad input and',
    'asserts the exact error. Loader-level protections: files over 1 MiB, more than 100 YAML aliases (alias bombs),',
    'duplicate keys, `__proto__` / `constructor` / `prototype` keys, empty files, malformed YAML (with line and column).',
    '',
  ];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.test.ts')).sort()) {
    const area = f.replace(/\.test\.ts$/, '');
    const names = testNames(readFileSync(join(dir, f), 'utf8')).filter((n) => RULE.test(n));
    if (!names.length) continue;
    out.push(`## ${AREAS[area] ?? area} (\`test/${f}\`)`, '', ...names.map((n) => `- ${n}`), '');
  }
  return out.join('\n');
}

if (require.main === module) process.stdout.write(catalogue());
