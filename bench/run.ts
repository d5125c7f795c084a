/**
 * `npm run bench [-- --sizes 1,10,100,1000 --repeat 3 --no-startup --no-compiled --out bench/results.md]`
 *
 * For each N: generates N full-featured specs (bench/generate.ts), then in FRESH child processes
 * (bench/child.ts; one process per measurement, so maxRSS is per N and per phase) measures the CLI synth
 * path and its two floors on the same objects. Prints a table and the ratios, and writes bench/results.md.
 * Each number is the median of --repeat runs. See docs/PERFORMANCE.md for the method.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FEATURES } from './generate';
import { REPO, cleanup, median, prepareSpecs, runChild } from './runner';
import { measureStartup, StartupResult } from './startup';
import { manyModelsSection } from './many-models';
import type { ChildResult, Phase } from './child';
import { coldStartSection } from './cold-start';

export interface SizeResult {
  readonly n: number;
  readonly objects: number;
  readonly synth: ChildResult;
  readonly floorYaml: ChildResult;
  readonly floorCdk8s: ChildResult;
}

const PHASES: Phase[] = ['synth', 'floor-yaml', 'floor-cdk8s'];

/** The median result of each phase (median time and median maxRSS over the repeats). */
function medianOf(runs: ChildResult[]): ChildResult {
  const steps = runs[0].steps && Object.fromEntries(Object.keys(runs[0].steps).map((k) => [k, median(runs.map((r) => r.steps![k]))]));
  return {
    ...runs[0], ms: median(runs.map((r) => r.ms)), cpuMs: median(runs.map((r) => r.cpuMs)), maxRssKiB: median(runs.map((r) => r.maxRssKiB)),
    startRssKiB: median(runs.map((r) => r.startRssKiB)), ...(steps ? { steps } : {}),
  };
}

export function measureSize(n: number, repeat: number): SizeResult {
  const dir = prepareSpecs(n);
  try {
    const runs: Record<Phase, ChildResult[]> = { synth: [], 'floor-yaml': [], 'floor-cdk8s': [] };
    // interleaved, so a burst of load from other processes hits every phase alike
    for (let r = 0; r < repeat; r++) for (const p of PHASES) runs[p].push(runChild(p, dir));
    const synth = medianOf(runs.synth);
    const floorYaml = medianOf(runs['floor-yaml']);
    const floorCdk8s = medianOf(runs['floor-cdk8s']);
    if (floorYaml.objects !== synth.objects || floorCdk8s.objects !== synth.objects) {
      throw new Error(`object counts differ at N=${n}: synth ${synth.objects}, floor-yaml ${floorYaml.objects}, floor-cdk8s ${floorCdk8s.objects}`);
    }
    return { n, objects: synth.objects, synth, floorYaml, floorCdk8s };
  } finally {
    cleanup(dir);
  }
}

const f0 = (x: number) => x.toFixed(0);
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const mib = (kib: number) => f0(kib / 1024);

/** Markdown table of the sizes. */
export function sizeTable(rows: SizeResult[]): string {
  const lines = [
    '| N specs | objects | synth wall ms (load / synthesize / write) | synth CPU ms | CPU ms per spec | objects/s (wall) | synth peak RSS MiB (at start) | ' +
      'floor (a) yaml wall / CPU ms | floor (b) cdk8s wall / CPU ms | floor (b) peak RSS MiB | synth / floor (b) wall | synth / floor (b) CPU | synthesize only / floor (b) wall | synth / floor (a) CPU |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const s = r.synth.steps!;
    lines.push(`| ${r.n} | ${r.objects} | ${f0(r.synth.ms)} (${f0(s.load)} / ${f0(s.synthesize)} / ${f0(s.write)}) | ${f0(r.synth.cpuMs)} | ${f1(r.synth.cpuMs / r.n)} | ` +
      `${f0(r.objects / (r.synth.ms / 1000))} | ${mib(r.synth.maxRssKiB)} (${mib(r.synth.startRssKiB)}) | ${f0(r.floorYaml.ms)} / ${f0(r.floorYaml.cpuMs)} | ` +
      `${f0(r.floorCdk8s.ms)} / ${f0(r.floorCdk8s.cpuMs)} | ${mib(r.floorCdk8s.maxRssKiB)} | ${f2(r.synth.ms / r.floorCdk8s.ms)} | ${f2(r.synth.cpuMs / r.floorCdk8s.cpuMs)} | ` +
      `${f2(s.synthesize / r.floorCdk8s.ms)} | ${f2(r.synth.cpuMs / r.floorYaml.cpuMs)} |`);
  }
  return lines.join('\n');
}

/** Growth exponent between consecutive sizes: log(t2/t1) / log(n2/n1); 1.0 is linear. */
export function growth(rows: SizeResult[]): string {
  const out: string[] = [];
  const k = (a: number, b: number, na: number, nb: number) => f2(Math.log(b / a) / Math.log(nb / na));
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1];
    const b = rows[i];
    if (a.n < 10) continue; // N=1 is dominated by JIT warm-up, not by N
    out.push(`- N ${a.n} -> ${b.n}: synth CPU time grows as N^${k(a.synth.cpuMs, b.synth.cpuMs, a.n, b.n)} (wall N^${k(a.synth.ms, b.synth.ms, a.n, b.n)}; ` +
      `floor (b) CPU N^${k(a.floorCdk8s.cpuMs, b.floorCdk8s.cpuMs, a.n, b.n)}); CPU per spec ${f1(a.synth.cpuMs / a.n)} -> ${f1(b.synth.cpuMs / b.n)} ms`);
  }
  return out.join('\n');
}

export function startupTable(rows: StartupResult[]): string {
  const lines = ['| what | command | median wall ms | runs | modules loaded | npm packages loaded |', '|---|---|---:|---:|---:|---|'];
  for (const r of rows) lines.push(`| ${r.label} | \`${r.command}\` | ${f0(r.ms)} | ${r.runs} | ${r.modules} | ${r.packages.join(', ') || '-'} |`);
  return lines.join('\n');
}

function machine(load0: number[], load1: number[]): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}; load average (1 min) ${f2(load0[0])} at start, ${f2(load1[0])} at end`;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1,10,100,1000' },
      repeat: { type: 'string', default: '3' },
      'no-startup': { type: 'boolean', default: false },
      'no-compiled': { type: 'boolean', default: false },
      out: { type: 'string', default: join(REPO, 'bench', 'results.md') },
    },
  });
  const sizes = values.sizes!.split(',').map((s) => Number(s.trim()));
  const repeat = Number(values.repeat);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(repeat) || repeat < 1) {
    throw new Error('--sizes takes positive whole numbers (1,10,100) and --repeat a positive whole number');
  }
  const load0 = loadavg();
  const rows: SizeResult[] = [];
  for (const n of sizes) {
    process.stderr.write(`N=${n}: ${repeat} × (synth, floor-yaml, floor-cdk8s) ...\n`);
    rows.push(measureSize(n, repeat));
  }
  let startup: StartupResult[] = [];
  if (!values['no-startup']) {
    process.stderr.write(`startup: validate on one spec${values['no-compiled'] ? '' : ' (compiling to a temp dir first)'} ...\n`);
    startup = measureStartup(7, !values['no-compiled']);
  }
  const load1 = loadavg();
  const largest = rows[rows.length - 1];
  const report = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}. Method and history: docs/PERFORMANCE.md.`,
    '',
    `Machine: ${machine(load0, load1)}. Wall times on a shared machine are noisy: compare ratios measured in the same run, not absolute numbers ` +
      'across runs. CPU time (user + system of the child, including its GC threads) is less affected by other processes than wall time.',
    '',
    `Specs: ${FEATURES}. Each number is the median of ${repeat} fresh child processes per phase; modules are loaded before the clock starts.`,
    '',
    '## Synthesis at scale',
    '',
    sizeTable(rows),
    '',
    '- synth: the CLI path of `model-serving synth` (loadAll: parse + validate; synthesizeSpecs; the tmp-file + rename writes).',
    '- floor (a): parse the synthesized YAML and serialize it again with `yaml` (cdk8s options).',
    '- floor (b): the same objects as plain cdk8s `ApiObject`s, one App + Chart per spec, `app.synthYaml()`.',
    '',
    growth(rows),
    '',
    `The floors wrote the same number of YAML bytes as synth at every N: ${rows.every((r) => r.floorYaml.yamlBytes === r.synth.yamlBytes && r.floorCdk8s.yamlBytes === r.synth.yamlBytes) ? 'yes' : 'NO (check bench/child.ts)'}.`,
    '',
    `At N = ${largest.n}: synth / floor (b) = ${f2(largest.synth.ms / largest.floorCdk8s.ms)} wall, ${f2(largest.synth.cpuMs / largest.floorCdk8s.cpuMs)} CPU (goal <= 1.5); ` +
      `peak RSS ${mib(largest.synth.maxRssKiB)} MiB (goal < 1024).`,
    ...(startup.length ? ['', '## Start time of `model-serving validate` on one spec', '', startupTable(startup)] : []),
    '', manyModelsSection(repeat),
    '', coldStartSection(),
    '',
  ].join('\n');
  writeFileSync(values.out!, report);
  process.stdout.write(`${report}\nwrote ${values.out}\n`);
}

if (require.main === module) main();
