/**
 * `npx tsx bench/profile.ts [N=300] [TOP=30] [UNDER]`: runs the synth phase for N generated specs under
 * `node --cpu-prof` and prints where the time goes: self time per function and per package/file,
 * summed from the .cpuprofile JSON (samples × timeDeltas), and the inclusive time of the repository's
 * functions. With UNDER (a function name, e.g. `ModelServing`), the self time of everything it calls.
 * Also `summarizeProfile(file, under?)` for any profile.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, cleanup, prepareSpecs, runChild } from './runner';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface ProfileSummary {
  readonly totalMs: number;
  /** [function at file:line, self ms], most expensive first. */
  readonly functions: [string, number][];
  /** [package or repository file, self ms], most expensive first. */
  readonly files: [string, number][];
  /** [repository function, inclusive ms (itself and everything it calls)], most expensive first. */
  readonly inclusive: [string, number][];
}

/** Where a script lives, short: the innermost npm package (`yaml`, `cdk8s`), `lib/x.ts`, or `(node)`. */
function owner(url: string): string {
  if (!url) return '(native / GC / idle)';
  const pkg = [...url.matchAll(/node_modules\/((@[^/]+\/)?[^/]+)/g)].pop();
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return '(node)';
  const i = url.indexOf(REPO);
  return i >= 0 ? url.slice(i + REPO.length + 1) : url;
}

/**
 * Sums the self time of every function (and of every package/file) in a V8 .cpuprofile. With `under`, only
 * samples whose stack holds a function of that name count.
 */
export function summarizeProfile(file: string, under?: string): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (id: number) => {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    return `${functionName || '(anonymous)'} ${owner(url)}${url ? `:${lineNumber + 1}` : ''}`;
  };
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, ms: number) => m.set(k, (m.get(k) ?? 0) + ms);
  const isUnder = (id: number) => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) if (byId.get(at)!.callFrame.functionName === under) return true;
    return false;
  };
  for (const [id, us] of selfUs) {
    if (under !== undefined && !isUnder(id)) continue;
    add(fn, keyOf(id), us / 1000);
    add(files, owner(byId.get(id)!.callFrame.url), us / 1000);
    // inclusive time of the repository's functions: each function on the stack once (recursion counted once)
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      if (url.includes(REPO) && !url.includes('node_modules')) onStack.add(keyOf(at));
    }
    for (const k of onStack) add(inclusive, k, us / 1000);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { totalMs: (p.endTime - p.startTime) / 1000, functions: sorted(fn), files: sorted(files), inclusive: sorted(inclusive) };
}

export function formatSummary(s: ProfileSummary, top: number, under?: string): string {
  const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%`;
  const rows = (xs: [string, number][]) => xs.slice(0, top).map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms ${pct(ms)}  ${k}`).join('\n');
  const scope = under === undefined ? '' : ` (below: only samples under ${under})`;
  return `profile: ${s.totalMs.toFixed(0)} ms in total (includes module loading)${scope}\n\nself time by package / file:\n${rows(s.files)}\n\n` +
    `self time by function:\n${rows(s.functions)}\n\ninclusive time of repository functions:\n${rows(s.inclusive)}\n`;
}

function main(): void {
  const n = Number(process.argv[2] ?? 300);
  const top = Number(process.argv[3] ?? 30);
  const under = process.argv[4];
  const dir = prepareSpecs(n);
  const profDir = mkdtempSync(join(tmpdir(), 'ms-prof-'));
  try {
    const r = runChild('synth', dir, ['--cpu-prof', '--cpu-prof-dir', profDir]);
    process.stdout.write(`N=${n}: ${r.objects} objects, synth ${r.ms.toFixed(0)} ms ${JSON.stringify(r.steps)}\n`);
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('node wrote no .cpuprofile');
    process.stdout.write(formatSummary(summarizeProfile(join(profDir, file), under), top, under));
  } finally {
    cleanup(dir);
    rmSync(profDir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
