/**
 * Pods that stop when asked: servers without a SIGTERM handler never run as PID 1 (the pod shares its process
 * namespace, so the pause container is PID 1), and TorchServe's launcher passes SIGTERM on to its JVM.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synth, find, container } from './support/synth';
import { TORCHSERVE_WRAPPER } from '../lib/runtimes/torchserve';

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

for (const [runtime, shared] of [['tfserving', true], ['torchserve', true], ['triton', undefined], ['vllm', undefined]] as const) {
  test(`${runtime}: ${shared ? 'the pod shares its process namespace (the server would ignore SIGTERM as PID 1)' : 'the server is PID 1 and handles SIGTERM itself'}`, () => {
    assert.equal(find(synth(doc(runtime)), 'Deployment').spec.template.spec.shareProcessNamespace, shared);
  });
}

test('a TF Serving Job and DaemonSet share the process namespace too', () => {
  const job = find(synth(doc('tfserving', { mode: 'batch', batch: { input: 's3://in/x', output: 's3://out/x' } })), 'Job');
  assert.equal(job.spec.template.spec.shareProcessNamespace, true);
  const ds = find(synth(doc('tfserving', { mode: 'edge', edge: { nodeSelector: { edge: 'true' } } })), 'DaemonSet');
  assert.equal(ds.spec.template.spec.shareProcessNamespace, true);
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
