/** TorchServe: image, command, config.properties (parsed back), token authorization, probes, metrics. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synth, synthFile, find, container, specErrors, tritonDoc } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { parseProperties } from './support/parsers';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { torchserve, TORCHSERVE_MAINTENANCE_NOTICE, TORCHSERVE_WRAPPER, TORCHSERVE_STARTED } from '../lib/runtimes/torchserve';
import { promqlProblems } from '../lib/promql/promql';

function tsDoc(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'model-serving/v1alpha1',
    kind: 'ModelServing',
    metadata: { name: 'm', namespace: 'ml' },
    spec: {
      runtime: 'torchserve',
      models: [{ name: 'bert', format: 'mar' }],
      repository: { pvc: { claimName: 'models' } },
      ...spec,
    },
  };
}

const props = (objs: Record<string, any>[]) => parseProperties(find(objs, 'ConfigMap', 'm-config').data['config.properties']);

const hasPython = spawnSync('python3', ['--version']).status === 0;
const objs = synthFile('templates/torchserve-mar.yaml');
const deploy = find(objs, 'Deployment', 'review-sentiment');
const server = container(deploy);
const tpl = parseProperties(find(objs, 'ConfigMap', 'review-sentiment-config').data['config.properties']);

test('every object of the TorchServe template is valid against the Kubernetes schemas, strictly', async () => {
  await assertValidObjects(objs);
});

test('pins pytorch/torchserve 0.12.0, with the -gpu variant when a GPU is asked', () => {
  assert.equal(torchserve.defaultImage(false), 'pytorch/torchserve:0.12.0-cpu');
  assert.equal(torchserve.defaultImage(true), 'pytorch/torchserve:0.12.0-gpu');
  assert.equal(container(find(synth(tsDoc()), 'Deployment')).image, 'pytorch/torchserve:0.12.0-cpu');
});

test('runs torchserve in the foreground with the generated config and no config snapshots, behind a SIGTERM trap', () => {
  assert.deepEqual(server.command, ['sh', '-c', TORCHSERVE_WRAPPER, 'torchserve']);
  assert.deepEqual(server.args, ['--start', '--foreground', '--ts-config=/etc/model-serving/config.properties', '--ncs']);
});

test('exposes 8080 inference, 8081 management, 8082 metrics and 7070/7071 gRPC', () => {
  assert.deepEqual(server.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]), [
    ['http', 8080], ['management', 8081], ['metrics', 8082], ['grpc', 7070], ['grpc-management', 7071],
  ]);
});

test('binds every API to 0.0.0.0 (TorchServe defaults to 127.0.0.1)', () => {
  assert.equal(tpl.get('inference_address'), 'http://0.0.0.0:8080');
  assert.equal(tpl.get('management_address'), 'http://0.0.0.0:8081');
  assert.equal(tpl.get('metrics_address'), 'http://0.0.0.0:8082');
  assert.equal(tpl.get('grpc_inference_address'), '0.0.0.0');
  assert.equal(tpl.get('grpc_management_address'), '0.0.0.0');
  assert.equal(tpl.get('grpc_inference_port'), '7070');
  assert.equal(tpl.get('grpc_management_port'), '7071');
});

test('loads every model from the model store by name and archive', () => {
  assert.equal(tpl.get('model_store'), '/model-store');
  assert.equal(tpl.get('load_models'), 'sentiment=sentiment.mar');
});

test('writes the nested models JSON keyed by model name and archive version', () => {
  assert.deepEqual(JSON.parse(tpl.get('models')!), {
    sentiment: { '2.1': { marName: 'sentiment.mar', minWorkers: 2, maxWorkers: 2, batchSize: 16, maxBatchDelay: 20 } },
  });
});

test('defaults to archive version 1.0, batch size 1, 100 ms delay and one worker per GPU', () => {
  const p = props(synth(tsDoc({ resources: { gpu: { count: 2 } } })));
  assert.deepEqual(JSON.parse(p.get('models')!), {
    bert: { '1.0': { marName: 'bert.mar', minWorkers: 2, maxWorkers: 2, batchSize: 1, maxBatchDelay: 100 } },
  });
  assert.equal(p.get('number_of_gpu'), '2');
  assert.equal(p.get('default_workers_per_model'), '2');
});

test('runs one worker per model on a CPU-only pod', () => {
  const p = props(synth(tsDoc()));
  assert.equal(p.get('number_of_gpu'), '0');
  assert.equal(p.get('default_workers_per_model'), '1');
  assert.equal(JSON.parse(p.get('models')!).bert['1.0'].minWorkers, 1);
});

test('takes a model archive path from the spec', () => {
  const p = props(synth(tsDoc({ models: [{ name: 'bert', format: 'mar', path: 'nlp/bert-base.mar' }] })));
  assert.equal(p.get('load_models'), 'bert=nlp/bert-base.mar');
  assert.equal(JSON.parse(p.get('models')!).bert['1.0'].marName, 'nlp/bert-base.mar');
});

test('refuses a model path that is not a .mar archive', () => {
  assert.equal(specErrors(tsDoc({ models: [{ name: 'bert', format: 'mar', path: 'nlp/bert' }] })),
    'spec.yaml: spec.models[0].path: must name the model archive, ending in .mar (got "nlp/bert")');
});

test('serves Prometheus metrics, disables token authorization and keeps the model API off', () => {
  assert.equal(tpl.get('metrics_mode'), 'prometheus');
  assert.equal(tpl.get('enable_metrics_api'), 'true');
  assert.equal(tpl.get('disable_token_authorization'), 'true');
  assert.equal(tpl.get('enable_model_api'), 'false');
  assert.equal(tpl.get('install_py_dep_per_model'), 'false');
});

test('refuses token authorization: probes and clients cannot hold the per-pod expiring key', () => {
  assert.equal(specErrors(tsDoc({ torchserve: { tokenAuthorization: true } })),
    'spec.yaml: spec.torchserve.tokenAuthorization: cannot be true: with token authorization TorchServe answers /ping only with the inference key, which it generates at random in each pod (key_file.json) and expires after 60 minutes, so neither the kubelet probes nor clients behind the Service can hold it; keep it false and restrict access with spec.networkPolicy');
});

test('refuses spec.torchserve on another runtime', () => {
  assert.equal(specErrors(tritonDoc({ torchserve: { tokenAuthorization: false } })),
    'spec.yaml: spec.torchserve: applies to runtime torchserve only (runtime is triton)');
});

test('refuses model fields TorchServe does not use', () => {
  assert.equal(specErrors(tsDoc({ models: [{ name: 'bert', format: 'mar', maxBatchSize: 8 }] })),
    'spec.yaml: spec.models[0].maxBatchSize: is not used by runtime torchserve (it applies to: triton, tfserving)');
});

test('probes the management API for startup (no 5xx while loading), /ping for readiness, the metrics endpoint for liveness', () => {
  assert.deepEqual(server.startupProbe.exec.command, ['python3', '-c', TORCHSERVE_STARTED, 'sentiment']);
  assert.equal(server.startupProbe.httpGet, undefined);
  assert.equal(server.startupProbe.periodSeconds * server.startupProbe.failureThreshold, 600);
  assert.deepEqual(server.readinessProbe.httpGet, { path: '/ping', port: 'http' });
  assert.deepEqual(server.livenessProbe.httpGet, { path: '/metrics', port: 'metrics' });
});

/** Runs the startup check with python3 against a stand-in management API answering `describe` (on a free port: the check's 8081 rewritten). */
async function startupCheck(models: string[], describe: (name: string) => { status: number; body: unknown }) {
  const seen: string[] = [];
  const srv = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const r = describe(decodeURIComponent((req.url ?? '').replace(/^\/models\//, '')));
    res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
  });
  await new Promise<void>((resolve, reject) => srv.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  try {
    const code = await new Promise<number | null>((resolve) => {
      spawn('python3', ['-c', TORCHSERVE_STARTED.replace("'http://127.0.0.1:8081/models/'", `'http://127.0.0.1:${port}/models/'`), ...models], { stdio: 'ignore' }).on('close', resolve);
    });
    return { code, seen };
  } finally {
    await new Promise((resolve) => srv.close(resolve));
  }
}

// DescribeModelResponse as TorchServe v0.12.0 writes it (ApiUtils.getModelDescription): a list, one entry per version
const described = (minWorkers: number, statuses: string[]) => ({ status: 200, body: [{ modelName: 'x', modelVersion: '1.0', minWorkers, maxWorkers: minWorkers, workers: statuses.map((status, i) => ({ id: `900${i}`, status, gpu: false })) }] });

test('the startup check passes once every model has its minWorkers READY, and asks only the management API', { skip: !hasPython && 'python3 is not installed' }, async () => {
  assert.ok(TORCHSERVE_STARTED.includes("'http://127.0.0.1:8081/models/'"), 'the management port of config.properties');
  const ready = await startupCheck(['bert', 'gpt'], () => described(2, ['READY', 'READY']));
  assert.equal(ready.code, 0);
  assert.deepEqual(ready.seen, ['GET /models/bert', 'GET /models/gpt']);
  // a worker still loading, no worker yet, an unknown model (404), and a server not listening yet all fail the check
  assert.equal((await startupCheck(['bert'], () => described(2, ['READY', 'UNLOADING']))).code, 1);
  assert.equal((await startupCheck(['bert'], () => described(1, []))).code, 1);
  assert.equal((await startupCheck(['bert', 'gpt'], (n) => (n === 'gpt' ? { status: 404, body: { code: 404 } } : described(1, ['READY'])))).code, 1);
  const down = await new Promise<number | null>((resolve) => spawn('python3', ['-c', TORCHSERVE_STARTED.replace(':8081/', ':9/'), 'bert'], { stdio: 'ignore' }).on('close', resolve));
  assert.equal(down, 1);
});

test('runs as the image\'s model-server user (uid 1000) with a writable home for logs', () => {
  const pod = deploy.spec.template.spec;
  assert.equal(pod.securityContext.runAsUser, 1000);
  assert.equal(pod.securityContext.runAsGroup, 1000);
  const mount = server.volumeMounts.find((v: { mountPath: string }) => v.mountPath === '/home/model-server');
  assert.ok(mount, 'an emptyDir is mounted on /home/model-server');
  assert.ok(pod.volumes.find((v: { name: string; emptyDir?: object }) => v.name === mount.name && v.emptyDir));
  assert.deepEqual(server.env.slice(0, 3), [
    { name: 'TEMP', value: '/tmp' },
    { name: 'LOG_LOCATION', value: '/home/model-server/logs' },
    { name: 'METRICS_LOCATION', value: '/home/model-server/logs' },
  ]);
});

test('publishes one model\'s predictions API under /predictions/<model>, and no management or metrics path', () => {
  assert.deepEqual(torchserve.publicPaths([{ name: 'sentiment', format: 'mar' }]), [{ path: '/predictions/sentiment', match: 'PathPrefix' }]);
});

test('exports the limited-maintenance notice for model-serving lint', () => {
  assert.match(TORCHSERVE_MAINTENANCE_NOTICE, /limited maintenance since 2025-02-28/);
  assert.match(TORCHSERVE_MAINTENANCE_NOTICE, /security patches/);
});

const sel = 'namespace="ml",job="m-metrics"';
const m = torchserve.metrics;

test('measures requests per model with ts_inference_requests_total', () => {
  assert.equal(m.requestRate(sel), 'sum by (model_name) (rate(ts_inference_requests_total{namespace="ml",job="m-metrics"}[5m]))');
  assert.equal(m.inferenceCounter, 'ts_inference_requests_total');
  assert.equal(m.modelLabel, 'model_name');
  assert.equal(m.portName, 'metrics');
});

test('counts errors with the frontend\'s Requests5XX over inference requests, not over every response (no per-model error metric exists)', () => {
  assert.equal(m.errorRate(sel), 'sum(rate(Requests5XX{namespace="ml",job="m-metrics"}[5m]))');
  // Requests2XX also counts every metrics scrape and probe; no inference request (a pod still loading) gives no ratio
  assert.equal(m.totalRate(sel), 'sum(rate(ts_inference_requests_total{namespace="ml",job="m-metrics"}[5m])) > 0');
  assert.match(m.serverErrors.excluded, /Requests4XX/);
});

test('turns the cumulative microsecond counters into mean latency and queue time in seconds', () => {
  assert.deepEqual(m.latencySeconds(sel), {
    expr: 'sum by (model_name) (rate(ts_inference_latency_microseconds{namespace="ml",job="m-metrics"}[5m])) / sum by (model_name) (rate(ts_inference_requests_total{namespace="ml",job="m-metrics"}[5m])) / 1e6',
    kind: 'mean',
  });
  assert.equal(m.queueTimeSeconds!(sel), 'sum by (model_name) (rate(ts_queue_latency_microseconds{namespace="ml",job="m-metrics"}[5m])) / sum by (model_name) (rate(ts_inference_requests_total{namespace="ml",job="m-metrics"}[5m])) / 1e6');
  assert.deepEqual(m.queueTimeCounters, ['ts_queue_latency_microseconds', 'ts_inference_requests_total']);
  assert.equal(m.latencyQuantileSeconds, undefined);
});

test('reads GPU use from TorchServe\'s own percent gauges', () => {
  assert.equal(m.gpuUtilization(sel), 'avg by (pod) (GPUUtilization{namespace="ml",job="m-metrics"}) / 100');
  assert.equal(m.gpuMemoryUsedRatio(sel), 'max by (pod, DeviceId) (GPUMemoryUtilization{namespace="ml",job="m-metrics"}) / 100');
});

test('every metrics expression parses as PromQL', () => {
  for (const e of [m.requestRate(sel), m.errorRate(sel), m.totalRate(sel), m.latencySeconds(sel).expr, m.queueTimeSeconds!(sel),
    m.gpuUtilization(sel), m.gpuMemoryUsedRatio(sel)]) {
    assert.deepEqual(promqlProblems(e), [], e);
  }
});

test('parses Java properties the way java.util.Properties does (parser self-check)', () => {
  const p = parseProperties('# c\n! c\n a = b \nk:v\nx y\nlong=one \\\n  two\nu=\\u0041\n');
  assert.deepEqual([...p], [['a', 'b '], ['k', 'v'], ['x', 'y'], ['long', 'one two'], ['u', 'A']]);
});
