/** spec.tracing: OpenTelemetry per runtime (vLLM --otlp-traces-endpoint, Triton --trace-config), OTEL_* resource attributes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synth, synthFile, find, container, specErrors, tritonDoc, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { tritonTraceRate } from '../lib/runtimes/triton-tracing';

const ENDPOINT = 'http://otel-collector.observability:4318/v1/traces';
const envOf = (c: K8sObject) => Object.fromEntries(c.env.map((e: K8sObject) => [e.name, e.value ?? e.valueFrom]));

test('Triton: OpenTelemetry mode over OTLP/HTTP, TIMESTAMPS level, every N-th request, the spec name as service.name', () => {
  const server = container(find(synthFile('templates/triton-dra-shared.yaml'), 'Deployment'));
  const trace = server.args.filter((a: string) => a.startsWith('--trace-config='));
  assert.deepEqual(trace, [
    '--trace-config=mode=opentelemetry',
    '--trace-config=level=TIMESTAMPS',
    '--trace-config=rate=20',
    '--trace-config=count=-1',
    `--trace-config=opentelemetry,url=${ENDPOINT}`,
    '--trace-config=opentelemetry,resource=service.name=text-classifiers',
  ]);
  const env = envOf(server);
  assert.equal(env.OTEL_SERVICE_NAME, 'text-classifiers');
  assert.equal(env.OTEL_RESOURCE_ATTRIBUTES, 'k8s.namespace.name=ml-prod,k8s.pod.name=$(OTEL_K8S_POD_NAME),k8s.pod.uid=$(OTEL_K8S_POD_UID),k8s.node.name=$(OTEL_K8S_NODE_NAME),k8s.container.name=server,k8s.deployment.name=text-classifiers,service.version=26.07-py3');
  assert.deepEqual(env.OTEL_K8S_POD_NAME, { fieldRef: { fieldPath: 'metadata.name' } });
  assert.deepEqual(env.OTEL_K8S_NODE_NAME, { fieldRef: { fieldPath: 'spec.nodeName' } });
});

test('the resource attributes refer only to variables defined before them (the kubelet expands $(VAR) in order)', () => {
  const server = container(find(synthFile('templates/triton-dra-shared.yaml'), 'Deployment'));
  const names = server.env.map((e: K8sObject) => e.name);
  const attrs = server.env.find((e: K8sObject) => e.name === 'OTEL_RESOURCE_ATTRIBUTES');
  for (const [, v] of attrs.value.matchAll(/\$\(([A-Z_]+)\)/g)) assert.ok(names.indexOf(v) >= 0 && names.indexOf(v) < names.indexOf('OTEL_RESOURCE_ATTRIBUTES'), v);
});

test('Triton\'s rate is the nearest whole reciprocal of the sampling ratio', () => {
  assert.equal(tritonTraceRate(1), 1);
  assert.equal(tritonTraceRate(0.01), 100);
  assert.equal(tritonTraceRate(0.3), 3);
  assert.equal(tritonTraceRate(0.6), 2);
});

test('vLLM: --otlp-traces-endpoint over http/protobuf with parent-based ratio sampling (default 1 in 100)', async () => {
  const doc = { apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'chat', namespace: 'llm' },
    spec: { runtime: 'vllm', models: [{ name: 'l', format: 'huggingface' }], repository: { huggingface: { modelId: 'org/model' } }, resources: { gpu: { count: 1 } }, tracing: { endpoint: ENDPOINT } } };
  const o = synth(doc);
  await assertValidObjects(o);
  const server = container(find(o, 'Deployment'));
  assert.equal(server.args[server.args.indexOf('--otlp-traces-endpoint') + 1], ENDPOINT);
  const env = envOf(server);
  assert.equal(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, 'http/protobuf');
  assert.equal(env.OTEL_TRACES_SAMPLER, 'parentbased_traceidratio');
  assert.equal(env.OTEL_TRACES_SAMPLER_ARG, '0.01');
  assert.equal(env.OTEL_SERVICE_NAME, 'chat');
});

test('the user\'s extraArgs still come last after the tracing arguments', () => {
  const server = container(find(synth(tritonDoc({ tracing: { endpoint: ENDPOINT }, extraArgs: ['--log-verbose=1'] })), 'Deployment'));
  assert.equal(server.args[server.args.length - 1], '--log-verbose=1');
});

for (const runtime of ['tfserving', 'torchserve']) {
  test(`refuses spec.tracing for runtime ${runtime}, which has no OpenTelemetry tracing`, () => {
    const models = runtime === 'tfserving' ? [{ name: 'r', format: 'savedmodel' }] : [{ name: 'b', format: 'mar' }];
    assert.equal(specErrors(tritonDoc({ runtime, models, tracing: { endpoint: ENDPOINT } })),
      `spec.yaml: spec.tracing: runtime ${runtime} has no OpenTelemetry tracing (supported by: triton, vllm)`);
  });
}

test('refuses a sampling ratio of 0 or above 1, and an endpoint that is not an http(s) URL', () => {
  assert.match(specErrors(tritonDoc({ tracing: { endpoint: ENDPOINT, samplingRatio: 0 } }))!, /^spec\.yaml: spec\.tracing\.samplingRatio: /);
  assert.match(specErrors(tritonDoc({ tracing: { endpoint: ENDPOINT, samplingRatio: 1.5 } }))!, /^spec\.yaml: spec\.tracing\.samplingRatio: /);
  assert.match(specErrors(tritonDoc({ tracing: { endpoint: 'otel-collector:4317' } }))!, /^spec\.yaml: spec\.tracing\.endpoint: /);
});
