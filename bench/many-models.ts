/**
 * The many-models case of `npm run bench`: ONE spec with N models (N = 1,000 ... 32,000 by default; set
 * MS_BENCH_MANY_MODELS=1000,4000 to change), each N in fresh processes (bench/child.ts phase many-models).
 * Synthesis must stay linear in the number of models: the section reports the growth exponent between sizes
 * (1.0 is linear). Sizes past the spec file limit (1 MiB, about 15,000 models) run in memory, as a cdk8s app
 * would build them; synth itself refuses such a spec because its Triton config ConfigMap is over 1 MiB.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO, median } from './runner';
import type { ChildResult } from './child';

const DEFAULT_SIZES = [1000, 4000, 16000, 32000];

function runMany(n: number): ChildResult {
  const r = spawnSync(process.execPath, ['--expose-gc', '-r', 'tsx/cjs', join(REPO, 'bench', 'child.ts'), 'many-models', String(n)], {
    cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench child many-models ${n} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

/** Measures every size (median of `repeat` runs) and returns the report section. */
export function manyModelsSection(repeat: number): string {
  const sizes = (process.env.MS_BENCH_MANY_MODELS ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0);
  const rows = (sizes.length ? sizes : DEFAULT_SIZES).map((n) => {
    process.stderr.write(`many models: one spec with ${n} models, ${repeat} run(s) ...\n`);
    const runs = Array.from({ length: repeat }, () => runMany(n));
    return {
      n, objects: runs[0].objects, yamlBytes: runs[0].yamlBytes, ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)),
      validate: median(runs.map((r) => r.steps!.load)), synthesize: median(runs.map((r) => r.steps!.synthesize)), rssMiB: median(runs.map((r) => r.maxRssKiB)) / 1024,
    };
  });
  const lines = [
    '## One spec with many models',
    '',
    'One Triton spec serving N ONNX models (bench/generate.ts `manyModelsSpec`): validateDocument, then the constructs and the YAML ' +
      '(bench/many-models.ts). Synthesis must grow linearly with N.',
    '',
    '| models | objects | YAML MiB | wall ms (validate / synthesize) | CPU ms | CPU µs per model | peak RSS MiB |',
    '|---:|---:|---:|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.n} | ${r.objects} | ${(r.yamlBytes / 2 ** 20).toFixed(1)} | ${r.ms.toFixed(0)} (${r.validate.toFixed(0)} / ${r.synthesize.toFixed(0)}) | ` +
      `${r.cpuMs.toFixed(0)} | ${((r.cpuMs * 1000) / r.n).toFixed(0)} | ${r.rssMiB.toFixed(0)} |`),
    '',
    ...rows.slice(1).map((b, i) => {
      const a = rows[i];
      const k = (x: number, y: number) => (Math.log(y / x) / Math.log(b.n / a.n)).toFixed(2);
      return `- N ${a.n} -> ${b.n}: CPU time grows as N^${k(a.cpuMs, b.cpuMs)} (wall N^${k(a.ms, b.ms)}; synthesize step N^${k(a.synthesize, b.synthesize)})`;
    }),
  ];
  return lines.join('\n');
}
