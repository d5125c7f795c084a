/**
 * Cold start and hostile input of object-store sources: the rclone init copies only the served models and
 * versions into a size-limited volume the pod requests as ephemeral storage, the startup budget grows with the
 * model size, and no URI can add an option to rclone's connection string (checked with the real rclone).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { readdirSync, statSync } from 'node:fs';
import { synth, find, container, specErrors, tritonDoc } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { rcloneRemote, RCLONE_S3_PROVIDER_REFUSED } from '../lib/constructs/model-repository';
import { getRuntime } from '../lib/runtimes/registry';

type K = Record<string, any>;
const hasRclone = spawnSync('rclone', ['version'], { encoding: 'utf8' }).status === 0;
const includes = (c: K) => (c.args as string[]).filter((a) => a.startsWith('--include='));
const volume = (d: K, name: string) => d.spec.template.spec.volumes.find((v: K) => v.name === name);

const s3Triton = (models: unknown[], repository: Record<string, unknown> = {}) =>
  tritonDoc({ models, repository: { uri: 's3://acme-models/triton', ...repository } });

test('copies only the served versions of each model and the model directory\'s own files', () => {
  const d = find(synth(s3Triton([
    { name: 'resnet50', format: 'onnx', versions: [2, 3] },
    { name: 'tokenizer', format: 'python', path: 'shared/tok' },
  ])), 'Deployment');
  assert.deepEqual(includes(container(d, 'download-models')), [
    '--include=/resnet50/2/**', '--include=/resnet50/3/**', '--include=/resnet50/*', '--include=/shared/tok/**',
  ]);
});

test('copies the archives of TorchServe, the model directory of vLLM and nothing for an ensemble', () => {
  const doc = (runtime: string, models: unknown[]) => ({
    apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm', namespace: 'ml' },
    spec: { runtime, models, repository: { uri: 's3://acme-models/x' }, resources: { gpu: { count: 1 } } },
  });
  const inc = (runtime: string, models: unknown[]) => includes(container(find(synth(doc(runtime, models)), 'Deployment'), 'download-models'));
  assert.deepEqual(inc('torchserve', [{ name: 'bert', format: 'mar' }, { name: 'gpt', format: 'mar', path: 'archives/gpt-v2.mar' }]),
    ['--include=/bert.mar', '--include=/archives/gpt-v2.mar']);
  assert.deepEqual(inc('vllm', [{ name: 'llama', format: 'huggingface', path: 'llama-3.1-8b' }]), ['--include=/llama-3.1-8b/**']);
  assert.deepEqual(inc('tfserving', [{ name: 'ranker', format: 'savedmodel', versions: [7] }]), ['--include=/ranker/7/**', '--include=/ranker/*']);
  assert.deepEqual(getRuntime('triton').downloadIncludes([{ name: 'e', format: 'ensemble' }]), []);
});

/** Every file under `dir`, relative. */
function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p); else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

test('rclone with these filters copies the served models and versions and leaves the rest of the prefix', { skip: !hasRclone && 'rclone is not installed' }, async () => {
  const src = mkdtempSync(join(tmpdir(), 'bucket-'));
  const dest = mkdtempSync(join(tmpdir(), 'model-store-'));
  try {
    for (const f of ['resnet50/1/model.onnx', 'resnet50/2/model.onnx', 'resnet50/3/model.onnx', 'resnet50/labels.txt',
      'resnet50/config.pbtxt', 'bert/1/model.pt', 'shared/tok/1/model.py', 'shared/tok/env.tar.gz', 'shared/other/1/model.py']) {
      mkdirSync(join(src, f, '..'), { recursive: true });
      writeFileSync(join(src, f), f);
    }
    const d = find(synth(s3Triton([
      { name: 'resnet50', format: 'onnx', versions: [2, 3] },
      { name: 'tok', format: 'python', path: 'shared/tok' },
    ])), 'Deployment');
    const code = await new Promise<number | null>((resolve) => {
      spawn('rclone', ['copy', src, dest, ...includes(container(d, 'download-models')), '--config=/dev/null'], { stdio: 'ignore' }).on('close', resolve);
    });
    assert.equal(code, 0);
    assert.deepEqual(files(dest), [
      'resnet50/2/model.onnx', 'resnet50/3/model.onnx', 'resnet50/config.pbtxt', 'resnet50/labels.txt',
      'shared/tok/1/model.py', 'shared/tok/env.tar.gz',
    ]);
  } finally {
    rmSync(src, { recursive: true, force: true });
    rmSync(dest, { recursive: true, force: true });
  }
});

test('sizes the download volume from repository.modelSize and requests it as ephemeral storage', async () => {
  const objs = synth(s3Triton([{ name: 'resnet50', format: 'onnx' }], { modelSize: '10Gi' }));
  const d = find(objs, 'Deployment');
  assert.deepEqual(volume(d, 'model-store'), { name: 'model-store', emptyDir: { sizeLimit: '12Gi' } });
  assert.equal(container(d).resources.requests['ephemeral-storage'], '12Gi');
  await assertValidObjects(objs);
});

test('requests no ephemeral storage for a model on a PVC or a Hub cache claim', () => {
  assert.equal(container(find(synth(tritonDoc()), 'Deployment')).resources.requests['ephemeral-storage'], undefined);
});

test('grows the startup budget with the model size: loading, and downloading when the server fetches the model', () => {
  const startup = (doc: Record<string, unknown>) => container(find(synth(doc), 'Deployment')).startupProbe;
  // Triton: 600 s + 10 s per GiB over 10 s periods
  assert.equal(startup(s3Triton([{ name: 'r', format: 'onnx' }], { modelSize: '30Gi' })).failureThreshold, 90);
  assert.equal(startup(tritonDoc()).failureThreshold, 60);
  // vLLM from the Hub: 1800 s + 40 s per GiB
  const hub = startup({
    apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm', namespace: 'ml' },
    spec: { runtime: 'vllm', models: [{ name: 'l', format: 'huggingface' }], repository: { huggingface: { modelId: 'a/b' }, modelSize: '16Gi' }, resources: { gpu: { count: 1 } } },
  });
  assert.equal(hub.failureThreshold, 244);
  // an explicit startupTimeoutSeconds wins
  assert.equal(startup(tritonDoc({ startupTimeoutSeconds: 100, repository: { uri: 's3://a/b', modelSize: '30Gi' } })).failureThreshold, 10);
});

test('gives the rollout the download time too (progressDeadlineSeconds)', () => {
  const d = find(synth(s3Triton([{ name: 'r', format: 'onnx' }], { modelSize: '10Gi' })), 'Deployment');
  // download 300 s + startup 700 s + 600 s
  assert.equal(d.spec.progressDeadlineSeconds, 1600);
});

const HOSTILE = "https://models.example.org',headers='Authorization,Bearer_x',x='/triton";

test('refuses characters outside the accepted URI form in repository.uri, batch.input and batch.output', () => {
  assert.equal(specErrors(tritonDoc({ repository: { uri: HOSTILE } })),
    'spec.yaml: spec.repository.uri: host must be a DNS name or IPv4 address with an optional :port');
  assert.equal(specErrors(tritonDoc({ repository: { uri: "s3://acme/models',x='1" } })),
    'spec.yaml: spec.repository.uri: path may contain only letters, digits and - . _ ~ + = @ / (found "\'" ",")');
  assert.equal(specErrors(tritonDoc({ mode: 'batch', batch: { input: 's3://in/$(HOME)/x', output: 'gs://Out_Bucket/y' } })), [
    'spec.yaml: spec.batch.input: path may contain only letters, digits and - . _ ~ + = @ / (found "$" "(" ")")',
    'spec.yaml: spec.batch.output: bucket name may contain only a-z, 0-9, ".", "-" and "_", starting and ending with a letter or digit',
  ].join('\n'));
  assert.equal(specErrors(tritonDoc({ repository: { uri: 's3://acme/models/../secrets' } })),
    'spec.yaml: spec.repository.uri: path must not contain "." or ".." segments');
});

/** Runs `rclone lsf <remote>` against a local server and returns the headers of every request it made. */
async function requestsOf(remote: (port: number) => string): Promise<IncomingHttpHeaders[]> {
  const seen: IncomingHttpHeaders[] = [];
  const srv = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<html><body></body></html>');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  try {
    await new Promise((resolve) => {
      spawn('rclone', ['lsf', remote(port), '--config=/dev/null', '--retries=1', '--low-level-retries=1'], { stdio: 'ignore' }).on('close', resolve);
    });
  } finally {
    srv.close();
  }
  return seen;
}

test('rclone itself: a quote in the URI cannot add a header to the connection string we build', { skip: !hasRclone && 'rclone is not installed' }, async () => {
  const hostile = (port: number) => `https://127.0.0.1:${port}',headers='X-Injected,yes',x='/models`;
  // the attack is real: pasted unquoted into the string, rclone sends the extra header
  const naive = await requestsOf((port) => `:http,url='http://127.0.0.1:${port}',headers='X-Injected,yes',x='/':models`);
  assert.ok(naive.some((h) => h['x-injected'] === 'yes'), 'the unquoted form injects the header');
  // the remote we build quotes the value by rclone's rules: the whole text stays the url, no header is added
  const ours = await requestsOf((port) => rcloneRemote(hostile(port)).replace("url='https://", "url='http://"));
  assert.ok(ours.every((h) => h['x-injected'] === undefined), JSON.stringify(ours));
  // and the spec never gets that far
  assert.match(specErrors(tritonDoc({ repository: { uri: hostile(8443) } }))!, /spec\.repository\.uri: host must be a DNS name/);
});

/**
 * Runs the download container's script (sh, the real rclone) for an S3 remote against a local stand-in S3 endpoint;
 * returns the script's exit status and stderr, and the Authorization header of every request the endpoint got.
 */
async function s3DownloadAgainstLocalEndpoint(script: string, env: (port: number) => Record<string, string>) {
  const seen: string[] = [];
  const srv = createServer((req, res) => {
    seen.push(String(req.headers.authorization ?? ''));
    res.writeHead(200, { 'Content-Type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>acme-models</Name><Prefix>triton/</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  const dest = mkdtempSync(join(tmpdir(), 'dl-'));
  try {
    const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      let stderr = '';
      const p = spawn('sh', ['-c', script, 'download-models', ':s3,provider=AWS,env_auth=true:acme-models/triton', dest,
        '--config=/dev/null', '--retries=1', '--low-level-retries=1', '--contimeout=2s', '--timeout=5s'], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dest, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLEKEY', AWS_SECRET_ACCESS_KEY: 'example-secret', ...env(port) },
      });
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (status) => resolve({ status, stderr }));
    });
    return { ...r, seen };
  } finally {
    srv.close();
    rmSync(dest, { recursive: true, force: true });
  }
}

test('refuses, with the real rclone, an RCLONE_S3_PROVIDER from the credentials Secret that would add options to the connection string (a comma)', { skip: !hasRclone && 'rclone is not installed' }, async () => {
  const script = container(find(synth(s3Triton([{ name: 'r', format: 'onnx' }], { credentialsSecret: 's3-creds' })), 'Deployment'), 'download-models').command[2] as string;
  const hostile = (port: number) => ({ RCLONE_S3_PROVIDER: `Minio,endpoint='http://127.0.0.1:${port}'` });
  // the attack is real: spliced as it is, the comma adds an endpoint and rclone sends the signed requests there
  const unchecked = script.split('\n').filter((l) => !l.includes(RCLONE_S3_PROVIDER_REFUSED)).join('\n');
  assert.notEqual(unchecked, script);
  const attacked = await s3DownloadAgainstLocalEndpoint(unchecked, hostile);
  assert.ok(attacked.seen.some((a) => a.includes('AKIDEXAMPLEKEY')), `the unchecked script sends credentials to the injected endpoint: ${JSON.stringify(attacked)}`);
  // ours stops before rclone runs, with one line that does not echo the value
  const refused = await s3DownloadAgainstLocalEndpoint(script, hostile);
  assert.deepEqual([refused.status, refused.stderr, refused.seen], [1, `${RCLONE_S3_PROVIDER_REFUSED}\n`, []]);
  for (const v of ['Minio:x', "Mi'nio", 'Minio endpoint', 'Min=io']) {
    const r = await s3DownloadAgainstLocalEndpoint(script, () => ({ RCLONE_S3_PROVIDER: v }));
    assert.deepEqual([r.status, r.stderr, r.seen.length], [1, `${RCLONE_S3_PROVIDER_REFUSED}\n`, 0], v);
  }
  // a provider name still replaces AWS: with the Secret's endpoint, rclone lists the bucket there
  const minio = await s3DownloadAgainstLocalEndpoint(script, (port) => ({ RCLONE_S3_PROVIDER: 'Minio', RCLONE_S3_ENDPOINT: `http://127.0.0.1:${port}` }));
  assert.ok(minio.seen.length > 0 && minio.seen.every((a) => a.includes('AKIDEXAMPLEKEY')), JSON.stringify(minio));
});

test('refuses a model size below 1Mi', () => {
  assert.equal(specErrors(s3Triton([{ name: 'r', format: 'onnx' }], { modelSize: 0 })),
    'spec.yaml: spec.repository.modelSize: (0) must be at least 1Mi: it sizes the volume the models are downloaded to');
});
