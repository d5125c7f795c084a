/**
 * What the routes publish: each runtime's inference APIs and nothing else (no metrics path or port, no admin,
 * model-control or health API), vLLM routes that a streamed completion survives, and vLLM's API key.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { synth, synthFile, find, container, specErrors, tritonDoc, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { RUNTIME_REGISTRY } from '../lib/runtimes/registry';
import { triton } from '../lib/runtimes/triton';
import { vllm } from '../lib/runtimes/vllm';

const NGINX = 'nginx.ingress.kubernetes.io';
const gateway = { parentRef: { name: 'inference', namespace: 'gateway-system' } };
const template = (name: string) => parse(readFileSync(`templates/${name}.yaml`, 'utf8'));
/** A template with an nginx Ingress (controller in ingress-nginx) and a Gateway route, and no other route. */
function exposed(name: string, extra: (spec: Record<string, any>) => void = () => undefined): K8sObject[] {
  const doc = template(name);
  doc.spec.ingress = { host: 'ml.example.org', className: 'nginx' };
  doc.spec.gateway = structuredClone(gateway);
  doc.spec.networkPolicy = { allowFromNamespaces: ['ingress-nginx'] };
  extra(doc.spec);
  return synth(doc);
}
const ingressPaths = (objs: K8sObject[]) => find(objs, 'Ingress').spec.rules[0].http.paths.map((p: K8sObject) => `${p.pathType} ${p.path}`);
const routePaths = (objs: K8sObject[]) => find(objs, 'HTTPRoute').spec.rules.flatMap((r: K8sObject) => r.matches.map((m: K8sObject) => `${m.path.type} ${m.path.value}`));

const runtimeTemplates: Record<string, string> = { triton: 'triton-onnx-classifier', tfserving: 'tfserving-savedmodel', torchserve: 'torchserve-mar', vllm: 'vllm-llama' };

for (const r of RUNTIME_REGISTRY) {
  test(`publishes no metrics path, health path or port other than HTTP for runtime ${r.name}`, async () => {
    const objs = exposed(runtimeTemplates[r.name]);
    await assertValidObjects(objs);
    const http = r.ports.find((p) => p.name === r.httpPortName)!.port;
    for (const path of [...ingressPaths(objs), ...routePaths(objs)].map((p) => p.split(' ')[1])) {
      assert.ok(!path.startsWith(r.metrics.path), `${path} is not under the metrics path ${r.metrics.path}`);
      assert.ok(!/health|ping|metrics|repository|sharedmemory|logging|trace|config|stats/.test(path), `${path} is an inference path`);
    }
    assert.deepEqual([...new Set(find(objs, 'Ingress').spec.rules[0].http.paths.map((p: K8sObject) => p.backend.service.port.number))], [http]);
    assert.deepEqual([...new Set(find(objs, 'HTTPRoute').spec.rules.flatMap((x: K8sObject) => x.backendRefs.map((b: K8sObject) => b.port)))], [http]);
  });
}

test('publishes Triton\'s infer, generate and ready per model and served version, never its admin or model-control APIs', () => {
  assert.deepEqual(routePaths(exposed('triton-onnx-classifier')), [undefined, 1, 2].flatMap((v) => ['infer', 'generate', 'generate_stream', 'ready']
    .map((api) => `Exact /v2/models/resnet50${v === undefined ? '' : `/versions/${v}`}/${api}`)));
  // without adminKeySecret too: load/unload (model-repository) is unreachable through any route
  assert.equal(triton.publicPaths([{ name: 'm', format: 'onnx' }]).some((p) => p.path.includes('repository')), false);
});

test('publishes TF Serving\'s predict verbs through ingress-nginx as ImplementationSpecific paths: its strict path check refuses ":"', async () => {
  const objs = exposed('tfserving-savedmodel');
  await assertValidObjects(objs);
  const model = template('tfserving-savedmodel').spec.models[0].name;
  assert.deepEqual(ingressPaths(objs).slice(0, 4), [
    `Exact /v1/models/${model}`,
    `ImplementationSpecific /v1/models/${model}:predict`,
    `ImplementationSpecific /v1/models/${model}:classify`,
    `ImplementationSpecific /v1/models/${model}:regress`,
  ]);
  assert.deepEqual(routePaths(objs).slice(0, 2), [`Exact /v1/models/${model}`, `Exact /v1/models/${model}:predict`]);
});

test('publishes Exact paths with ":" for other ingress classes, which validate no path characters', () => {
  const doc = template('tfserving-savedmodel');
  doc.spec.ingress = { host: 'ml.example.org', className: 'traefik' };
  doc.spec.networkPolicy = { allowFromNamespaces: ['traefik'] };
  assert.equal(ingressPaths(synth(doc))[1], `Exact /v1/models/${doc.spec.models[0].name}:predict`);
});

test('publishes TorchServe\'s /predictions/<model> only: the management and metrics ports stay closed', () => {
  assert.deepEqual(ingressPaths(exposed('torchserve-mar')), ['Prefix /predictions/sentiment']);
  assert.deepEqual(routePaths(exposed('torchserve-mar')), ['PathPrefix /predictions/sentiment']);
});

test('publishes vLLM\'s OpenAI API under /v1 only, never /metrics, /health or /invocations', () => {
  assert.deepEqual(routePaths(exposed('vllm-llama')), [
    'Exact /v1/chat/completions', 'Exact /v1/completions', 'PathPrefix /v1/responses', 'Exact /v1/embeddings', 'Exact /v1/models',
  ]);
  assert.ok(vllm.publicPaths([]).every((p) => p.path.startsWith('/v1/')), 'every published path is one the API key guards');
});

// --- Streamed responses --------------------------------------------------------------------------------

test('gives vLLM routes a one-hour request timeout and unbuffered nginx responses, so a streamed completion survives', async () => {
  const objs = exposed('vllm-llama', (s) => { delete s.gateway.timeoutSeconds; });
  await assertValidObjects(objs);
  assert.deepEqual(find(objs, 'HTTPRoute').spec.rules[0].timeouts, { request: '3600s' });
  assert.deepEqual(find(objs, 'Ingress').metadata.annotations, {
    [`${NGINX}/proxy-read-timeout`]: '3600',
    [`${NGINX}/proxy-send-timeout`]: '3600',
    [`${NGINX}/proxy-buffering`]: 'off',
  });
});

test('lets the spec\'s timeouts and the user\'s buffering annotation win over the vLLM defaults', () => {
  const objs = exposed('vllm-llama', (s) => {
    s.gateway.timeoutSeconds = 600;
    s.ingress.timeoutSeconds = 900;
    s.ingress.annotations = { [`${NGINX}/proxy-buffering`]: 'on' };
  });
  assert.deepEqual(find(objs, 'HTTPRoute').spec.rules[0].timeouts, { request: '600s' });
  assert.deepEqual(find(objs, 'Ingress').metadata.annotations, {
    [`${NGINX}/proxy-buffering`]: 'on', [`${NGINX}/proxy-read-timeout`]: '900', [`${NGINX}/proxy-send-timeout`]: '900',
  });
});

test('writes no timeout for runtimes whose responses are not streamed, unless the spec sets one', () => {
  assert.equal(find(exposed('triton-onnx-classifier'), 'HTTPRoute').spec.rules[0].timeouts, undefined);
  assert.equal(find(exposed('triton-onnx-classifier'), 'Ingress').metadata.annotations, undefined);
});

// --- vLLM API key ----------------------------------------------------------------------------------------

test('passes the vLLM API key from its Secret as VLLM_API_KEY, never in the arguments, and keeps the probes on /health', async () => {
  const objs = synthFile('templates/vllm-llama.yaml');
  await assertValidObjects(objs);
  const server = container(find(objs, 'Deployment'));
  assert.deepEqual(server.env.find((e: K8sObject) => e.name === 'VLLM_API_KEY'), { name: 'VLLM_API_KEY', valueFrom: { secretKeyRef: { name: 'llama-api-key', key: 'key' } } });
  assert.equal(server.args.some((a: string) => a.includes('api-key') || a.includes('llama-api-key')), false);
  for (const p of ['startupProbe', 'readinessProbe', 'livenessProbe']) assert.equal(server[p].httpGet.path, '/health', `${p} uses /health, which needs no key`);
  assert.equal(find(objs, 'ServiceMonitor').spec.endpoints[0].path, '/metrics');
});

test('refuses the vLLM API key in mode batch and the vllm section on another runtime', () => {
  const doc = template('vllm-llama');
  delete doc.spec.gateway;
  doc.spec.mode = 'batch';
  delete doc.spec.replicas;
  doc.spec.batch = { input: 's3://b/in/', output: 's3://b/out/' };
  assert.equal(specErrors(doc), 'spec.yaml: spec.vllm.apiKeySecret: applies to modes online and edge: in mode batch the server answers only the client in its own pod, over loopback (its NetworkPolicy admits no other pod)');
  const t = template('triton-onnx-classifier');
  t.spec.vllm = { apiKeySecret: { name: 'k', key: 'k' } };
  assert.equal(specErrors(t), 'spec.yaml: spec.vllm: applies to runtime vllm only (runtime is triton)');
});

// --- Annotations that would publish more -----------------------------------------------------------------

test('refuses ingress-nginx annotations that send requests to another Service or write raw nginx configuration', () => {
  const nginx = (annotations: Record<string, string>, meta: Record<string, string> = {}) => specErrors(tritonDoc({
    ingress: { host: 'ml.example.org', className: 'nginx', annotations }, networkPolicy: { allowFromNamespaces: ['ingress-nginx'] },
  }, { annotations: meta }));
  const snippet = 'is raw nginx configuration (locations, proxy_pass, stream servers) that could publish the paths and ports the routes keep private ' +
    '(metrics, health, model control); ingress-nginx reads it only where its ConfigMap sets allow-snippet-annotations (off by default since controller v1.9): remove it, and configure such things in the controller or an Ingress of your own';
  assert.equal(nginx({ [`${NGINX}/default-backend`]: 'm-metrics', [`${NGINX}/configuration-snippet`]: 'location /v2/repository { proxy_pass http://m:8000; }' }, { [`${NGINX}/server-snippet`]: 'x' }), [
    'spec.yaml: spec.ingress.annotations["nginx.ingress.kubernetes.io/default-backend"]: sends this Ingress\'s requests to another Service of the namespace, on its first port, whenever the model Service has no ready endpoint ' +
      '(and its error responses, with custom-http-errors): the published paths would reach a Service and port the routes never target (e.g. the metrics Service); remove it',
    `spec.yaml: spec.ingress.annotations["nginx.ingress.kubernetes.io/configuration-snippet"]: ${snippet}`,
    `spec.yaml: metadata.annotations["nginx.ingress.kubernetes.io/server-snippet"]: is copied onto the Ingress too, where it ${snippet}`,
  ].join('\n'));
  for (const k of ['stream-snippet', 'auth-snippet']) assert.equal(nginx({ [`${NGINX}/${k}`]: 'x' }), `spec.yaml: spec.ingress.annotations["nginx.ingress.kubernetes.io/${k}"]: ${snippet}`);
  // error pages from the controller's own default backend publish nothing
  assert.equal(nginx({ [`${NGINX}/custom-http-errors`]: '503', [`${NGINX}/constructor`]: 'x' }), undefined);
});

// --- ingress-nginx regex hosts ----------------------------------------------------------------------------

/** Paths each runtime keeps private (docs/TRAFFIC.md), for model `m` and version `v`. */
const PRIVATE: Record<string, (m: string, v: number) => string[]> = {
  triton: (m, v) => [`/v2/models/${m}`, `/v2/models/${m}/config`, `/v2/models/${m}/stats`, `/v2/models/${m}/trace/setting`, `/v2/models/${m}/versions/${v}`,
    `/v2/models/${m}/versions/${v}/stats`, '/v2/repository/index', `/v2/repository/models/${m}/load`, `/v2/repository/models/${m}/unload`,
    '/v2/systemsharedmemory/status', '/v2/cudasharedmemory/status', '/v2/logging', '/v2/trace/setting', '/v2/health/ready', '/v2', '/metrics'],
  tfserving: (m, v) => [`/v1/models/${m}/metadata`, `/v1/models/${m}/versions/${v}/metadata`, '/monitoring/prometheus/metrics'],
  torchserve: () => ['/ping', '/api-description', '/metrics'],
  vllm: () => ['/metrics', '/health', '/ping', '/invocations', '/tokenize', '/detokenize', '/v1/load_lora_adapter', '/v1/unload_lora_adapter', '/start_profile', '/version'],
};

/**
 * The private paths a spec's nginx Ingress reaches on a host in regex mode, where ingress-nginx writes every path as
 * `location ~* "^<path>"` (template.go buildLocation): under `prefix`, or at their own URLs ('').
 */
function regexHostReaches(name: string, prefix: string): string[] {
  const doc = template(name);
  const objs = exposed(name, (s) => { if (prefix) s.ingress.path = prefix; });
  const locations = find(objs, 'Ingress').spec.rules[0].http.paths.map((p: K8sObject) => new RegExp(`^${p.path}`, 'i'));
  const privatePaths: string[] = doc.spec.models.flatMap((m: K8sObject) => (m.versions ?? [1]).flatMap((v: number) => PRIVATE[doc.spec.runtime](m.name, v)));
  return [...new Set(privatePaths.map((p) => `${prefix}${p}`))].filter((p) => locations.some((l: RegExp) => l.test(p)));
}

test('on an ingress-nginx regex host, the prefix plan\'s anchored paths reach no private path; at their own URLs only TF Serving\'s status paths reach its metadata', () => {
  for (const name of Object.values(runtimeTemplates)) assert.deepEqual(regexHostReaches(name, '/ml'), [], name);
  for (const name of ['triton-onnx-classifier', 'torchserve-mar', 'vllm-llama']) assert.deepEqual(regexHostReaches(name, ''), [], name);
  // Exact /v1/models/<m> becomes ~* "^/v1/models/<m>" (docs/TRAFFIC.md, "The ingress-nginx regex caveat")
  assert.deepEqual(regexHostReaches('tfserving-savedmodel', ''), [
    '/v1/models/ranker/metadata', '/v1/models/ranker/versions/7/metadata', '/v1/models/ranker/versions/8/metadata',
    // the unversioned status path of a model that serves the latest version reaches every version's metadata
    '/v1/models/query-encoder/metadata', '/v1/models/query-encoder/versions/1/metadata',
  ]);
});
