/** TF Serving: image, flags, generated config files (parsed back), probes, batching rules, metrics. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { synth, synthFile, find, container, specErrors } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { parseTextProto, field, fields, EnumValue, TextMessage } from './support/parsers';
import { tfserving } from '../lib/runtimes/tfserving';
import { tfsReadinessScript } from '../lib/runtimes/tfserving-config';
import { promqlProblems } from '../lib/promql/promql';

function tfsDoc(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'model-serving/v1alpha1',
    kind: 'ModelServing',
    metadata: { name: 'm', namespace: 'ml' },
    spec: {
      runtime: 'tfserving',
      models: [{ name: 'ranker', format: 'savedmodel' }],
      repository: { pvc: { claimName: 'models' } },
      ...spec,
    },
  };
}

const objs = synthFile('templates/tfserving-savedmodel.yaml');
const deploy = find(objs, 'Deployment', 'product-ranking');
const server = container(deploy);
const files = find(objs, 'ConfigMap', 'product-ranking-config').data as Record<string, string>;

test('every object of the TF Serving template is valid against the Kubernetes schemas, strictly', async () => {
  await assertValidObjects(objs);
});

test('pins tensorflow/serving 2.20.0, with the -gpu variant when a GPU is asked', () => {
  assert.equal(tfserving.defaultImage(false), 'tensorflow/serving:2.20.0');
  assert.equal(tfserving.defaultImage(true), 'tensorflow/serving:2.20.0-gpu');
  assert.equal(container(find(synth(tfsDoc()), 'Deployment')).image, 'tensorflow/serving:2.20.0');
  assert.equal(container(find(synth(tfsDoc({ resources: { gpu: { count: 1 } } })), 'Deployment')).image, 'tensorflow/serving:2.20.0-gpu');
});

test('runs the binary (behind the SIGTERM wrapper, test/pid1.test.ts) with gRPC 8500, REST 8501, the generated config files and the gRPC health service', () => {
  assert.deepEqual(server.command.slice(0, 2), ['sh', '-c']);
  assert.deepEqual(server.command.slice(3), ['tensorflow_model_server']);
  assert.deepEqual(server.args, [
    '--port=8500',
    '--rest_api_port=8501',
    '--model_config_file=/etc/model-serving/models.config',
    '--monitoring_config_file=/etc/model-serving/monitoring.config',
    '--enable_batching=true',
    '--batching_parameters_file=/etc/model-serving/batching.config',
    '--enable_grpc_healthcheck_service=true',
  ]);
  assert.deepEqual(server.ports, [
    { name: 'grpc', containerPort: 8500, protocol: 'TCP' },
    { name: 'http', containerPort: 8501, protocol: 'TCP' },
  ]);
});

test('leaves batching off when no model asks for it', () => {
  const objs2 = synth(tfsDoc());
  const args = container(find(objs2, 'Deployment')).args as string[];
  assert.equal(args.some((a) => a.startsWith('--enable_batching') || a.startsWith('--batching_parameters_file')), false);
  assert.equal('batching.config' in find(objs2, 'ConfigMap', 'm-config').data, false);
});

test('writes models.config with every model, its base path, platform tensorflow and version policy', () => {
  const cfg = parseTextProto(files['models.config']);
  const configs = fields(field(cfg, 'model_config_list') as TextMessage, 'config') as TextMessage[];
  assert.equal(configs.length, 2);
  assert.equal(field(configs[0], 'name'), 'ranker');
  assert.equal(field(configs[0], 'base_path'), '/model-store/ranker');
  assert.equal(field(configs[0], 'model_platform'), 'tensorflow');
  assert.deepEqual(fields(field(configs[0], 'model_version_policy.specific') as TextMessage, 'versions'), [7, 8]);
  assert.equal(field(configs[1], 'name'), 'query-encoder');
  assert.equal(field(configs[1], 'base_path'), '/model-store/encoders/query');
  assert.equal(field(configs[1], 'model_version_policy.latest.num_versions'), 1);
});

test('writes the batching parameters as wrapper messages', () => {
  const b = parseTextProto(files['batching.config']);
  assert.equal(field(b, 'max_batch_size.value'), 64);
  assert.equal(field(b, 'batch_timeout_micros.value'), 2000);
  assert.equal(field(b, 'num_batch_threads.value'), 8);
  assert.equal(field(b, 'max_enqueued_batches.value'), 200);
});

test('fills the batching parameters the spec leaves out with the documented defaults', () => {
  const data = find(synth(tfsDoc({ models: [{ name: 'ranker', format: 'savedmodel', maxBatchSize: 16 }] })), 'ConfigMap', 'm-config').data;
  const b = parseTextProto(data['batching.config']);
  assert.equal(field(b, 'max_batch_size.value'), 16);
  assert.equal(field(b, 'batch_timeout_micros.value'), 1000);
  assert.equal(field(b, 'num_batch_threads.value'), 4);
  assert.equal(field(b, 'max_enqueued_batches.value'), 100);
});

test('turns on Prometheus at /monitoring/prometheus/metrics, the path the metrics Service is scraped on', () => {
  const mon = parseTextProto(files['monitoring.config']);
  assert.equal(field(mon, 'prometheus_config.enable'), true);
  assert.equal(field(mon, 'prometheus_config.path'), '/monitoring/prometheus/metrics');
  assert.equal(tfserving.metrics.path, '/monitoring/prometheus/metrics');
  const svc = find(objs, 'Service', 'product-ranking-metrics');
  assert.deepEqual(svc.spec.ports.map((p: { name: string; port: number }) => [p.name, p.port]), [['http', 8501]]);
});

test('refuses a model without batching next to one with batching: TF Serving batches every model', () => {
  assert.equal(specErrors(tfsDoc({ models: [
    { name: 'a', format: 'savedmodel', maxBatchSize: 32 },
    { name: 'b', format: 'savedmodel' },
  ] })), 'spec.yaml: spec.models[1].maxBatchSize: TF Serving batching is server-wide: spec.models[0] turns on --enable_batching, which batches every model; set the same maxBatchSize (32) and dynamicBatching here');
});

test('refuses batching values that differ between models, naming each field', () => {
  assert.equal(specErrors(tfsDoc({ models: [
    { name: 'a', format: 'savedmodel', maxBatchSize: 32, dynamicBatching: { maxQueueDelayMicroseconds: 500 } },
    { name: 'b', format: 'savedmodel', maxBatchSize: 64, dynamicBatching: { maxQueueDelayMicroseconds: 500, numBatchThreads: 2 } },
  ] })), [
    'spec.yaml: spec.models[1].maxBatchSize: (64) must equal spec.models[0].maxBatchSize (32): TF Serving has one batching parameters file for all models',
    'spec.yaml: spec.models[1].dynamicBatching.numBatchThreads: (2) must equal spec.models[0].dynamicBatching.numBatchThreads (4): TF Serving has one batching parameters file for all models',
  ].join('\n'));
});

test('refuses dynamic batching without maxBatchSize and Triton\'s preferred batch sizes', () => {
  assert.equal(specErrors(tfsDoc({ models: [{ name: 'a', format: 'savedmodel', dynamicBatching: { preferredBatchSizes: [8] } }] })), [
    'spec.yaml: spec.models[0].dynamicBatching: dynamic batching needs maxBatchSize > 0 (TF Serving max_batch_size)',
    'spec.yaml: spec.models[0].dynamicBatching.preferredBatchSizes: is a Triton setting; TF Serving forms batches of any size up to maxBatchSize',
  ].join('\n'));
});

test('refuses formats and model fields TF Serving does not use', () => {
  assert.equal(specErrors(tfsDoc({ models: [{ name: 'a', format: 'onnx', instanceGroup: { count: 2 } }] })), [
    'spec.yaml: spec.models[0].format: format "onnx" is not served by runtime tfserving (allowed: savedmodel); onnx is served by: triton',
    'spec.yaml: spec.models[0].instanceGroup: is not used by runtime tfserving (it applies to: triton)',
  ].join('\n'));
});

test('waits for the servers to open with a native gRPC startup probe sized to the 10-minute budget', () => {
  assert.deepEqual(server.startupProbe, { grpc: { port: 8500 }, periodSeconds: 10, failureThreshold: 60, timeoutSeconds: 5 });
  assert.deepEqual(server.livenessProbe.grpc, { port: 8500 });
});

test('checks readiness on every configured version\'s metadata, which answers 200 only while it is AVAILABLE', () => {
  assert.deepEqual(server.readinessProbe.exec.command.slice(0, 2), ['bash', '-c']);
  const script: string = server.readinessProbe.exec.command[2];
  assert.match(script, /^for p in \/v1\/models\/ranker\/versions\/7\/metadata \/v1\/models\/ranker\/versions\/8\/metadata \/v1\/models\/query-encoder\/metadata; do$/m);
  assert.match(script, /\/dev\/tcp\/127\.0\.0\.1\/8501/);
});

/** Runs the readiness script in bash against a loopback HTTP server answering `status(path)`. */
async function runReadiness(status: (path: string) => number): Promise<{ code: number | null; stderr: string; seen: string[] }> {
  const seen: string[] = [];
  const srv = createServer((req, res) => { seen.push(req.url ?? ''); res.writeHead(status(req.url ?? '')); res.end('{}'); });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  const script = tfsReadinessScript([{ name: 'ranker', format: 'savedmodel', versions: [7, 8] }, { name: 'enc', format: 'savedmodel' }], port);
  try {
    // asynchronous: the server answers on this process's event loop
    return await new Promise((resolve) => {
      const child = spawn('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      child.on('close', (code) => resolve({ code, stderr, seen }));
    });
  } finally {
    srv.close();
  }
}

test('the readiness script passes when every version answers 200', async () => {
  const r = await runReadiness(() => 200);
  assert.equal(r.code, 0);
  assert.deepEqual(r.seen, ['/v1/models/ranker/versions/7/metadata', '/v1/models/ranker/versions/8/metadata', '/v1/models/enc/metadata']);
});

test('the readiness script fails while one version is not AVAILABLE (404)', async () => {
  const r = await runReadiness((p) => (p.includes('/versions/8/') ? 404 : 200));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\/v1\/models\/ranker\/versions\/8\/metadata answered 404: the version is not AVAILABLE/);
});

test('runs as uid 1000 with HOME on the /tmp emptyDir (the image has no user of its own)', () => {
  const pod = deploy.spec.template.spec;
  assert.equal(pod.securityContext.runAsUser, 1000);
  assert.equal(pod.securityContext.runAsGroup, 1000);
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.deepEqual(server.env.find((e: { name: string }) => e.name === 'HOME'), { name: 'HOME', value: '/tmp' });
  assert.equal(server.securityContext.readOnlyRootFilesystem, true);
});

test('publishes each model\'s status and its predict, classify and regress verbs as exact paths, per served version too', () => {
  assert.deepEqual(tfserving.publicPaths([{ name: 'ranker', format: 'savedmodel', versions: [3] }]).map((p) => `${p.match} ${p.path}`), [
    'Exact /v1/models/ranker', 'Exact /v1/models/ranker:predict', 'Exact /v1/models/ranker:classify', 'Exact /v1/models/ranker:regress',
    'Exact /v1/models/ranker/versions/3', 'Exact /v1/models/ranker/versions/3:predict', 'Exact /v1/models/ranker/versions/3:classify', 'Exact /v1/models/ranker/versions/3:regress',
  ]);
});

const sel = 'namespace="ml",job="m-metrics"';
const m = tfserving.metrics;

test('measures requests with the real TF Serving metric names, inference calls only', () => {
  assert.equal(m.requestRate(sel), 'sum by (model_name) (rate(:tensorflow:serving:request_latency_count{namespace="ml",job="m-metrics",API!=""}[5m]))');
  // server statuses only: the probe's NOT_FOUND and client statuses (INVALID_ARGUMENT, ...) are not failures
  const server = 'status=~"UNKNOWN|INTERNAL|UNAVAILABLE|DATA_LOSS|DEADLINE_EXCEEDED|UNIMPLEMENTED|RESOURCE_EXHAUSTED"';
  assert.equal(m.errorRate(sel), `sum by (model_name) (rate(:tensorflow:serving:request_count{namespace="ml",job="m-metrics",${server}}[5m]))`);
  // successful inference calls (API set: no probe GET) + server failures; request_count (probe GETs included) is not the denominator
  assert.equal(m.totalRate(sel), '(sum by (model_name) (rate(:tensorflow:serving:request_latency_count{namespace="ml",job="m-metrics",API!=""}[5m]))'
    + ` + sum by (model_name) (rate(:tensorflow:serving:request_count{namespace="ml",job="m-metrics",${server}}[5m]))) > 0`);
  assert.equal(m.inferenceCounter, ':tensorflow:serving:request_latency_count');
  assert.equal(m.inferenceCounterMatchers, 'API!=""');
  assert.equal(m.modelLabel, 'model_name');
});

test('takes p95 latency from the microsecond histogram, in seconds', () => {
  assert.deepEqual(m.latencySeconds(sel), {
    expr: 'histogram_quantile(0.95, sum by (model_name, le) (rate(:tensorflow:serving:request_latency_bucket{namespace="ml",job="m-metrics",API!=""}[5m]))) / 1e6',
    kind: 'p95',
  });
  assert.equal(m.queueTimeSeconds, undefined);
  assert.equal(m.pendingGauge, undefined);
});

test('takes GPU signals from the DCGM exporter, matched on the pods of this job', () => {
  assert.match(m.gpuUtilization(sel), /DCGM_FI_DEV_GPU_UTIL \/ 100/);
  assert.match(m.gpuUtilization(sel), /and on \(namespace, pod\) up\{namespace="ml",job="m-metrics"\}/);
  assert.match(m.gpuMemoryUsedRatio(sel), /DCGM_FI_DEV_FB_USED \/ \(DCGM_FI_DEV_FB_USED \+ DCGM_FI_DEV_FB_FREE\)/);
});

test('every metrics expression parses as PromQL', () => {
  const exprs = [m.requestRate(sel), m.errorRate(sel), m.totalRate(sel), m.latencySeconds(sel).expr,
    m.latencyQuantileSeconds!(0.99, sel), m.gpuUtilization(sel), m.gpuMemoryUsedRatio(sel)];
  for (const e of exprs) assert.deepEqual(promqlProblems(e), [], e);
});

test('parses enum values apart from strings (parser self-check)', () => {
  assert.deepEqual(field(parseTextProto('kind: KIND_GPU name: "x"'), 'kind'), new EnumValue('KIND_GPU'));
});

test('on a GPU, TensorFlow takes GPU memory as the models need it (TF_FORCE_GPU_ALLOW_GROWTH), not nearly all of it at start', () => {
  assert.deepEqual(server.env.find((e: { name: string }) => e.name === 'TF_FORCE_GPU_ALLOW_GROWTH'), { name: 'TF_FORCE_GPU_ALLOW_GROWTH', value: 'true' });
  const cpu = container(find(synth(tfsDoc({ resources: undefined })), 'Deployment'));
  assert.equal(cpu.env.some((e: { name: string }) => e.name === 'TF_FORCE_GPU_ALLOW_GROWTH'), false);
});

test('a spec.env TF_FORCE_GPU_ALLOW_GROWTH replaces the generated one, at its own place in spec.env: the container lists the name once', () => {
  const env = [{ name: 'A', value: '1' }, { name: 'TF_FORCE_GPU_ALLOW_GROWTH', value: 'false' }, { name: 'B', value: '2' }];
  const gpu = container(find(synth(tfsDoc({ resources: { gpu: { count: 1 } }, env })), 'Deployment'));
  assert.deepEqual(gpu.env, [{ name: 'HOME', value: '/tmp' }, ...env]);
});
