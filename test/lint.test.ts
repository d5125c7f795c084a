/** model-serving lint: warnings for legal but risky choices, with their field paths. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintDocument } from '../lib/lint';
import { main } from '../lib/cli/main';
import { tritonDoc } from './support/synth';
import { vllmPoolDoc } from './support/llm';

const paths = (doc: any, o = {}) => lintDocument(doc, o).map((w) => w.path);

test('warns that one replica has no PodDisruptionBudget and goes down on a drain', () => {
  const w = lintDocument(tritonDoc({ replicas: 1 })).find((x) => x.path === 'spec.replicas')!;
  assert.equal(w.message, 'one replica: no PodDisruptionBudget is made, and a node drain or a rollout (maxSurge 0) takes the model offline; use at least 2');
  assert.ok(!paths(tritonDoc({ replicas: 2, resources: { gpu: { count: 1, product: 'A100' } } })).includes('spec.replicas'));
});

test('warns about a GPU without a product selector', () => {
  assert.ok(paths(tritonDoc({ replicas: 2 })).includes('spec.resources.gpu'));
  assert.ok(!paths(tritonDoc({ replicas: 2, resources: { gpu: { count: 1, product: 'NVIDIA-A100-SXM4-80GB' } } })).includes('spec.resources.gpu'));
});

test('warns when maxReplicas is below what the planned peak needs', () => {
  const doc = tritonDoc({ autoscaling: { minReplicas: 2, maxReplicas: 4 } });
  const w = lintDocument(doc, { peakRps: 1000, replicaRps: 100 }).find((x) => x.path === 'spec.autoscaling.maxReplicas')!;
  assert.equal(w.message, '(4) is below the 15 replicas the plan needs for 1000 rps at 100 rps per replica');
  assert.ok(!paths(tritonDoc({ autoscaling: { minReplicas: 2, maxReplicas: 15 } }), { peakRps: 1000, replicaRps: 100 }).includes('spec.autoscaling.maxReplicas'));
});

test('warns that spec.replicas is ignored under autoscaling', () => {
  assert.ok(paths(tritonDoc({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } })).includes('spec.replicas'));
});

test('the lint command prints warnings with file and path, and --strict turns them into exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-lint-'));
  const f = join(dir, 's.yaml');
  writeFileSync(f, JSON.stringify(tritonDoc({ replicas: 1 })));
  let out = '';
  const io = { out: (s: string) => (out += s), err: (s: string) => (out += s) };
  assert.equal(main(['lint', f], io), 0);
  assert.match(out, new RegExp(`${f}: spec\\.replicas: warning: one replica`));
  assert.match(out, /\d+ warnings? in 1 spec\n$/);
  assert.equal(main(['lint', '--strict', f], io), 1);
  assert.equal(main(['lint', '--peak-rps', '10', f], io), 2, '--peak-rps needs --replica-rps');
});

test('warns on every TorchServe spec that upstream no longer patches it', () => {
  const doc = { ...tritonDoc(), spec: { runtime: 'torchserve', models: [{ name: 'resnet', format: 'mar' }], repository: { pvc: { claimName: 'm' } }, replicas: 2 } } as any;
  const w = lintDocument(doc).find((x) => x.path === 'spec.runtime')!;
  assert.match(w.message, /limited maintenance since 2025-02-28/);
  assert.equal(lintDocument(tritonDoc({ replicas: 2 })).some((x) => x.path === 'spec.runtime'), false);
});

test('reports a download (uri, or the Hugging Face cache without a claim) without repository.modelSize, naming the assumed 20Gi', () => {
  const warnings = (doc: any) => lintDocument(doc).filter((w) => w.path.endsWith('.modelSize'));
  const volume = (what: string) => `not set: the ${what} volume is sized for 20Gi of model files (sizeLimit and ephemeral-storage request 24Gi); ` +
    'a larger model fills it and the kubelet evicts the pod; set it to the size of the model files';
  assert.deepEqual(warnings(tritonDoc({
    repository: { uri: 's3://models/resnet' }, gateway: { parentRef: { name: 'gw' } },
    rollout: { strategy: 'canary', weight: 10, canary: { repository: { uri: 's3://models/resnet-next' } } },
  })), [
    { path: 'spec.repository.modelSize', message: volume('download') },
    { path: 'spec.rollout.canary.repository.modelSize', message: volume('download') },
  ]);
  assert.deepEqual(warnings(vllmPoolDoc()), [{ path: 'spec.repository.modelSize', message: volume('Hugging Face cache') }]);
  // sized, or not downloaded into the pod (a claim, a cache claim, an image volume): nothing to say
  assert.deepEqual(warnings(tritonDoc({ repository: { uri: 's3://models/resnet', modelSize: '60Gi' } })), []);
  assert.deepEqual(warnings(tritonDoc()), []);
  assert.deepEqual(warnings(vllmPoolDoc({ repository: { huggingface: { modelId: 'a/b', cacheClaimName: 'hf-cache' } } })), []);
});

test('reports an inference pool hold under the scheduling and image-pull margin the default hold allows for a cold start', () => {
  const zero = (requestHoldSeconds: number) => vllmPoolDoc({
    gateway: { parentRef: { name: 'gw' }, timeoutSeconds: 3600 }, inferencePool: { requestHoldSeconds },
    autoscaling: { engine: 'keda', minReplicas: 0, maxReplicas: 3, keda: { serverAddress: 'http://prometheus.monitoring:9090', threshold: 5 } },
  });
  const hold = (doc: any) => lintDocument(doc).filter((w) => w.path === 'spec.inferencePool.requestHoldSeconds');
  // startup budget 1800 s + 45 s for the autoscaler: the rules refuse 1845 s or less, the default adds 600 s
  assert.deepEqual(hold(zero(2000)), [{
    path: 'spec.inferencePool.requestHoldSeconds',
    message: '(2000) leaves 155s for scheduling, a GPU node coming up and the image pull before the startup budget (startupTimeoutSeconds 1800) and the autoscaler\'s 45s; ' +
      'the default hold allows 600s for them (2445s in all): on a cold start the picker may drop held requests before the first pod is ready',
  }]);
  assert.deepEqual(hold(zero(2445)), []);
});

test('no template leaves its inference pool hold short of a cold start', () => {
  const files = readdirSync('templates').filter((f) => f.endsWith('.yaml')).map((f) => join('templates', f));
  let out = '';
  const io = { out: (s: string) => (out += s), err: (s: string) => (out += s) };
  assert.equal(main(['lint', '--json', ...files], io), 0, out);
  const report = JSON.parse(out);
  assert.equal(report.valid, true);
  assert.deepEqual(report.warnings.filter((w: any) => w.path === 'spec.inferencePool.requestHoldSeconds'), []);
  // the pool template scales to zero on its default hold (startup 900 s + 600 s + 45 s), within its route timeout
  assert.ok(report.warnings.some((w: any) => w.file === join('templates', 'vllm-inference-pool.yaml') && w.path === 'spec.autoscaling.minReplicas'));
});

const zeroPool = (inferencePool: Record<string, unknown>, extra: Record<string, unknown> = {}) => vllmPoolDoc({
  inferencePool, ...extra,
  autoscaling: { engine: 'keda', minReplicas: 0, maxReplicas: 3, keda: { serverAddress: 'http://prometheus.monitoring:9090', threshold: 5 } },
});

test('reports FailOpen with scale to zero: the Gateway routes past a picker that holds the request', () => {
  const failure = (doc: any) => lintDocument(doc).filter((w) => w.path === 'spec.inferencePool.failureMode');
  assert.deepEqual(failure(zeroPool({ failureMode: 'FailOpen' })), [{
    path: 'spec.inferencePool.failureMode',
    message: 'FailOpen with autoscaling.minReplicas 0: the Gateway routes past a picker that does not answer (a held request, once the Gateway\'s ext_proc timeout passes; ' +
      'a restarting picker), and at zero replicas the pool has no pod, so the first requests after scaling to zero can fail instead of waiting for a cold start; use FailClose',
  }]);
  assert.deepEqual(failure(zeroPool({ failureMode: 'FailClose' })), []);
  assert.deepEqual(failure(zeroPool({})), []);
  assert.deepEqual(failure(vllmPoolDoc({ inferencePool: { failureMode: 'FailOpen' }, replicas: 2 })), []);
});

test('warns about scale to zero as such, not as one replica', () => {
  const floor = (doc: any) => lintDocument(doc).filter((w) => w.path === 'spec.autoscaling.minReplicas').map((w) => w.message);
  assert.deepEqual(floor(zeroPool({})), [
    'scales to zero: no PodDisruptionBudget is made, while idle the model is offline and the first request waits for a cold start; above zero a single replica goes offline on a node drain or a rollout (maxSurge 0)',
  ]);
  assert.deepEqual(floor(zeroPool({}, { disruption: { maxUnavailable: 1 } })), [
    'scales to zero: while idle the model is offline and the first request waits for a cold start; above zero a single replica goes offline on a node drain or a rollout (maxSurge 0)',
  ]);
});

test('reports a tracing endpoint on the OTLP/gRPC port or without the /v1/traces path (both runtimes post OTLP/HTTP to the URL as given)', () => {
  const tracing = (endpoint: string) => lintDocument(tritonDoc({ tracing: { endpoint } })).filter((w) => w.path === 'spec.tracing.endpoint').map((w) => w.message);
  const GRPC = 'port 4317 is the OpenTelemetry collector\'s OTLP/gRPC port, and both runtimes send OTLP/HTTP: use the collector\'s OTLP/HTTP receiver (port 4318 by default), e.g. http://otel-collector.observability:4318/v1/traces';
  const path = (p: string) => `path "${p}" is not /v1/traces: both runtimes post spans to the URL exactly as given (nothing is appended), and the collector's OTLP/HTTP receiver takes traces on /v1/traces unless its traces_url_path says otherwise; end the URL with /v1/traces`;
  assert.deepEqual(tracing('http://otel-collector.observability:4317'), [GRPC, path('/')]);
  assert.deepEqual(tracing('http://otel-collector.observability:4317/v1/traces'), [GRPC]);
  assert.deepEqual(tracing('https://otel.example.org/otlp'), [path('/otlp')]);
  assert.deepEqual(tracing('http://otel-collector.observability:4318/v1/traces'), []);
});

const DIGEST = `nvcr.io/nvidia/tritonserver@sha256:${'a'.repeat(64)}`;

test('reports an image whose CUDA build is unknown (a digest, an unknown tag): the GPU product and precision checks were skipped', () => {
  const doc = tritonDoc({
    replicas: 2, image: DIGEST, resources: { gpu: { count: 1, product: 'Tesla-V100-SXM2-32GB' } },
    models: [{ name: 'r', format: 'onnx', optimization: { tensorrt: { precision: 'BF16' } } }],
  });
  assert.deepEqual(lintDocument(doc).filter((w) => w.path === 'spec.image'), [{
    path: 'spec.image',
    message: `(${DIGEST}) is a digest or a tag whose CUDA build and release this package does not know, so whether its CUDA build runs on spec.resources.gpu.product (Tesla-V100-SXM2-32GB) and whether its TensorRT accelerator accepts spec.models[0].optimization.tensorrt.precision (BF16, only from Triton 26.02) could not be checked; compare the image's CUDA version and release with the GPU and the model settings (docs/RUNTIMES.md), or use a tag of the image table (nvcr.io/nvidia/tritonserver:26.07-py3)`,
  }]);
  // an unknown TF Serving tag with a pinned product; a canary track's image is named by its own field
  const tfs = {
    ...tritonDoc({ replicas: 2 }),
    spec: { runtime: 'tfserving', image: 'tensorflow/serving:2.18.0-gpu', models: [{ name: 'r', format: 'savedmodel' }], repository: { pvc: { claimName: 'models' } }, resources: { gpu: { count: 1, product: 'Tesla-M60' } }, replicas: 2 },
  };
  assert.deepEqual(lintDocument(tfs as any).filter((w) => w.path === 'spec.image').map((w) => w.message), [
    '(tensorflow/serving:2.18.0-gpu) is a digest or a tag whose CUDA build and release this package does not know, so whether its CUDA build runs on spec.resources.gpu.product (Tesla-M60) could not be checked; compare the image\'s CUDA version and release with the GPU and the model settings (docs/RUNTIMES.md), or use a tag of the image table (tensorflow/serving:2.20.0-gpu)',
  ]);
  const canary = tritonDoc({ replicas: 2, gateway: { parentRef: { name: 'g' } }, resources: { gpu: { count: 1, product: 'NVIDIA-L4' } }, rollout: { strategy: 'canary', weight: 10, canary: { image: DIGEST } } });
  assert.deepEqual(paths(canary).filter((p) => p.endsWith('.image')), ['spec.rollout.canary.image']);
});

test('says nothing about images it classifies, nor when there is nothing to check', () => {
  const product = { gpu: { count: 1, product: 'NVIDIA-L4' } };
  for (const image of [undefined, 'nvcr.io/nvidia/tritonserver:25.08-py3', `nvcr.io/nvidia/tritonserver:25.08-py3@sha256:${'b'.repeat(64)}`]) {
    assert.ok(!paths(tritonDoc({ replicas: 2, ...(image ? { image } : {}), resources: product })).includes('spec.image'), image);
  }
  // a digest with neither a pinned product nor a release-dependent precision (FP16 loads on every release)
  assert.ok(!paths(tritonDoc({ replicas: 2, image: DIGEST, models: [{ name: 'r', format: 'onnx', optimization: { tensorrt: { precision: 'FP16' } } }] })).includes('spec.image'));
  // CPU only: no GPU check applies
  assert.ok(!paths(tritonDoc({ replicas: 2, image: DIGEST, resources: {} })).includes('spec.image'));
});
