/**
 * Where models come from: PVCs, object stores (the rclone download step) and the Hugging Face Hub, and the
 * layout each runtime reads from the model store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync, chmodSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synth, find, container, specErrors, tritonDoc } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { parseTextProto, parseProperties, field, TextMessage } from './support/parsers';
import { rcloneRemote, DOWNLOAD_IMAGE } from '../lib/constructs/model-repository';

const doc = (runtime: string, model: Record<string, unknown>, repository: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'model-serving/v1alpha1',
  kind: 'ModelServing',
  metadata: { name: 'm', namespace: 'ml' },
  spec: { runtime, models: [model], repository, resources: { gpu: { count: 1 } }, ...extra },
});

test('builds on-the-fly rclone remotes for s3, gs and https URIs', () => {
  assert.equal(rcloneRemote('s3://acme-models/prod/triton/'), ':s3,provider=AWS,env_auth=true:acme-models/prod/triton');
  assert.equal(rcloneRemote('gs://acme-models/triton'), ':gcs,env_auth=true,bucket_policy_only=true:acme-models/triton');
  assert.equal(rcloneRemote('https://models.example.org/repo/triton'), ":http,url='https://models.example.org/':repo/triton");
});

const s3 = synth(tritonDoc({ repository: { uri: 's3://acme-models/triton', credentialsSecret: 'models-s3' } }));
const pod = find(s3, 'Deployment').spec.template.spec;
const download = container(find(s3, 'Deployment'), 'download-models');

test('every object of a spec with an object-store source is valid against the Kubernetes schemas, strictly', async () => {
  await assertValidObjects(s3);
});

test('downloads the repository in an init container before anything else, with the Secret as environment', () => {
  assert.equal(pod.initContainers[0].name, 'download-models');
  assert.equal(download.image, DOWNLOAD_IMAGE);
  assert.equal(DOWNLOAD_IMAGE, 'rclone/rclone:1.75.0');
  assert.deepEqual(download.command.slice(0, 2), ['sh', '-c']);
  assert.equal(download.command[3], 'download-models');
  assert.deepEqual(download.args, [':s3,provider=AWS,env_auth=true:acme-models/triton', '/model-store', '--include=/resnet50/**',
    '--retries=3', '--low-level-retries=10', '--transfers=8', '--checkers=16', '--stats=30s', '--stats-one-line', '-v']);
  assert.deepEqual(download.envFrom, [{ secretRef: { name: 'models-s3' } }]);
  assert.deepEqual(download.volumeMounts, [{ name: 'model-store', mountPath: '/model-store' }, { name: 'tmp', mountPath: '/tmp' }]);
  // the default model size (20Gi) plus a fifth
  assert.deepEqual(pod.volumes.find((v: { name: string }) => v.name === 'model-store'), { name: 'model-store', emptyDir: { sizeLimit: '24Gi' } });
  assert.deepEqual(container(find(s3, 'Deployment')).volumeMounts[0], { name: 'model-store', mountPath: '/model-store', readOnly: true });
  assert.equal(download.securityContext.readOnlyRootFilesystem, true);
  assert.equal(download.securityContext.runAsNonRoot, true);
});

test('leaves envFrom out when the source needs no Secret (IRSA, Workload Identity, public data)', () => {
  const c = container(find(synth(tritonDoc({ repository: { uri: 'gs://public-models/triton' } })), 'Deployment'), 'download-models');
  assert.equal(c.envFrom, undefined);
  assert.equal(c.args[0], ':gcs,env_auth=true,bucket_policy_only=true:public-models/triton');
});

/** Runs the download container's script with a stand-in rclone that prints its arguments. */
function runDownloadScript(args: string[], env: Record<string, string> = {}): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'rclone-'));
  try {
    writeFileSync(join(dir, 'rclone'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
    chmodSync(join(dir, 'rclone'), 0o755);
    const r = spawnSync('sh', ['-c', download.command[2], 'download-models', ...args], {
      env: { PATH: `${dir}:/usr/bin:/bin`, ...env }, encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trimEnd().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the download script copies from the remote to the model store with the given flags', () => {
  assert.deepEqual(runDownloadScript(download.args), ['copy', ...download.args]);
});

test('the download script lets the Secret\'s RCLONE_S3_PROVIDER replace the AWS default (MinIO, Ceph)', () => {
  assert.deepEqual(runDownloadScript(download.args, { RCLONE_S3_PROVIDER: 'Minio' }).slice(0, 2),
    ['copy', ':s3,provider=Minio,env_auth=true:acme-models/triton']);
});

test('the download script leaves gs and https remotes as they are', () => {
  const gs = ':gcs,env_auth=true,bucket_policy_only=true:b/p';
  assert.deepEqual(runDownloadScript([gs, '/model-store'], { RCLONE_S3_PROVIDER: 'Minio' }), ['copy', gs, '/model-store']);
});

const hasRclone = spawnSync('rclone', ['version'], { encoding: 'utf8' }).status === 0;

test('rclone reads an http connection string with a quoted url and keeps the repository layout', { skip: !hasRclone && 'rclone is not installed' }, async () => {
  const tree: Record<string, string> = {
    '/models/': '<a href="resnet50/">resnet50/</a>',
    '/models/resnet50/': '<a href="1/">1/</a> <a href="2/">2/</a>',
    '/models/resnet50/1/': '<a href="model.onnx">model.onnx</a>',
    '/models/resnet50/2/': '<a href="model.onnx">model.onnx</a>',
  };
  const srv = createServer((req, res) => {
    const url = req.url ?? '';
    if (url in tree) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<html><body>${tree[url]}</body></html>`);
    } else if (/\/model\.onnx$/.test(url)) {
      const body = `onnx ${url}`;
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length), 'Last-Modified': 'Tue, 01 Apr 2025 10:00:00 GMT' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  const dest = mkdtempSync(join(tmpdir(), 'model-store-'));
  try {
    // the download step's argument form, over plain http on loopback
    const remote = rcloneRemote(`https://127.0.0.1:${port}/models`).replace('https://', 'http://');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('rclone', ['copy', remote, dest, '--config=/dev/null', '--retries=1'], { stdio: 'ignore' });
      child.on('close', resolve);
    });
    assert.equal(code, 0);
    assert.equal(readFileSync(join(dest, 'resnet50/1/model.onnx'), 'utf8'), 'onnx /models/resnet50/1/model.onnx');
    assert.ok(existsSync(join(dest, 'resnet50/2/model.onnx')));
  } finally {
    srv.close();
    rmSync(dest, { recursive: true, force: true });
  }
});

test('refuses credentials inside the URI and schemes other than s3, gs and https', () => {
  assert.equal(specErrors(tritonDoc({ repository: { uri: 's3://AKIA:secret@bucket/models' } })),
    'spec.yaml: spec.repository.uri: must not contain credentials (user:password@); put them in a Secret and name it in credentialsSecret');
  assert.equal(specErrors(tritonDoc({ repository: { uri: 'http://models.example.org/triton' } })),
    'spec.yaml: spec.repository.uri: scheme "http" is not supported (use s3://, gs://, https://)');
});

test('mounts an existing claim read-only at its subPath', () => {
  const c = container(find(synth(tritonDoc({ repository: { pvc: { claimName: 'models', subPath: 'triton' } } })), 'Deployment'));
  assert.deepEqual(c.volumeMounts[0], { name: 'model-store', mountPath: '/model-store', readOnly: true, subPath: 'triton' });
});

test('Triton links <model>/<version> directories of the store next to the generated config.pbtxt', () => {
  const script: string = container(find(synth(tritonDoc({ models: [{ name: 'resnet50', format: 'onnx', path: 'vision/resnet', versions: [2] }] })), 'Deployment'), 'assemble-repository').command[2];
  assert.match(script, /link_model "resnet50" "\/model-store\/vision\/resnet" 2/);
  assert.match(script, /ln -sf "\/etc\/model-serving\/\$name.config.pbtxt" "\/models\/\$name\/config.pbtxt"/);
});

test('TF Serving reads <model>/<version>/saved_model.pb under /model-store/<path or name>', () => {
  const objs = synth(doc('tfserving', { name: 'ranker', format: 'savedmodel', path: 'tf/ranker' }, { uri: 's3://acme-models/serving' }));
  const cfg = parseTextProto(find(objs, 'ConfigMap', 'm-config').data['models.config']);
  assert.equal(field(field(cfg, 'model_config_list') as TextMessage, 'config.base_path'), '/model-store/tf/ranker');
  assert.equal(container(find(objs, 'Deployment'), 'download-models').args[0], ':s3,provider=AWS,env_auth=true:acme-models/serving');
});

test('TorchServe reads <name>.mar files from /model-store as its model_store', () => {
  const objs = synth(doc('torchserve', { name: 'bert', format: 'mar' }, { uri: 'gs://acme-models/torchserve', credentialsSecret: 'gcs-reader' }));
  const p = parseProperties(find(objs, 'ConfigMap', 'm-config').data['config.properties']);
  assert.equal(p.get('model_store'), '/model-store');
  assert.equal(p.get('load_models'), 'bert=bert.mar');
});

test('vLLM reads a Hugging Face model directory at /model-store/<path or name>', () => {
  const objs = synth(doc('vllm', { name: 'llama', format: 'huggingface' }, { uri: 's3://acme-models/llm' }));
  assert.deepEqual(container(find(objs, 'Deployment')).args.slice(0, 2), ['/model-store/llama', '--served-model-name']);
});

test('vLLM downloads from the Hub itself: HF_HOME on a size-limited emptyDir cache by default, no init container', () => {
  const objs = synth(doc('vllm', { name: 'llama', format: 'huggingface' }, { huggingface: { modelId: 'Qwen/Qwen2.5-7B-Instruct' } }));
  const d = find(objs, 'Deployment');
  assert.equal(d.spec.template.spec.initContainers, undefined);
  assert.deepEqual(d.spec.template.spec.volumes.find((v: { name: string }) => v.name === 'hf-cache'), { name: 'hf-cache', emptyDir: { sizeLimit: '24Gi' } });
  const env = container(d).env;
  assert.deepEqual(env.find((e: { name: string }) => e.name === 'HF_HOME'), { name: 'HF_HOME', value: '/var/cache/huggingface' });
  assert.equal(env.find((e: { name: string }) => e.name === 'HF_TOKEN'), undefined);
});

test('refuses a Hugging Face source for every runtime but vLLM', () => {
  assert.equal(specErrors(doc('torchserve', { name: 'bert', format: 'mar' }, { huggingface: { modelId: 'bert-base-uncased' } })),
    'spec.yaml: spec.repository.huggingface: is supported by runtime vllm only (runtime is torchserve)');
});
