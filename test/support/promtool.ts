/**
 * promtool (Debian's `prometheus` package; CI installs it) run on files in a temporary directory: `check rules`
 * and `test rules` on what the constructs generate. Tests skip with SKIP when promtool is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
export const HAS_PROMTOOL = spawnSync(PROMTOOL, ['--version']).status === 0;
export const SKIP = 'promtool not found: apt-get install -y prometheus';

/** Writes `files` to a fresh directory and runs promtool there with `args`; returns its exit status and output. */
export function promtool(files: Record<string, string>, args: string[]): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'promtool-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const r = spawnSync(PROMTOOL, args, { cwd: dir, encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
