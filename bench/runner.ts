/** Starting benchmark children: spec directories for N specs, and one fresh `node` process per measurement. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { benchSpecYaml } from './generate';
import type { ChildResult, Phase } from './child';

/** The repository root (bench/..). */
export const REPO = resolve(__dirname, '..');
const CHILD = join(REPO, 'bench', 'child.ts');

/** A fresh temp directory holding `specs/<name>.yaml` for specs 0..n-1. Remove it with `cleanup`. */
export function prepareSpecs(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), `ms-bench-${n}-`));
  mkdirSync(join(dir, 'specs'));
  for (let i = 0; i < n; i++) writeFileSync(join(dir, 'specs', `model-${String(i).padStart(4, '0')}.yaml`), benchSpecYaml(i));
  return dir;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs one phase in a new `node --expose-gc -r tsx/cjs bench/child.ts` process and returns its result.
 * `nodeArgs` go before the script (e.g. `--cpu-prof`); `root` is the checkout whose bench/child.ts and
 * lib/ run (another copy of the repository, for before/after comparisons). Throws with the child's stderr.
 */
export function runChild(phase: Phase, dir: string, nodeArgs: string[] = [], root = REPO): ChildResult {
  const child = root === REPO ? CHILD : join(root, 'bench', 'child.ts');
  const r = spawnSync(process.execPath, [...nodeArgs, '--expose-gc', '-r', 'tsx/cjs', child, phase, dir], {
    cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench child ${phase} failed (exit ${r.status}):\n${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as ChildResult;
}

/** The median of some numbers (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
