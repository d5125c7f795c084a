/**
 * Pods that stop when asked, and keep their containers' processes apart: servers without a SIGTERM handler run
 * behind a shell wrapper that is PID 1 and passes SIGTERM on (TorchServe's launcher stops its JVM); no pod shares
 * its process namespace, so no container (a download or an upload holding credentials) shows its environment to
 * the server's processes through /proc.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, readFileSync, existsSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synth, synthFile, find, container } from './support/synth';
import { TORCHSERVE_WRAPPER } from '../lib/runtimes/torchserve';
import { TFSERVING_WRAPPER } from '../lib/runtimes/tfserving';

const DOCS: Record<string, Record<string, unknown>> = {
  triton: { models: [{ name: 'm', format: 'onnx' }], repository: { pvc: { claimName: 'models' } } },
  tfserving: { models: [{ name: 'm', format: 'savedmodel' }], repository: { pvc: { claimName: 'models' } } },
  torchserve: { models: [{ name: 'm', format: 'mar' }], repository: { pvc: { claimName: 'models' } } },
  vllm: { models: [{ name: 'm', format: 'huggingface' }], repository: { huggingface: { modelId: 'org/model' } } },
};
const doc = (runtime: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm', namespace: 'ml' },
  spec: { runtime, ...DOCS[runtime], resources: { gpu: { count: 1 } }, ...extra },
});
const BATCH = { mode: 'batch', batch: { input: 's3://in/x', output: 's3://out/x', credentialsSecret: 'io' } };
const EDGE = { mode: 'edge', edge: { nodeSelector: { edge: 'true' } } };

/** Every `shareProcessNamespace` anywhere in the objects (pod templates of every workload kind, LWS templates). */
function sharedNamespaces(objs: unknown[]): string[] {
  const hits: string[] = [];
  const walk = (v: unknown, where: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'shareProcessNamespace') hits.push(`${where}.${k}=${String(x)}`);
        walk(x, `${where}.${k}`);
      }
    }
  };
  for (const o of objs as Record<string, any>[]) walk(o, `${o.kind}/${o.metadata?.name}`);
  return hits;
}

for (const runtime of Object.keys(DOCS)) {
  test(`${runtime}: no pod shares its process namespace, online, batch or edge`, () => {
    for (const extra of [{}, BATCH, EDGE]) assert.deepEqual(sharedNamespaces(synth(doc(runtime, extra))), []);
  });
}

test('no template synthesizes a pod that shares its process namespace', () => {
  const files = readdirSync('templates').filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length > 10);
  for (const f of files) assert.deepEqual(sharedNamespaces(synthFile(join('templates', f))), [], f);
});

test('a TF Serving batch pod: the upload beside the server holds the credentials, in its own process namespace', () => {
  const job = find(synth(doc('tfserving', BATCH)), 'Job');
  const upload = container(job, 'upload-results');
  assert.deepEqual(upload.envFrom, [{ secretRef: { name: 'io' } }]);
  assert.equal(container(job).restartPolicy, 'Always', 'the server runs beside it as a native sidecar');
  assert.equal(job.spec.template.spec.shareProcessNamespace, undefined);
});

test('TF Serving runs behind a shell that passes SIGTERM on to tensorflow_model_server', () => {
  const c = container(find(synth(doc('tfserving')), 'Deployment'));
  assert.deepEqual(c.command, ['sh', '-c', TFSERVING_WRAPPER, 'tensorflow_model_server']);
  assert.equal(c.args[0], '--port=8500');
  assert.match(TFSERVING_WRAPPER, /^tensorflow_model_server "\$@" &$/m);
});

test('Triton and vLLM handle SIGTERM themselves and run as PID 1 without a wrapper', () => {
  assert.deepEqual(container(find(synth(doc('triton')), 'Deployment')).command, ['tritonserver']);
  assert.equal(container(find(synth(doc('vllm')), 'Deployment')).command, undefined);
});

/** Whether this machine lets an unprivileged user create a PID namespace (user + pid namespaces, util-linux unshare). */
const UNSHARE = spawnSync('unshare', ['--pid', '--fork', '--map-root-user', 'true'], { stdio: 'ignore' }).status === 0;
const NO_UNSHARE = UNSHARE ? false : 'unshare --pid --fork --map-root-user is not available here: the PID 1 tests need a PID namespace';

/**
 * Runs `args` as PID 1 of a new PID namespace; returns the unshare process and the host pid of that PID 1
 * (unshare --fork's one child).
 */
async function asPid1(args: string[], env: NodeJS.ProcessEnv): Promise<{ proc: ChildProcess; pid: number; exit: Promise<number | null> }> {
  const proc = spawn('unshare', ['--pid', '--fork', '--map-root-user', '--kill-child', ...args], { env, stdio: 'ignore' });
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (c) => resolve(c)));
  const children = `/proc/${proc.pid}/task/${proc.pid}/children`;
  for (let i = 0; i < 200; i++) {
    const pid = existsSync(children) ? Number(readFileSync(children, 'utf8').trim().split(/\s+/)[0]) : 0;
    if (pid > 0) return { proc, pid, exit };
    await new Promise((r) => setTimeout(r, 25));
  }
  proc.kill('SIGKILL');
  throw new Error('unshare started no child');
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
const childrenOf = (pid: number) => readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A stand-in `tensorflow_model_server` with no SIGTERM handler (like the real one): it orphans a short-lived process, then sleeps. */
const HANDLERLESS = `#!/bin/sh
(sleep 0.2 &)
exec sleep 300
`;

function fakeServer(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'pid1-'));
  writeFileSync(join(dir, 'tensorflow_model_server'), HANDLERLESS);
  chmodSync(join(dir, 'tensorflow_model_server'), 0o755);
  return { dir, env: { PATH: `${dir}:/usr/bin:/bin` } };
}

test('a server without a SIGTERM handler ignores SIGTERM as PID 1 (why the wrapper exists)', { skip: NO_UNSHARE }, async () => {
  const { dir, env } = fakeServer();
  const run = await asPid1(['tensorflow_model_server', '--port=8500'], env);
  try {
    await sleep(300);
    process.kill(run.pid, 'SIGTERM');
    await sleep(500);
    assert.ok(alive(run.pid), 'PID 1 without a handler ignored SIGTERM');
  } finally {
    run.proc.kill('SIGKILL');
    await run.exit;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the TF Serving wrapper as PID 1 passes SIGTERM on, exits with the server\'s status and reaps orphans', { skip: NO_UNSHARE }, async () => {
  const { dir, env } = fakeServer();
  const run = await asPid1(['sh', '-c', TFSERVING_WRAPPER, 'tensorflow_model_server', '--port=8500'], env);
  try {
    await sleep(800);
    // the orphaned `sleep 0.2` was re-parented to the wrapper and has exited: reaped, not a zombie
    assert.equal(childrenOf(run.pid).length, 1, 'only the server is left under the wrapper');
    process.kill(run.pid, 'SIGTERM');
    const code = await Promise.race([run.exit, sleep(10_000).then(() => 'hung')]);
    assert.equal(code, 143, 'the server exited on SIGTERM (128 + 15) and the wrapper with it');
  } finally {
    run.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TorchServe runs behind a shell that stops the JVM with torchserve --stop on SIGTERM', () => {
  const c = container(find(synth(doc('torchserve')), 'Deployment'));
  assert.deepEqual(c.command, ['sh', '-c', TORCHSERVE_WRAPPER, 'torchserve']);
});

/**
 * A stand-in `torchserve`: `--start` writes its pid and runs until SIGTERM (as the JVM's shutdown hook would,
 * it logs and exits 0); `--stop` signals that pid and waits for it, as ts/model_server.py does.
 */
const FAKE = `#!/bin/sh
case " $* " in
  *" --stop "*) echo "stop $*" >> "$LOG"; pid=$(cat "$PIDFILE"); kill -TERM "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; exit 0 ;;
esac
trap 'echo "server got SIGTERM" >> "$LOG"; exit 0' TERM
echo "start $*" >> "$LOG"
echo $$ > "$PIDFILE"
while :; do sleep 0.05; done
`;

test('the TorchServe wrapper turns SIGTERM into torchserve --stop and exits with the server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ts-'));
  try {
    writeFileSync(join(dir, 'torchserve'), FAKE);
    chmodSync(join(dir, 'torchserve'), 0o755);
    const env = { PATH: `${dir}:/usr/bin:/bin`, LOG: join(dir, 'log'), PIDFILE: join(dir, 'pid') };
    const p = spawn('sh', ['-c', TORCHSERVE_WRAPPER, 'torchserve', '--start', '--foreground', '--ncs'], { env, stdio: 'ignore' });
    for (let i = 0; i < 200 && !existsSync(env.PIDFILE); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(existsSync(env.PIDFILE), 'the server started');
    p.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => p.on('exit', (c) => resolve(c)));
    assert.equal(code, 0);
    assert.deepEqual(readFileSync(env.LOG, 'utf8').trim().split('\n'), [
      'start --start --foreground --ncs',
      'stop --stop --foreground',
      'server got SIGTERM',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the TorchServe wrapper exits with the server\'s status when the server stops on its own', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ts-'));
  try {
    writeFileSync(join(dir, 'torchserve'), '#!/bin/sh\nexit 3\n');
    chmodSync(join(dir, 'torchserve'), 0o755);
    const p = spawn('sh', ['-c', TORCHSERVE_WRAPPER, 'torchserve', '--start'], { env: { PATH: `${dir}:/usr/bin:/bin` }, stdio: 'ignore' });
    assert.equal(await new Promise<number | null>((resolve) => p.on('exit', (c) => resolve(c))), 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
