/** spec.logging: the Logging Operator's Flows and Outputs, the Fluent Bit ConfigMap, and every logging rule. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { synth, synthFile, tritonDoc, find, all, specErrors, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { crdDirectory, crdViolations, NO_CRDS } from './support/crd-schema';
import { loadOniguruma, OnigRegex } from './support/oniguruma';

before(loadOniguruma);

const TEMPLATE = 'templates/triton-logging-elasticsearch.yaml';
const logging = (objs: K8sObject[]) => objs.filter((o) => o.apiVersion === 'logging.banzaicloud.io/v1beta1');
const vllmDoc = (l: Record<string, unknown>) => ({
  apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'chat', namespace: 'llm' },
  spec: { runtime: 'vllm', models: [{ name: 'llama', format: 'huggingface' }], repository: { huggingface: { modelId: 'meta-llama/Llama-3.1-8B-Instruct' } }, resources: { gpu: { count: 1 } }, logging: l },
});

test(`every object of ${TEMPLATE} is valid against the Kubernetes schemas and the Logging Operator CRDs, strictly`, async () => {
  const objs = synthFile(TEMPLATE);
  assert.equal(logging(objs).length, 4);
  await assertValidObjects(objs);
});

test('Flow and Output of every destination are valid against the upstream CRDs', { skip: crdDirectory() ? false : NO_CRDS }, () => {
  const docs = [
    tritonDoc({ logging: { opensearch: { host: 'os.logging', index: 'x', user: 'u', credentialsSecret: 's', tls: { insecureSkipVerify: true } }, loggingRef: 'infra' } }),
    tritonDoc({ logging: { loki: { url: 'https://loki.example.org/', tenant: 'team-a', credentialsSecret: 'loki', tls: { caSecret: { name: 'ca', key: 'ca.crt' } } } } }),
    vllmDoc({ elasticsearch: { host: '10.0.0.7', port: 9243 } }),
  ];
  for (const d of docs) {
    for (const o of logging(synth(d))) {
      assert.deepEqual(crdViolations(`logging.banzaicloud.io_${o.kind.toLowerCase()}s.yaml`, o), [], `${o.kind} ${o.metadata.name}`);
    }
  }
});

test('the CRD check refuses an unknown field and a wrong type', { skip: crdDirectory() ? false : NO_CRDS }, () => {
  const flow = find(synthFile(TEMPLATE), 'Flow', 'review-classifier-logs');
  const typo = { ...flow, spec: { ...flow.spec, filters: [{ concat: { ...flow.spec.filters[0].concat, flush_intervall: 5 } }] } };
  assert.deepEqual(crdViolations('logging.banzaicloud.io_flows.yaml', typo), ['/spec/filters/0/concat: must NOT have additional properties (flush_intervall)']);
  const wrong = { ...flow, spec: { ...flow.spec, filters: [{ concat: { ...flow.spec.filters[0].concat, flush_interval: '5s' } }] } };
  assert.deepEqual(crdViolations('logging.banzaicloud.io_flows.yaml', wrong), ['/spec/filters/0/concat/flush_interval: must be integer']);
});

test('the Flow selects exactly the server containers of this spec, in every track', () => {
  const objs = synth(tritonDoc({ replicas: 2, gateway: { parentRef: { name: 'inference' } }, rollout: { strategy: 'canary', weight: 10, canary: { image: 'nvcr.io/nvidia/tritonserver:25.09-py3' } }, logging: { elasticsearch: { host: 'es' } } }));
  const flow = find(objs, 'Flow', 'm-logs');
  assert.deepEqual(flow.spec.match, [{ select: { labels: { 'app.kubernetes.io/name': 'triton', 'app.kubernetes.io/instance': 'm' }, container_names: ['server'] } }]);
  for (const d of all(objs, 'Deployment')) {
    const labels = d.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(flow.spec.match[0].select.labels)) assert.equal(labels[k], v, d.metadata.name);
    assert.ok(d.spec.template.spec.containers.some((c: K8sObject) => c.name === 'server'));
  }
});

test('records built by the first Flow reach the parse Flow through its label, and the parse Flow ships to the Output', () => {
  const objs = synthFile(TEMPLATE);
  const flow = find(objs, 'Flow', 'review-classifier-logs');
  const parse = find(objs, 'Flow', 'review-classifier-logs-parse');
  const relabel = find(objs, 'Output', 'review-classifier-logs-relabel');
  const label = parse.spec.flowLabel;
  assert.match(label, /^@model-serving-review-classifier-[0-9a-f]{8}$/);
  assert.equal(parse.spec.includeLabelInRouter, false);
  assert.equal(parse.spec.match, undefined);
  assert.deepEqual(flow.spec.localOutputRefs, ['review-classifier-logs-relabel']);
  assert.deepEqual(relabel.spec, { relabel: { label } });
  // the last record of a burst (a crash traceback) is flushed to the same label, not dropped to @ERROR
  assert.ok(flow.spec.filters.every((f: K8sObject) => f.concat.timeout_label === label && f.concat.flush_interval === 5));
  assert.deepEqual(parse.spec.localOutputRefs, ['review-classifier-logs']);
  assert.deepEqual(parse.spec.filters[0].parser.reserve_data, true);
  assert.deepEqual(parse.spec.filters[0].parser.reserve_time, true);
  assert.deepEqual(parse.spec.filters[0].parser.emit_invalid_record_to_error, false);
  assert.deepEqual(parse.spec.filters[1], { record_transformer: { records: [{ runtime: 'triton' }] } });
});

test('the Elasticsearch output uses https with the CA, the user, and the password from the Secret', () => {
  const out = find(synthFile(TEMPLATE), 'Output', 'review-classifier-logs').spec;
  assert.deepEqual(out, {
    elasticsearch: {
      host: 'elasticsearch-es-http.logging.svc', port: 9200, scheme: 'https', index_name: 'triton-logs',
      include_timestamp: true, suppress_type_name: true, ssl_verify: true,
      ca_file: { mountFrom: { secretKeyRef: { name: 'es-ca', key: 'ca.crt' } } },
      user: 'model-serving', password: { valueFrom: { secretKeyRef: { name: 'es-credentials', key: 'password' } } },
    },
  });
});

test('defaults: plain http to port 9200, the spec name as index, no credentials; Loki streams get low-cardinality labels', () => {
  assert.deepEqual(find(synth(tritonDoc({ logging: { opensearch: { host: 'os' } } })), 'Output', 'm-logs').spec, {
    opensearch: { host: 'os', port: 9200, scheme: 'http', index_name: 'm', include_timestamp: true, suppress_type_name: true },
  });
  const loki = find(synth(tritonDoc({ logging: { loki: { url: 'http://loki-gateway.logging/', credentialsSecret: 'loki' } } })), 'Output', 'm-logs').spec.loki;
  assert.equal(loki.url, 'http://loki-gateway.logging');
  assert.deepEqual(loki.username, { valueFrom: { secretKeyRef: { name: 'loki', key: 'username' } } });
  assert.deepEqual(loki.labels, { namespace: '$.kubernetes.namespace_name', pod: '$.kubernetes.pod_name', container: '$.kubernetes.container_name', level: '$.level' });
  assert.deepEqual(loki.extra_labels, { instance: 'm', runtime: 'triton' });
});

test('vLLM: the first concat joins the lines of one message (\\r line ends), the second appends unprefixed lines', () => {
  const f = find(synth(vllmDoc({ loki: { url: 'http://loki' } })), 'Flow', 'chat-logs').spec.filters;
  assert.equal(f.length, 2);
  assert.equal(f[0].concat.multiline_end_regexp, '/(?<!\\r)\\z/');
  assert.equal(f[0].concat.multiline_start_regexp, undefined);
  assert.match(f[1].concat.multiline_start_regexp, /^\/\\A.*\/$/);
});

test('every concat stage stamps a joined record with the time of its first line (use_first_timestamp), not the next entry\'s or the flush time', () => {
  const label = find(synth(vllmDoc({ loki: { url: 'http://loki' } })), 'Flow', 'chat-logs-parse').spec.flowLabel;
  const f = find(synth(vllmDoc({ loki: { url: 'http://loki' } })), 'Flow', 'chat-logs').spec.filters;
  assert.deepEqual(f[0], { concat: { multiline_end_regexp: '/(?<!\\r)\\z/', flush_interval: 5, timeout_label: label, use_first_timestamp: true } });
  assert.equal(f[1].concat.use_first_timestamp, true);
  const triton = find(synthFile(TEMPLATE), 'Flow', 'review-classifier-logs').spec.filters;
  assert.deepEqual(triton.map((x: K8sObject) => x.concat.use_first_timestamp), [true]);
});

test('the Fluent Bit ConfigMap applies the parsers to exactly the server containers of the spec', () => {
  const cm = find(synth(tritonDoc({ replicas: 2, gateway: { parentRef: { name: 'inference' } }, rollout: { strategy: 'canary', weight: 10, canary: {} }, logging: { collector: 'fluentBit' } })), 'ConfigMap', 'm-fluent-bit');
  assert.deepEqual(Object.keys(cm.data).sort(), ['filters.conf', 'parsers.conf']);
  assert.match(cm.data['parsers.conf'], /^\[MULTILINE_PARSER\]\n {4}name +model-serving_ml_m\n {4}type +regex\n {4}flush_timeout +5000\n/m);
  assert.match(cm.data['parsers.conf'], /^\[PARSER\]\n {4}name +model-serving_ml_m\n {4}format +regex\n {4}regex +\\A/m);
  const [match] = [...cm.data['filters.conf'].matchAll(/match_regex +(\S+)/g)].map((m) => m[1]);
  const re = new OnigRegex(match);
  const id = 'a'.repeat(64);
  assert.ok(re.test(`kube.var.log.containers.m-6d4cf56db6-9b7fz_ml_server-${id}.log`), 'stable track pod');
  assert.ok(re.test(`kube.var.log.containers.m-canary-6d4cf56db6-9b7fz_ml_server-${id}.log`), 'canary track pod');
  assert.ok(!re.test(`kube.var.log.containers.m-6d4cf56db6-9b7fz_ml_assemble-repository-${id}.log`), 'another container');
  assert.ok(!re.test(`kube.var.log.containers.m-6d4cf56db6-9b7fz_other_server-${id}.log`), 'another namespace');
  assert.ok(!re.test(`kube.var.log.containers.m-large-6d4cf56db6-9b7fz_ml_server-${id}.log`), 'another spec named m-large');
});

test('the Fluent Bit tag pattern follows the pod names of batch Jobs and edge DaemonSets', () => {
  const id = 'b'.repeat(64);
  const tag = (doc: Record<string, unknown>) => new OnigRegex([...find(synth(doc), 'ConfigMap', 'm-fluent-bit').data['filters.conf'].matchAll(/match_regex +(\S+)/g)][0][1]);
  const batch = tag(tritonDoc({ mode: 'batch', batch: { input: 's3://b/in/', output: 's3://b/out/' }, logging: { collector: 'fluentBit' } }));
  assert.ok(batch.test(`kube.var.log.containers.m-0-x7k2p_ml_server-${id}.log`));
  assert.ok(batch.test(`kube.var.log.containers.m-29345678-3-x7k2p_ml_server-${id}.log`), 'a CronJob run');
  const edge = tag(tritonDoc({ mode: 'edge', edge: { nodeSelector: { edge: 'true' } }, resources: {}, logging: { collector: 'fluentBit' } }));
  assert.ok(edge.test(`kube.var.log.containers.m-x7k2p_ml_server-${id}.log`));
});

test('the Fluent Bit tag pattern follows the pod names of LeaderWorkerSets: leaders <lws>-<group>, workers <lws>-<group>-<index>', () => {
  const id = 'c'.repeat(64);
  const doc = tritonDoc({
    runtime: 'vllm', models: [{ name: 'llama', format: 'huggingface' }], resources: { gpu: { count: 8 } }, multiNode: { nodes: 3 },
    gateway: { parentRef: { name: 'gw' } }, rollout: { strategy: 'canary', weight: 10, canary: {} }, logging: { collector: 'fluentBit' },
  });
  const objs = synth(doc);
  const lws = all(objs, 'LeaderWorkerSet').map((o) => o.metadata.name);
  assert.deepEqual(lws, ['m-lws', 'm-canary-lws']);
  const tag = new OnigRegex([...find(objs, 'ConfigMap', 'm-fluent-bit').data['filters.conf'].matchAll(/match_regex +(\S+)/g)][0][1]);
  const file = (pod: string, ns = 'ml', container = 'server') => `kube.var.log.containers.${pod}_${ns}_${container}-${id}.log`;
  for (const name of lws) {
    assert.ok(tag.test(file(`${name}-0`)), `leader of group 0 of ${name}`);
    assert.ok(tag.test(file(`${name}-12`)), `leader of group 12 of ${name}`);
    assert.ok(tag.test(file(`${name}-0-1`)), `worker 1 of group 0 of ${name}`);
    assert.ok(tag.test(file(`${name}-3-2`)), `worker 2 of group 3 of ${name}`);
  }
  assert.ok(!tag.test(file('m-lws-0', 'other')), 'another namespace');
  assert.ok(!tag.test(file('m-lws-0-1', 'ml', 'download-models')), 'another container');
  assert.ok(!tag.test(file('m-x-lws-0')), 'the LeaderWorkerSet of a spec named m-x');
  assert.ok(!tag.test(file('m-lws-db-0')), 'a StatefulSet named m-lws-db');
  assert.ok(!tag.test(file('m-6d4cf56db6-9b7fz')), 'a Deployment pod of a spec named m');
});

test('no secret value appears in any logging object', () => {
  const text = JSON.stringify(logging(synthFile(TEMPLATE)));
  assert.ok(!/"value"\s*:/.test(text));
});

// --- refusals ----------------------------------------------------------------------------------------

test('refuses spec.logging without a destination for the Logging Operator', () => {
  assert.equal(specErrors(tritonDoc({ logging: {} })),
    'spec.yaml: spec.logging: set exactly one destination for the Logging Operator: elasticsearch, opensearch or loki (found none)');
});

test('refuses two destinations', () => {
  assert.equal(specErrors(tritonDoc({ logging: { elasticsearch: { host: 'es' }, loki: { url: 'http://loki' } } })),
    'spec.yaml: spec.logging: set exactly one destination for the Logging Operator: elasticsearch, opensearch or loki (found elasticsearch, loki)');
});

test('refuses a destination and a loggingRef with collector fluentBit', () => {
  assert.equal(specErrors(tritonDoc({ logging: { collector: 'fluentBit', opensearch: { host: 'os' }, loggingRef: 'x' } })), [
    "spec.yaml: spec.logging.opensearch: applies to collector loggingOperator only: with collector fluentBit your DaemonSet's outputs decide where the logs go",
    'spec.yaml: spec.logging.loggingRef: applies to collector loggingOperator only',
  ].join('\n'));
});

test('refuses credentialsSecret without user, and user without credentialsSecret', () => {
  assert.equal(specErrors(tritonDoc({ logging: { elasticsearch: { host: 'es', credentialsSecret: 'es' } } })),
    'spec.yaml: spec.logging.elasticsearch.user: is required with credentialsSecret (the elasticsearch output takes the user name as plain text and only the password from the Secret)');
  assert.equal(specErrors(tritonDoc({ logging: { opensearch: { host: 'os', user: 'admin' } } })),
    'spec.yaml: spec.logging.opensearch.credentialsSecret: is required with user: the password must come from a Secret');
});

test('refuses tls on an http:// Loki url, and a CA with insecureSkipVerify', () => {
  assert.equal(specErrors(tritonDoc({ logging: { loki: { url: 'http://loki', tls: { insecureSkipVerify: true } } } })),
    'spec.yaml: spec.logging.loki.tls: needs an https:// url (url is http://loki)');
  assert.equal(specErrors(tritonDoc({ logging: { elasticsearch: { host: 'es', tls: { caSecret: { name: 'ca', key: 'ca.crt' }, insecureSkipVerify: true } } } })),
    'spec.yaml: spec.logging.elasticsearch.tls: set caSecret (verify the server with this CA) or insecureSkipVerify (do not verify), not both');
});

test('refuses an Elasticsearch index with upper-case letters', () => {
  assert.match(specErrors(tritonDoc({ logging: { elasticsearch: { host: 'es', index: 'Triton' } } }))!, /^spec\.yaml: spec\.logging\.elasticsearch\.index: /);
});
