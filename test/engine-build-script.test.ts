/** TensorRT engine builds: the build and wait scripts, run for real with sh and a stand-in trtexec. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync, chmodSync, utimesSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synth, find, container } from './support/synth';
import { buildDoc, jobOf, script } from './support/engine-build';

function sandbox(trtexecBody: string) {
  const root = mkdtempSync(join(tmpdir(), 'trt-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'trtexec'), `#!/bin/sh\n${trtexecBody}\n`);
  chmodSync(join(bin, 'trtexec'), 0o755);
  mkdirSync(join(root, 'store', 'det', '1'), { recursive: true });
  writeFileSync(join(root, 'store', 'det', '1', 'model.onnx'), 'onnx-bytes');
  const objs = synth(buildDoc());
  const local = (s: string) => s.replaceAll('/model-store', join(root, 'store')).replaceAll('/usr/src/tensorrt/bin/trtexec', join(root, 'usr-src-tensorrt', 'trtexec'));
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, POD_NAME: 'build-pod-a', TRACE: join(root, 'trace') };
  const job = jobOf(objs);
  const run = (s: string, args: string[] = []) => spawnSync('sh', ['-c', local(s), 'x', ...args], { env, encoding: 'utf8', timeout: 20000 });
  const versions: string[] = job.spec.template.spec.containers[0].command.slice(4);
  return {
    root,
    build: () => run(script(job), versions),
    /** The build as one more pod (its own POD_NAME) running at the same time as others. */
    buildAsync: (pod: string, extra: Record<string, string> = {}) => new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const p = spawn('sh', ['-c', local(script(job)), 'x', ...versions], { env: { ...env, POD_NAME: pod, ...extra } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (status) => done({ status, stdout, stderr }));
    }),
    wait: () => run(container(find(objs, 'Deployment'), 'wait-for-engines').command[2]),
    /** The wait step's first line of output while it waits (then it is stopped). */
    waitingLine: () => new Promise<string>((done) => {
      const p = spawn('sh', ['-c', local(container(find(objs, 'Deployment'), 'wait-for-engines').command[2])], { env, detached: true });
      p.stdout.once('data', (d) => { process.kill(-p.pid!, 'SIGKILL'); done(String(d).trim()); });
    }),
    plan: /plan='(model\.[0-9a-f]{12}\.plan)'/.exec(script(job))![1],
  };
}

/** A stand-in trtexec that records each build in $TRACE (its --saveEngine path), takes `seconds`, then writes the plan. */
const slowBuild = (seconds: number) => `for a in "$@"; do case "$a" in --saveEngine=*) out="\${a#--saveEngine=}"; echo "$out" >> "$TRACE"; sleep ${seconds}; echo plan > "$out";; esac; done`;
const traced = (root: string) => (existsSync(join(root, 'trace')) ? readFileSync(join(root, 'trace'), 'utf8').trim().split('\n') : []);

const SAVE_ENGINE = 'for a in "$@"; do case "$a" in --saveEngine=*) echo plan > "${a#--saveEngine=}";; esac; done; echo "&&&& PASSED TensorRT.trtexec"';

test('the build script writes the plan and its source id, skips an up-to-date plan, and the wait step passes', () => {
  const s = sandbox(SAVE_ENGINE);
  const first = s.build();
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /version 1: model\.[0-9a-f]+\.plan built/);
  assert.equal(readFileSync(join(s.root, 'store/det/1', s.plan), 'utf8'), 'plan\n');
  assert.match(readFileSync(join(s.root, 'store/det/1', `${s.plan}.source`), 'utf8'), /^10 \d+\n$/);
  const again = s.build();
  assert.equal(again.status, 0);
  assert.match(again.stdout, /is up to date/);
  const wait = s.wait();
  assert.equal(wait.status, 0, wait.stderr);
  assert.match(wait.stdout, /TensorRT plans ready: det model\.[0-9a-f]+\.plan/);
});

test('two pods building the same plan at once: one builds, the other waits for it and finds the plan up to date', async () => {
  const s = sandbox(slowBuild(4));
  // heartbeats every second and a lock taken over after 3 s without one: the holder's heartbeat keeps its lock
  const lock = { BUILD_LOCK_POLL_SECONDS: '1', BUILD_LOCK_HEARTBEAT_SECONDS: '1', BUILD_LOCK_STALE_SECONDS: '3' };
  const [a, b] = await Promise.all([s.buildAsync('build-pod-a', lock), s.buildAsync('build-pod-b', lock)]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);
  const builds = traced(s.root);
  assert.equal(builds.length, 1, `trtexec ran ${builds.length} times: ${builds.join(', ')}`);
  const [builder, waiter] = /built/.test(a.stdout) ? [a, b] : [b, a];
  assert.match(builder.stdout, /version 1: model\.[0-9a-f]{12}\.plan built/);
  assert.match(waiter.stdout, /version 1: waiting for build-pod-[ab]\.\d+, which builds model\.[0-9a-f]{12}\.plan/);
  assert.match(waiter.stdout, /version 1: model\.[0-9a-f]{12}\.plan is up to date/);
  assert.doesNotMatch(waiter.stdout, /taking its lock over/);
  assert.equal(readFileSync(join(s.root, 'store/det/1', s.plan), 'utf8'), 'plan\n');
  // no temporary file and no lock is left behind
  assert.deepEqual(readdirSync(join(s.root, 'store/det/1')).sort(), ['model.onnx', s.plan, `${s.plan}.source`].sort());
  assert.equal(s.wait().status, 0);
});

test('the plan is written under a temporary name of the pod (POD_NAME), never one another pod could use', () => {
  const s = sandbox(slowBuild(0));
  assert.equal(s.build().status, 0);
  const [tmp] = traced(s.root);
  assert.match(tmp, new RegExp(`/store/det/1/\\.${s.plan.replaceAll('.', '\\.')}\\.build-pod-a\\.\\d+$`));
});

test('a lock whose holder stopped (its pod was lost) is taken over once its heartbeat has stopped for the stale time', async () => {
  const s = sandbox(slowBuild(0));
  const lock = join(s.root, 'store/det/1', `.${s.plan}.lock`);
  mkdirSync(lock);
  writeFileSync(join(lock, 'owner'), 'lost-pod.7\n');
  const r = await s.buildAsync('build-pod-b', { BUILD_LOCK_POLL_SECONDS: '1', BUILD_LOCK_STALE_SECONDS: '2' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /version 1: waiting for lost-pod\.7, which builds/);
  assert.match(r.stdout, /version 1: no heartbeat from lost-pod\.7 for 2s: taking its lock over/);
  assert.match(r.stdout, /version 1: model\.[0-9a-f]{12}\.plan built/);
  assert.ok(!existsSync(lock));
});

test('while it waits, the wait step says who builds the plan, or that no build runs (the build pod may lack a GPU these pods hold)', async () => {
  const s = sandbox(SAVE_ENGINE);
  assert.match(await s.waitingLine(), /^waiting for the TensorRT build: model det version 1: no build of model\.[0-9a-f]{12}\.plan is running yet \(Job with labels app\.kubernetes\.io\/component=engine-build,model-serving\/model=det,model-serving\/engine=[0-9a-f]{12}\)\. If its pod stays Pending for want of a GPU, the serving pods waiting here hold the nvidia\.com\/gpu of NVIDIA-L4 it needs/);
  const lock = join(s.root, 'store/det/1', `.${s.plan}.lock`);
  mkdirSync(lock);
  writeFileSync(join(lock, 'owner'), 'm-trt-0123456789-x7k2p.1\n');
  assert.equal(await s.waitingLine(), `waiting for the TensorRT build: model det version 1: ${s.plan} is being built by m-trt-0123456789-x7k2p.1`);
});

test('a failed trtexec fails the Job (exit 3) and the wait step fails with the reason', () => {
  const s = sandbox('echo "[E] Error[4]: ITensor::getDimensions: Error Code 4: Shape Error"; exit 1');
  const r = s.build();
  assert.equal(r.status, 3);
  assert.ok(!existsSync(join(s.root, 'store/det/1', s.plan)));
  const wait = s.wait();
  assert.equal(wait.status, 1);
  assert.match(wait.stderr, /model det version 1: the TensorRT build failed \(kubectl logs -l app\.kubernetes\.io\/component=engine-build,model-serving\/model=det,model-serving\/engine=[0-9a-f]{12}\):\ntrtexec exited with 1 in pod build-pod-a:\n.*Shape Error/);
});

test('a missing ONNX file or version directory fails the Job at once (exit 3, not set -e\'s 1), and the wait step says why', () => {
  const s = sandbox(SAVE_ENGINE);
  rmSync(join(s.root, 'store/det/1/model.onnx'));
  const noFile = s.build();
  assert.equal(noFile.status, 3, noFile.stderr);
  assert.equal(noFile.stderr, `ONNX file ${join(s.root, 'store/det/1/model.onnx')} not found\n`);
  assert.equal(readFileSync(join(s.root, 'store/det/1', `${s.plan}.failed`), 'utf8'), `ONNX file ${join(s.root, 'store/det/1/model.onnx')} not found\n`);
  const waitFile = s.wait();
  assert.equal(waitFile.status, 1);
  assert.match(waitFile.stderr, /model det version 1: the TensorRT build failed \(kubectl logs -l [^)]+\):\nONNX file .*\/store\/det\/1\/model\.onnx not found\n$/);
  // no version directory at all: nothing can be written there, the exit code stays 3
  rmSync(join(s.root, 'store/det/1'), { recursive: true });
  const noDir = s.build();
  assert.equal(noDir.status, 3, noDir.stderr);
  assert.equal(noDir.stderr, `ONNX file ${join(s.root, 'store/det/1/model.onnx')} not found\n`);
  assert.ok(!existsSync(join(s.root, 'store/det/1')), 'the build does not create the version directory');
  const waitDir = s.wait();
  assert.equal(waitDir.status, 1);
  assert.match(waitDir.stderr, /^model det version 1: .*\/store\/det\/1\/model\.onnx not found in the model repository\n$/);
});

test('the wait step refuses a plan built from an ONNX file that has changed since', () => {
  const s = sandbox(SAVE_ENGINE);
  assert.equal(s.build().status, 0);
  const onnx = join(s.root, 'store/det/1/model.onnx');
  writeFileSync(onnx, 'new-onnx-bytes');
  utimesSync(onnx, new Date(), new Date(Date.now() + 60000));
  const wait = s.wait();
  assert.equal(wait.status, 1);
  assert.match(wait.stderr, /model det version 1: model\.onnx changed after model\.[0-9a-f]+\.plan was built; delete the build Job \(kubectl delete job -l app\.kubernetes\.io\/component=engine-build,model-serving\/model=det,model-serving\/engine=[0-9a-f]{12}\) and apply the manifests again/);
  assert.match(s.build().stdout, /building/, 'the Job builds again when it runs');
});

test('the build script runs trtexec from the PATH, else from the TensorRT install directory /usr/src/tensorrt/bin', () => {
  const s = sandbox(`echo path >> "$TRACE"; ${SAVE_ENGINE}`);
  mkdirSync(join(s.root, 'usr-src-tensorrt'));
  writeFileSync(join(s.root, 'usr-src-tensorrt', 'trtexec'), `#!/bin/sh\necho install-dir >> "$TRACE"\n${SAVE_ENGINE}\n`);
  chmodSync(join(s.root, 'usr-src-tensorrt', 'trtexec'), 0o755);
  assert.equal(s.build().status, 0);
  assert.deepEqual(traced(s.root), ['path']);
  rmSync(join(s.root, 'bin', 'trtexec'));
  rmSync(join(s.root, 'store/det/1', s.plan));
  const r = s.build();
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(traced(s.root), ['path', 'install-dir']);
});

test('the build script fails at once (exit 2) when the image has no trtexec', () => {
  assert.notEqual(spawnSync('sh', ['-c', 'command -v trtexec']).status, 0, 'this machine has no trtexec');
  const s = sandbox('exit 0');
  rmSync(join(s.root, 'bin', 'trtexec'));
  const r = s.build();
  assert.equal(r.status, 2);
  // the sandbox stands in its own directory for /usr/src/tensorrt/bin
  assert.equal(r.stderr, `no trtexec in this image (not on the PATH, nor ${join(s.root, 'usr-src-tensorrt', 'trtexec')})\n`);
  assert.ok(script(jobOf(synth(buildDoc()))).includes('echo "no trtexec in this image (not on the PATH, nor /usr/src/tensorrt/bin/trtexec)" >&2; exit 2;'));
});

// --- refusals --------------------------------------------------------------------------------------------
