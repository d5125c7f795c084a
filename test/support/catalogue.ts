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
  'json-schema': 'The JSON Schema',
};
const RULE = /^(refuses|rejects|requires|reports|random|never|validate names|synth writes nothing|synth refuses|a bad|an unknown)/;

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
    const names = [...readFileSync(join(dir, f), 'utf8').matchAll(/^test\((['`])((?:(?!\1).)*)\1/gm)]
      .map((m) => m[2]).filter((n) => RULE.test(n));
    if (!names.length) continue;
    out.push(`## ${AREAS[area] ?? area} (\`test/${f}\`)`, '', ...names.map((n) => `- ${n.replace(/\$\{[^}]*\}/g, '…')}`), '');
  }
  return out.join('\n');
}

if (require.main === module) process.stdout.write(catalogue());
