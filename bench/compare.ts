/**
 * `npx tsx bench/compare.ts BEFORE_ROOT [AFTER_ROOT=this checkout] [--sizes 100,1000] [--repeat 3]`
 *
 * Before/after comparison of the synth phase between two checkouts of this repository (e.g. a copy with
 * an optimization reverted), on the same generated specs, alternating before and after runs so that load
 * from other processes hits both alike. Prints a markdown table of medians.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO, cleanup, median, prepareSpecs, runChild } from './runner';
import type { ChildResult } from './child';

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { sizes: { type: 'string', default: '100,1000' }, repeat: { type: 'string', default: '3' } },
  });
  if (!positionals[0]) throw new Error('usage: compare.ts BEFORE_ROOT [AFTER_ROOT] [--sizes 100,1000] [--repeat 3]');
  const before = resolve(positionals[0]);
  const after = resolve(positionals[1] ?? REPO);
  const repeat = Number(values.repeat);
  const lines = [
    `before: ${before}`, `after: ${after}`, '',
    '| N specs | objects | before wall ms (load / synthesize / write) | after wall ms (load / synthesize / write) | after / before wall | before CPU ms | after CPU ms | after / before CPU | before peak RSS MiB | after peak RSS MiB |',
    '|---:|---:|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const n of values.sizes!.split(',').map(Number)) {
    const dir = prepareSpecs(n);
    try {
      const runs: { before: ChildResult[]; after: ChildResult[] } = { before: [], after: [] };
      for (let r = 0; r < repeat; r++) {
        runs.before.push(runChild('synth', dir, [], before));
        runs.after.push(runChild('synth', dir, [], after));
      }
      const cell = (xs: ChildResult[]) => {
        const s = (k: string) => median(xs.map((x) => x.steps![k])).toFixed(0);
        return `${median(xs.map((x) => x.ms)).toFixed(0)} (${s('load')} / ${s('synthesize')} / ${s('write')})`;
      };
      const ms = (xs: ChildResult[]) => median(xs.map((x) => x.ms));
      const cpu = (xs: ChildResult[]) => median(xs.map((x) => x.cpuMs));
      const mib = (xs: ChildResult[]) => (median(xs.map((x) => x.maxRssKiB)) / 1024).toFixed(0);
      const { before: b, after: a } = runs;
      lines.push(`| ${n} | ${a[0].objects} | ${cell(b)} | ${cell(a)} | ${(ms(a) / ms(b)).toFixed(2)} | ${cpu(b).toFixed(0)} | ${cpu(a).toFixed(0)} | ` +
        `${(cpu(a) / cpu(b)).toFixed(2)} | ${mib(b)} | ${mib(a)} |`);
      process.stderr.write(`${lines[lines.length - 1]}\n`);
    } finally {
      cleanup(dir);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (require.main === module) main();
