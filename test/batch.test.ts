/** Mode batch: an Indexed Job or a CronJob that serves the model as a native sidecar to a client that really processes the input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { synth, synthFile, find, all, container, tritonDoc, specErrors, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { synthesizeSpecs } from '../lib/synth';
import { CLIENT_PY } from '../lib/batch/client-py';
import { RCLONE_S3_PROVIDER_SCRIPT } from '../lib/constructs/model-repository';
import { App, Chart } from 'cdk8s';
import { ModelServing, propsFromDocument } from '../lib/constructs/model-serving';

const nightly = synthFile('templates/triton-batch-nightly.yaml');
const cron = find(nightly, 'CronJob', 'fraud-scoring-nightly');
const job = cron.spec.jobTemplate.spec;
const pod = job.template.spec;
const batchDoc = (batch: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) =>
  tritonDoc({ mode: 'batch', batch: { input: 's3://data/in/', output: 's3://data/out/', ...batch }, ...spec });
const env = (c: K8sObject, name: string) => c.env.find((e: K8sObject) => e.name === name);

test('every object of the nightly batch template is valid against the Kubernetes schemas, strictly', async () => {
  await assertValidObjects(nightly);
});

test('a schedule makes a CronJob with its time zone, Forbid concurrency and explicit history limits', () => {
  assert.equal(cron.spec.schedule, '0 2 * * *');
  assert.equal(cron.spec.timeZone, 'Europe/Berlin');
  assert.equal(cron.spec.concurrencyPolicy, 'Forbid');
  assert.equal(cron.spec.successfulJobsHistoryLimit, 3);
  assert.equal(cron.spec.failedJobsHistoryLimit, 1);
  assert.equal(all(nightly, 'Job').length, 0);
});

test('the job is Indexed with the spec parallelism, completions, backoffLimit, TTL and deadline', () => {
  assert.equal(job.completionMode, 'Indexed');
  assert.equal(job.parallelism, 4);
  assert.equal(job.completions, 4);
  assert.equal(job.backoffLimit, 2);
  assert.equal(job.ttlSecondsAfterFinished, 86400);
  assert.equal(job.activeDeadlineSeconds, 14400);
  assert.equal(pod.restartPolicy, 'Never');
});

test('without a schedule it is a Job with the documented defaults', () => {
  const objs = synth(batchDoc());
  const j = find(objs, 'Job', 'm');
  assert.equal(all(objs, 'CronJob').length, 0);
  assert.equal(j.spec.completionMode, 'Indexed');
  assert.equal(j.spec.parallelism, 1);
  assert.equal(j.spec.completions, 1);
  assert.equal(j.spec.backoffLimit, 2);
  assert.equal(j.spec.ttlSecondsAfterFinished, 86400);
  assert.equal(j.spec.activeDeadlineSeconds, undefined);
  assert.equal(j.spec.template.spec.restartPolicy, 'Never');
  assert.equal(j.spec.selector, undefined, 'the Job controller generates the selector');
});

test('completions default to parallelism', () => {
  const j = find(synth(batchDoc({ parallelism: 3 })), 'Job');
  assert.equal(j.spec.completions, 3);
  assert.equal(env(container(j, 'download-inputs'), 'SHARDS').value, '3');
});

test('an eviction does not count against backoffLimit and rejected requests fail the Job without retries', () => {
  assert.deepEqual(job.podFailurePolicy, {
    rules: [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'upload-results', operator: 'In', values: [3] } },
    ],
  });
});

test('restartPolicy OnFailure restarts containers in place and leaves out the podFailurePolicy the API refuses with it', async () => {
  const objs = synth(batchDoc({ restartPolicy: 'OnFailure' }));
  const j = find(objs, 'Job');
  assert.equal(j.spec.template.spec.restartPolicy, 'OnFailure');
  assert.equal(j.spec.podFailurePolicy, undefined);
  await assertValidObjects(objs);
});

test('creates no Service, Ingress, autoscaler, disruption budget or monitoring for a batch job, only a NetworkPolicy that admits no other pod', () => {
  const kinds = new Set(nightly.map((o) => o.kind));
  for (const k of ['Service', 'Ingress', 'HorizontalPodAutoscaler', 'ScaledObject', 'PodDisruptionBudget', 'ServiceMonitor', 'Deployment', 'DaemonSet']) {
    assert.equal(kinds.has(k), false, k);
  }
  assert.deepEqual([...kinds].sort(), ['ConfigMap', 'CronJob', 'NetworkPolicy', 'ServiceAccount']);
});

test('the pod runs downloads, the server as a native sidecar and the client as init containers, and the upload as its only container', () => {
  assert.deepEqual(pod.initContainers.map((c: K8sObject) => c.name), ['download-models', 'assemble-repository', 'download-inputs', 'server', 'client']);
  assert.deepEqual(pod.containers.map((c: K8sObject) => c.name), ['upload-results']);
  const sidecars = pod.initContainers.filter((c: K8sObject) => c.restartPolicy === 'Always').map((c: K8sObject) => c.name);
  assert.deepEqual(sidecars, ['server']);
});

test('the server sidecar keeps its startup and readiness probes and its GPU, and has no preStop delay', () => {
  const server = container(cron);
  assert.equal(server.restartPolicy, 'Always');
  assert.equal(server.startupProbe.httpGet.path, '/v2/health/live');
  assert.equal(server.startupProbe.periodSeconds * server.startupProbe.failureThreshold, 600);
  assert.equal(server.readinessProbe.httpGet.path, '/v2/health/ready');
  assert.equal(server.lifecycle, undefined);
  assert.equal(server.resources.limits['nvidia.com/gpu'], 1);
  assert.ok(server.args.includes('--load-model=fraud-detector'));
  assert.deepEqual(pod.tolerations, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
});

test('a CPU-only batch job requests no GPU and tolerates no GPU taint', () => {
  const j = find(synth(batchDoc({}, { resources: {} })), 'Job');
  assert.equal(container(j).resources.limits['nvidia.com/gpu'], undefined);
  assert.equal(j.spec.template.spec.tolerations, undefined);
});

test('download-inputs lists the input with rclone and downloads only this pod\'s shard of *.json files', () => {
  const d = container(cron, 'download-inputs');
  assert.equal(d.image, 'rclone/rclone:1.75.0');
  assert.equal(env(d, 'SOURCE').value, ':s3,provider=AWS,env_auth=true:acme-ml-data/fraud/requests');
  assert.deepEqual(env(d, 'SHARD').valueFrom, { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } });
  assert.equal(env(d, 'SHARDS').value, '4');
  assert.deepEqual(d.envFrom, [{ secretRef: { name: 's3-batch-data' } }]);
  const script = d.command[2];
  assert.match(script, /rclone lsf -R --files-only --include '\*\.json' "\$src"/);
  assert.match(script, /awk -v n="\$SHARDS" -v i="\$SHARD" '\(NR - 1\) % n == i'/);
  assert.match(script, /rclone copy "\$src" \/batch\/input --files-from-raw \/tmp\/inputs\.shard --no-traverse/);
  assert.deepEqual(d.volumeMounts.map((m: K8sObject) => m.mountPath), ['/batch/input', '/tmp']);
});

test('input and output use repository.credentialsSecret when batch.credentialsSecret is not set', () => {
  const j = find(synth(batchDoc({}, { repository: { uri: 's3://models/triton', credentialsSecret: 'models-creds' } })), 'Job');
  assert.deepEqual(container(j, 'download-inputs').envFrom, [{ secretRef: { name: 'models-creds' } }]);
  assert.deepEqual(container(j, 'upload-results').envFrom, [{ secretRef: { name: 'models-creds' } }]);
});

test('a CronJob uploads each run under <output>/<job name>/; the bucket is not created', () => {
  const u = container(cron, 'upload-results');
  assert.equal(u.image, 'rclone/rclone:1.75.0');
  assert.deepEqual(env(u, 'JOB_NAME').valueFrom, { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-name']" } });
  assert.equal(env(u, 'DEST').value, ':s3,provider=AWS,env_auth=true:acme-ml-data/fraud/scores/$(JOB_NAME)');
  const names = u.env.map((e: K8sObject) => e.name);
  assert.ok(names.indexOf('JOB_NAME') < names.indexOf('DEST'), 'the kubelet expands $(JOB_NAME) only from an earlier variable');
  const script = u.command[2];
  assert.match(script, /rclone copy \/batch\/output "\$src" --exclude '\/\.status\/\*\*' --exclude '\*\.partial' --s3-no-check-bucket/);
  assert.match(script, /exit 3/);
  assert.deepEqual(u.volumeMounts[0], { name: 'batch-output', mountPath: '/batch/output', readOnly: true });
});

test('input and output follow the model download\'s credential rules: the Secret may replace the S3 provider', () => {
  for (const name of ['download-inputs', 'upload-results']) {
    assert.ok(container(cron, name).command[2].includes(RCLONE_S3_PROVIDER_SCRIPT), name);
  }
});

test('a Job uploads straight to the output; a gs:// output gets no S3 flag', () => {
  const u = container(find(synth(batchDoc({ output: 'gs://results/run-7' })), 'Job'), 'upload-results');
  assert.equal(env(u, 'JOB_NAME'), undefined);
  assert.equal(env(u, 'DEST').value, ':gcs,env_auth=true,bucket_policy_only=true:results/run-7');
  assert.doesNotMatch(u.command[2], /s3-no-check-bucket/);
});

test('the client is the pinned python image running the generated program from the ClientConfig ConfigMap', () => {
  const c = container(cron, 'client');
  assert.equal(c.image, 'python:3.12.12-slim-bookworm');
  assert.deepEqual(c.command, ['python3', '/etc/model-serving-batch/client.py', '/etc/model-serving-batch/client.json']);
  const cm = find(nightly, 'ConfigMap', 'fraud-scoring-nightly-batch-client');
  assert.equal(cm.data['client.py'], CLIENT_PY);
  assert.deepEqual(pod.volumes.find((v: K8sObject) => v.name === 'batch-client'), { name: 'batch-client', configMap: { name: 'fraud-scoring-nightly-batch-client' } });
  assert.deepEqual(c.volumeMounts.map((m: K8sObject) => [m.mountPath, m.readOnly ?? false]), [
    ['/etc/model-serving-batch', true], ['/batch/input', true], ['/batch/output', false], ['/tmp', false],
  ]);
});

test('the client sends KServe v2 requests to Triton on port 8000 and waits for the model to be ready', () => {
  const settings = JSON.parse(find(nightly, 'ConfigMap', 'fraud-scoring-nightly-batch-client').data['client.json']);
  assert.deepEqual(settings, {
    port: 8000,
    inputDir: '/batch/input',
    outputDir: '/batch/output',
    concurrency: 16,
    requestTimeoutSeconds: 600,
    readyTimeoutSeconds: 600,
    request: {
      format: 'body-per-file',
      path: '/v2/models/fraud-detector/infer',
      contentType: 'application/json',
      inputSuffixes: ['.json'],
      resultSuffix: '',
      readyPath: '/v2/models/fraud-detector/ready',
    },
  });
});

test('batch.model picks the model that receives the requests', () => {
  const doc = batchDoc({ model: 'b' }, { models: [{ name: 'a', format: 'onnx' }, { name: 'b', format: 'onnx' }] });
  const settings = JSON.parse(find(synth(doc), 'ConfigMap', 'm-batch-client').data['client.json']);
  assert.equal(settings.request.path, '/v2/models/b/infer');
});

test('the client program survives the YAML that kubectl applies', () => {
  const [m] = synthesizeSpecs([batchDoc()]);
  const cm = parseAllDocuments(m.yaml).map((d) => d.toJS()).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'm-batch-client');
  assert.equal(cm.data['client.py'], CLIENT_PY);
});

test('every batch container has requests, limits and the restricted securityContext', () => {
  for (const c of [...pod.initContainers, ...pod.containers]) {
    assert.ok(c.resources.requests.cpu && c.resources.requests.memory, `${c.name} requests`);
    assert.ok(c.resources.limits.cpu && c.resources.limits.memory, `${c.name} limits`);
    assert.deepEqual(c.securityContext, {
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    }, c.name);
  }
});

test('ModelServing has no Service name or URL in mode batch', () => {
  const chart = new Chart(new App(), 'c');
  const ms = new ModelServing(chart, 'm', propsFromDocument(batchDoc()));
  assert.equal(ms.serviceName, undefined);
  assert.equal(ms.url, undefined);
});

test('refuses a bad cron schedule naming spec.batch.schedule', () => {
  assert.equal(specErrors(batchDoc({ schedule: '0 25 * * *' })), 'spec.yaml: spec.batch.schedule: hour field "25" is not a value or range within 0-23');
  assert.equal(specErrors(batchDoc({ schedule: '0 2 * *' })), 'spec.yaml: spec.batch.schedule: must be a five-field cron expression "minute hour day-of-month month day-of-week" (got 4 fields)');
});

test('refuses CronJob-only fields on a Job', () => {
  assert.equal(specErrors(batchDoc({ concurrencyPolicy: 'Allow', timeZone: 'UTC' })), [
    'spec.yaml: spec.batch.concurrencyPolicy: applies to a CronJob only (set spec.batch.schedule)',
    'spec.yaml: spec.batch.timeZone: applies to a CronJob only (set spec.batch.schedule)',
  ].join('\n'));
});

test('refuses parallelism above completions', () => {
  assert.equal(specErrors(batchDoc({ parallelism: 4, completions: 2 })), 'spec.yaml: spec.batch.parallelism: (4) must be <= spec.batch.completions (2)');
});

test('refuses an unknown or missing batch.model', () => {
  const two = { models: [{ name: 'a', format: 'onnx' }, { name: 'b', format: 'onnx' }] };
  assert.equal(specErrors(batchDoc({}, two)), 'spec.yaml: spec.batch.model: is required when spec.models has more than one model (one of: a, b)');
  assert.equal(specErrors(batchDoc({ model: 'c' }, two)), 'spec.yaml: spec.batch.model: model "c" is not in spec.models (one of: a, b)');
});

test('refuses an output inside the input', () => {
  const msg = 'spec.yaml: spec.batch.output: must not be spec.batch.input or inside it (results would be read as inputs by the next run)';
  assert.equal(specErrors(batchDoc({ input: 's3://data/in/', output: 's3://data/in' })), msg);
  assert.equal(specErrors(batchDoc({ input: 's3://data/in', output: 's3://data/in/results/' })), msg);
  assert.equal(specErrors(batchDoc({ input: 's3://data/in', output: 's3://data/inner/' })), undefined);
});

test('refuses an output that cannot be written and credentials inside a URI', () => {
  assert.equal(specErrors(batchDoc({ output: 'https://example.org/out/' })), 'spec.yaml: spec.batch.output: scheme "https" is not supported (use s3://, gs://)');
  assert.equal(specErrors(batchDoc({ input: 's3://key:secret@data/in' })), 'spec.yaml: spec.batch.input: must not contain credentials (user:password@); put them in a Secret and name it in credentialsSecret');
});

test('refuses mode batch without spec.batch, and online-only fields in mode batch', () => {
  assert.equal(specErrors(tritonDoc({ mode: 'batch' })), 'spec.yaml: spec.batch: is required when spec.mode is batch');
  assert.equal(specErrors(batchDoc({}, { replicas: 2 })), 'spec.yaml: spec.replicas: applies to mode online only (mode is batch)');
  assert.equal(specErrors(tritonDoc({ batch: { input: 's3://a/in', output: 's3://a/out' } })), 'spec.yaml: spec.batch: applies to mode batch only (mode is online)');
});

// ---- every runtime's request shape (from the runtime object, never from a name switch) ----

const runtimeDoc = (spec: Record<string, unknown>) => ({
  apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm', namespace: 'ml' },
  spec: { mode: 'batch', batch: { input: 's3://d/in/', output: 's3://d/out/' }, repository: { pvc: { claimName: 'models' } }, ...spec },
});
const RUNTIME_CASES: { name: string; spec: Record<string, unknown>; port: number; request: Record<string, unknown>; concurrency: number }[] = [
  {
    name: 'tfserving', spec: { runtime: 'tfserving', models: [{ name: 'wide', format: 'savedmodel' }] }, port: 8501, concurrency: 4,
    request: { format: 'body-per-file', path: '/v1/models/wide:predict', contentType: 'application/json', inputSuffixes: ['.json'], resultSuffix: '', readyPath: '/v1/models/wide/metadata' },
  },
  {
    name: 'torchserve', spec: { runtime: 'torchserve', models: [{ name: 'resnet', format: 'mar' }] }, port: 8080, concurrency: 4,
    request: { format: 'body-per-file', path: '/predictions/resnet', contentType: 'application/octet-stream', inputSuffixes: [], resultSuffix: '.out', readyPath: '/ping' },
  },
  {
    name: 'vllm', port: 8000, concurrency: 512,
    spec: { runtime: 'vllm', models: [{ name: 'llama', format: 'huggingface' }], repository: { huggingface: { modelId: 'meta-llama/Llama-3.1-8B-Instruct' } }, resources: { gpu: { count: 1 } } },
    request: { format: 'openai-batch', urls: ['/v1/chat/completions', '/v1/completions', '/v1/embeddings'], readyPath: '/health', bodyDefaults: { model: 'llama' }, inputSuffixes: ['.jsonl'] },
  },
];

for (const c of RUNTIME_CASES) {
  test(`${c.name}: the client speaks the runtime's own HTTP API on port ${c.port}, and every object is strictly valid`, async () => {
    const objs = synth(runtimeDoc(c.spec));
    const settings = JSON.parse(find(objs, 'ConfigMap', 'm-batch-client').data['client.json']);
    assert.equal(settings.port, c.port);
    assert.equal(settings.concurrency, c.concurrency);
    assert.deepEqual(settings.request, c.request);
    const j = find(objs, 'Job');
    assert.equal(container(j).restartPolicy, 'Always');
    assert.equal(all(objs, 'Service').length, 0);
    await assertValidObjects(objs);
  });
}

test('vllm keeps twice engine.maxNumSeqs in flight unless batch.concurrency says otherwise', () => {
  const models = [{ name: 'llama', format: 'huggingface', engine: { maxNumSeqs: 64 } }];
  const base = { ...RUNTIME_CASES[2].spec, models };
  const settings = (spec: Record<string, unknown>) => JSON.parse(find(synth(runtimeDoc(spec)), 'ConfigMap', 'm-batch-client').data['client.json']);
  assert.equal(settings(base).concurrency, 128);
  assert.equal(settings({ ...base, batch: { input: 's3://d/in/', output: 's3://d/out/', concurrency: 32 } }).concurrency, 32);
});

// ---- the generated client, run for real against a stand-in server (skipped where python3 is missing) ----

const hasPython = spawnSync('python3', ['--version']).status === 0;

interface Served { status: number; body: unknown }
/** Runs client.py with `settings` against a local HTTP server answering through `answer`; returns exit code, log and output files. */
async function runClient(settings: Record<string, unknown>, inputs: Record<string, string>, answer: (method: string, path: string, body: string) => Served) {
  const dir = mkdtempSync(join(tmpdir(), 'batch-client-'));
  for (const [rel, text] of Object.entries(inputs)) {
    mkdirSync(dirname(join(dir, 'in', rel)), { recursive: true });
    writeFileSync(join(dir, 'in', rel), text);
  }
  mkdirSync(join(dir, 'out'));
  const requests: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      const a = answer(req.method!, req.url!, body);
      res.writeHead(a.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  writeFileSync(join(dir, 'client.py'), CLIENT_PY);
  writeFileSync(join(dir, 'client.json'), JSON.stringify({
    port, inputDir: join(dir, 'in'), outputDir: join(dir, 'out'), concurrency: 2, requestTimeoutSeconds: 10, readyTimeoutSeconds: 10, ...settings,
  }));
  const child = spawn('python3', [join(dir, 'client.py'), join(dir, 'client.json')]);
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  const code: number = await new Promise((r) => child.on('close', r));
  server.close();
  const read = (rel: string) => (existsSync(join(dir, 'out', rel)) ? readFileSync(join(dir, 'out', rel), 'utf8') : undefined);
  return { code, log, read, requests, dir };
}

const tritonRequest = {
  format: 'body-per-file', path: '/v2/models/resnet50/infer', contentType: 'application/json',
  inputSuffixes: ['.json'], resultSuffix: '', readyPath: '/v2/models/resnet50/ready',
};
const infer = { inputs: [{ name: 'input', shape: [1, 3], datatype: 'FP32', data: [1, 2, 3] }] };
const tritonAnswer = (method: string, path: string, body: string): Served => {
  if (method === 'GET') return { status: path === '/v2/models/resnet50/ready' ? 200 : 404, body: {} };
  const req = JSON.parse(body);
  if (!req.inputs) return { status: 400, body: { error: 'unexpected inference input' } };
  return { status: 200, body: { model_name: 'resnet50', outputs: [{ name: 'output', datatype: 'FP32', shape: [1], data: [req.inputs[0].data.length] }] } };
};

test('the client sends each input file to the model, writes each answer and records what the server rejected', { skip: !hasPython }, async () => {
  const r = await runClient({ request: tritonRequest }, { 'a.json': JSON.stringify(infer), 'day/b.json': '{"bad": 1}', 'notes.txt': 'not an input' }, tritonAnswer);
  assert.equal(r.code, 0, r.log);
  assert.deepEqual(JSON.parse(r.read('a.json')!), { model_name: 'resnet50', outputs: [{ name: 'output', datatype: 'FP32', shape: [1], data: [3] }] });
  assert.deepEqual(JSON.parse(r.read('day/b.json.error.json')!), { input: 'day/b.json', status_code: 400, error: { error: 'unexpected inference input' } });
  assert.equal(r.read('day/b.json'), undefined);
  assert.equal(r.read('notes.txt'), undefined);
  assert.equal(r.read('.status/rejected'), '1\n');
  assert.equal(r.requests.filter((x) => x === 'POST /v2/models/resnet50/infer').length, 2);
  assert.match(r.log, /done: 1 answered, 1 rejected, 0 already done/);
});

test('the client retries a 503 and exits 1 when the server never becomes ready', { skip: !hasPython }, async () => {
  let failures = 1;
  const flaky = (m: string, p: string, b: string): Served => (m === 'POST' && failures-- > 0 ? { status: 503, body: {} } : tritonAnswer(m, p, b));
  const ok = await runClient({ request: tritonRequest }, { 'a.json': JSON.stringify(infer) }, flaky);
  assert.equal(ok.code, 0, ok.log);
  assert.ok(ok.read('a.json'));
  assert.equal(ok.read('.status/rejected'), undefined);
  const down = await runClient({ request: tritonRequest, readyTimeoutSeconds: 0 }, { 'a.json': JSON.stringify(infer) }, () => ({ status: 503, body: {} }));
  assert.equal(down.code, 1);
  assert.match(down.log, /error: GET \/v2\/models\/resnet50\/ready did not answer 200 within 0s \(HTTP 503\)/);
});

test('the client turns every line of an OpenAI batch file into a request and writes vllm run-batch shaped results in order', { skip: !hasPython }, async () => {
  const request = { format: 'openai-batch', urls: ['/v1/chat/completions', '/v1/completions'], readyPath: '/health', bodyDefaults: { model: 'llama' }, inputSuffixes: ['.jsonl'] };
  const lines = [
    { custom_id: 'r1', method: 'POST', url: '/v1/chat/completions', body: { messages: [{ role: 'user', content: 'hi' }] } },
    { custom_id: 'r2', method: 'POST', url: '/v1/embeddings', body: { input: 'x' } },
  ].map((l) => JSON.stringify(l)).concat(['not json', '']).join('\n');
  const answer = (m: string, _p: string, b: string): Served => {
    if (m === 'GET') return { status: 200, body: {} };
    return { status: 200, body: { object: 'chat.completion', echo: JSON.parse(b) } };
  };
  const r = await runClient({ request }, { 'part-0.jsonl': lines }, answer);
  assert.equal(r.code, 0, r.log);
  const out = r.read('part-0.jsonl')!.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(out.length, 3);
  assert.equal(out[0].custom_id, 'r1');
  assert.equal(out[0].response.status_code, 200);
  assert.deepEqual(out[0].response.body.echo, { messages: [{ role: 'user', content: 'hi' }], model: 'llama' });
  assert.equal(out[0].error, null);
  assert.equal(out[1].custom_id, 'r2');
  assert.equal(out[1].response, null);
  assert.equal(out[1].error.message, 'line 2: method POST url /v1/embeddings is not served here (POST /v1/chat/completions, /v1/completions)');
  assert.equal(out[2].custom_id, null);
  assert.match(out[2].error.message, /^line 3: /);
  assert.equal(r.read('.status/rejected'), '2\n');
  assert.deepEqual(r.requests, ['GET /health', 'POST /v1/chat/completions']);
});
