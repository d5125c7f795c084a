/**
 * Start time of `model-serving validate` on one spec, for the CLI as a source checkout runs it (bin ->
 * tsx -> lib/*.ts) and as the published package runs it (bin -> build/lib/*.js, compiled by tsc).
 * Both run from throw-away layouts in a temp directory, so the repository's own build/ (which switches
 * bin/model-serving.js to the compiled code for everyone working in the tree) is never created or used.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, median } from './runner';

export interface StartupResult {
  readonly label: string;
  readonly command: string;
  /** Median wall time of the runs, milliseconds. */
  readonly ms: number;
  readonly runs: number;
  /** npm packages in require.cache when the process exits (none of them is Pulumi, cdk8s or Grafana for validate). */
  readonly packages: string[];
  /** Modules in require.cache when the process exits. */
  readonly modules: number;
}

const SPEC = join(REPO, 'templates', 'triton-onnx-classifier.yaml');

/** A preload script that prints the loaded modules on exit (to stderr, as one JSON line). */
const PRELOAD = `process.on('exit', () => {
  const keys = Object.keys(require.cache);
  const pk = new Set();
  for (const k of keys) { const m = /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(k); if (m) pk.add(m[1]); }
  process.stderr.write('\\n@@modules ' + JSON.stringify({ modules: keys.length, packages: [...pk].sort() }) + '\\n');
});`;

function layout(root: string, withBuild: boolean): string {
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync(join(REPO, 'bin', 'model-serving.js'), join(root, 'bin', 'model-serving.js'));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  symlinkSync(join(REPO, 'package.json'), join(root, 'package.json'));
  if (!withBuild) symlinkSync(join(REPO, 'lib'), join(root, 'lib'));
  else {
    // compile errors in files other helpers are still writing do not stop tsc from emitting
    spawnSync(process.execPath, [join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO, 'tsconfig.json'), '--outDir', join(root, 'build')], { cwd: REPO, encoding: 'utf8' });
    if (!existsSync(join(root, 'build', 'lib', 'cli', 'main.js'))) throw new Error('tsc did not emit build/lib/cli/main.js');
  }
  return join(root, 'bin', 'model-serving.js');
}

function time(label: string, args: string[], runs: number, preload: string): StartupResult {
  const once = (extra: string[]) => {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [...extra, ...args], { cwd: REPO, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${label} failed (exit ${r.status}): ${r.stderr}`);
    return { ms, stderr: r.stderr };
  };
  once([]); // warm the file system cache
  const times = Array.from({ length: runs }, () => once([]).ms);
  const probe = /@@modules (.*)/.exec(once(['-r', preload]).stderr);
  const info = probe ? JSON.parse(probe[1]) as { modules: number; packages: string[] } : { modules: 0, packages: [] };
  return { label, command: `node ${args.map((a) => a.replace(REPO + '/', '')).join(' ')}`, ms: median(times), runs, ...info };
}

/** Measures `node -e 0` (Node's own floor), the tsx CLI and the compiled CLI running `validate` on one template. */
export function measureStartup(runs = 7, compiled = true): StartupResult[] {
  const root = mkdtempSync(join(tmpdir(), 'ms-startup-'));
  try {
    const preload = join(root, 'preload.js');
    writeFileSync(preload, PRELOAD);
    const results = [time('node itself (node -e 0)', ['-e', '0'], runs, preload)];
    const tsxBin = layout(join(root, 'tsx'), false);
    results.push(time('validate, source checkout (tsx)', [tsxBin, 'validate', SPEC], runs, preload));
    if (compiled) {
      const builtBin = layout(join(root, 'built'), true);
      results.push(time('validate, compiled (build/)', [builtBin, 'validate', SPEC], runs, preload));
    }
    return results.map((r) => ({ ...r, command: r.command.replace(root, '$TMP') }));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
