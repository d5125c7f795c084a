/**
 * `synth -o DIR` writes safely into shared folders: no planted symlink is followed, concurrent runs do not
 * fail, an interrupt leaves no temp file, a bad -o is one line with exit 2, and inputs of unknown size
 * (procfs, devices, pipes, stdin) are never read without bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readBounded, MAX_SPEC_BYTES } from '../lib/spec/load';
import { tritonDoc } from './support/synth';
import { runCli as run } from './support/cli';

const REPO = resolve(__dirname, '..');
const CLI = ['-r', 'tsx/cjs', join(REPO, 'lib', 'cli', 'main.ts')];

const tmp = () => mkdtempSync(join(tmpdir(), 'ms-out-'));
function spec(dir: string, name = 'm', file = `${name}.yaml`): string {
  const f = join(dir, file);
  writeFileSync(f, JSON.stringify(tritonDoc({}, { name })));
  return f;
}
/** What synth writes for the spec, through -o - (the same YAML as the file). */
const expected = (file: string) => run(['synth', file, '-o', '-']).out;
const temps = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

test('never follows a symlink planted at the old temp name or at the target: the link is replaced, its target untouched', () => {
  const dir = tmp();
  const out = join(dir, 'out');
  mkdirSync(out);
  const victim = join(dir, 'victim');
  const victim2 = join(dir, 'victim2');
  writeFileSync(victim, 'precious\n');
  writeFileSync(victim2, 'precious too\n');
  symlinkSync(victim, join(out, 'm.k8s.yaml.tmp'));
  symlinkSync(victim2, join(out, 'm.k8s.yaml'));
  const f = spec(dir);
  const r = run(['synth', f, '-o', out]);
  assert.equal(r.code, 0, r.err);
  assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
  assert.equal(readFileSync(victim2, 'utf8'), 'precious too\n');
  assert.equal(lstatSync(join(out, 'm.k8s.yaml')).isFile(), true);
  assert.equal(readFileSync(join(out, 'm.k8s.yaml'), 'utf8'), expected(f));
  assert.deepEqual(readdirSync(out).sort(), ['m.k8s.yaml', 'm.k8s.yaml.tmp'], 'the planted link is left alone, and no temp file remains');
});

test('concurrent runs into one folder all succeed and leave complete files and no temp file', async () => {
  const dir = tmp();
  const out = join(dir, 'out');
  const files = ['a', 'b', 'c'].map((n) => spec(dir, n));
  const runs = await Promise.all(Array.from({ length: 4 }, () => new Promise<{ code: number | null; err: string }>((done) => {
    const p = spawn(process.execPath, [...CLI, 'synth', ...files, '-o', out], { cwd: REPO });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => done({ code, err }));
  })));
  for (const r of runs) assert.equal(r.code, 0, r.err);
  assert.deepEqual(readdirSync(out).sort(), ['a.k8s.yaml', 'b.k8s.yaml', 'c.k8s.yaml']);
  for (const n of ['a', 'b', 'c']) assert.equal(readFileSync(join(out, `${n}.k8s.yaml`), 'utf8'), expected(join(dir, `${n}.yaml`)));
});

/** A child that installs nothing itself: it sends itself the signal, then runs the CLI's write. */
const SELF_SIGNAL = (sig: string, out: string, files: string[]) => `
const { main } = require(${JSON.stringify(join(REPO, 'lib', 'cli', 'main.ts'))});
const { writeOutputs } = require(${JSON.stringify(join(REPO, 'lib', 'cli', 'output.ts'))});
writeOutputs(${JSON.stringify(out)}, []); // the guard is in place from the first write on
process.kill(process.pid, ${JSON.stringify(sig)});
process.exitCode = main(['synth', ...${JSON.stringify(files)}, '-o', ${JSON.stringify(out)}]);
`;

for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
  test(`${sig} during the write leaves complete files and no temp file, then exits ${code}`, () => {
    const dir = tmp();
    const out = join(dir, 'out');
    mkdirSync(out);
    const files = ['a', 'b'].map((n) => spec(dir, n));
    const p = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', SELF_SIGNAL(sig, out, files)], { cwd: REPO, encoding: 'utf8' });
    assert.equal(p.status, code, p.stderr);
    assert.deepEqual(temps(out), []);
    for (const n of ['a', 'b']) assert.equal(readFileSync(join(out, `${n}.k8s.yaml`), 'utf8'), expected(join(dir, `${n}.yaml`)));
  });
}

test('an interrupt at any moment of a real run leaves no temp file and no partial output file', async () => {
  const dir = tmp();
  const files = ['a', 'b', 'c', 'd'].map((n) => spec(dir, n));
  const want = new Map(['a', 'b', 'c', 'd'].map((n) => [`${n}.k8s.yaml`, expected(join(dir, `${n}.yaml`))]));
  for (const [i, delay] of [0, 300, 900, 1800].entries()) {
    const out = join(dir, `out${i}`);
    await new Promise<void>((done) => {
      const p = spawn(process.execPath, [...CLI, 'synth', ...files, '-o', out], { cwd: REPO });
      const t = setTimeout(() => p.kill(i % 2 ? 'SIGTERM' : 'SIGINT'), delay);
      p.on('close', () => (clearTimeout(t), done()));
    });
    if (!existsSync(out)) continue;
    assert.deepEqual(temps(out), []);
    for (const f of readdirSync(out)) assert.equal(readFileSync(join(out, f), 'utf8'), want.get(f), f);
  }
});

test('refuses -o that is a file, a dangling symlink or /dev/null with one line and exit 2', () => {
  const dir = tmp();
  const f = spec(dir);
  writeFileSync(join(dir, 'afile'), 'x');
  symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
  const cases: [string, string][] = [
    [join(dir, 'afile'), `model-serving synth: -o ${join(dir, 'afile')}: is a file, not a directory; -o takes a directory, or - for standard output\n`],
    [join(dir, 'dangling'), `model-serving synth: -o ${join(dir, 'dangling')}: is a symbolic link to a missing target (ENOENT); -o takes a directory, or - for standard output\n`],
    ['/dev/null', 'model-serving synth: -o /dev/null: is a device, not a directory; -o takes a directory, or - for standard output\n'],
    [join(dir, 'afile', 'sub'), `model-serving synth: -o ${join(dir, 'afile', 'sub')}: ENOTDIR (a parent is not a directory)\n`],
  ];
  for (const [o, err] of cases) {
    const r = run(['synth', f, '-o', o]);
    assert.equal(r.code, 2, o);
    assert.equal(r.err, err);
  }
  assert.equal(readFileSync(join(dir, 'afile'), 'utf8'), 'x');
});

test('refuses a read-only -o folder with one line and exit 2, writing nothing', () => {
  const dir = tmp();
  chmodSync(dir, 0o755);
  const f = spec(dir);
  chmodSync(f, 0o644);
  const out = join(dir, 'ro');
  mkdirSync(out, 0o555);
  chmodSync(out, 0o555);
  const want = `model-serving synth: cannot write ${join(out, 'm.k8s.yaml')}: EACCES (permission denied)\n`;
  if (process.getuid?.() === 0) {
    // root writes anywhere: run as the unprivileged user nobody, as a CI runner would
    const p = spawnSync(process.execPath, [...CLI, 'synth', f, '-o', out], { cwd: REPO, encoding: 'utf8', uid: 65534, gid: 65534 });
    assert.equal(p.stderr, want);
    assert.equal(p.status, 2);
  } else {
    const r = run(['synth', f, '-o', out]);
    assert.equal(r.err, want);
    assert.equal(r.code, 2);
  }
  assert.deepEqual(readdirSync(out), []);
});

test('refuses a FILE that is a device, a directory without specs, or a named pipe (without waiting on it), exit 2', () => {
  const dir = tmp();
  const fifo = join(dir, 'fifo');
  const mk = spawnSync('mkfifo', [fifo]);
  const r = run(['validate', '/dev/zero']);
  assert.equal(r.code, 2);
  assert.equal(r.err, '/dev/zero: is not a regular file\n');
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  assert.deepEqual(run(['validate', empty]), { code: 2, out: '', err: `model-serving validate: ${empty}: no .yaml, .yml or .json file in this directory\n` });
  if (mk.status === 0) assert.deepEqual(run(['validate', fifo]), { code: 2, out: '', err: `${fifo}: is not a regular file\n` });
});

test('reads a procfs file (stat size 0) within the spec size limit, and reports it as a spec', () => {
  const r = run(['validate', '/proc/self/status']);
  assert.equal(r.code, 1);
  assert.equal(r.err, '/proc/self/status: apiVersion: must be model-serving/v1alpha1 (got undefined)\n/proc/self/status: kind: must be ModelServing (got undefined)\n');
});

test('refuses standard input over 1 MiB (exit 2), never reading more than the limit from a source of unknown size', () => {
  const fd = openSync('/dev/zero', 'r');
  try {
    assert.equal(readBounded(fd, 4096), undefined, 'an endless source is cut at limit + 1 bytes');
  } finally {
    closeSync(fd);
  }
  const big = 'x'.repeat(MAX_SPEC_BYTES + 1);
  const p = spawnSync(process.execPath, [...CLI, 'validate', '-'], { cwd: REPO, input: big, encoding: 'utf8' });
  assert.equal(p.status, 2);
  assert.equal(p.stderr, `model-serving validate: standard input is larger than ${MAX_SPEC_BYTES} bytes; a spec is a few KiB\n`);
});
