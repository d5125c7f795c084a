/** How traffic reaches the pods: Gateway API HTTPRoute, Ingress (ingress-nginx only for class nginx), NetworkPolicy, PDB. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { synth, synthFile, find, all, tritonDoc, specErrors, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';

const NGINX = 'nginx.ingress.kubernetes.io';
const twoModels = [{ name: 'resnet50', format: 'onnx' }, { name: 'bert-base', format: 'onnx' }];
const gateway = { parentRef: { name: 'inference', namespace: 'gateway-system' } };
/** An nginx Ingress whose controller runs in namespace ingress-nginx. */
const nginxIngress = (extra: Record<string, unknown> = {}) => ({ ingress: { host: 'ml.example.org', className: 'nginx', ...extra }, networkPolicy: { allowFromNamespaces: ['ingress-nginx'] } });
const exact = (...paths: string[]) => paths.map((value) => ({ path: { type: 'Exact', value } }));
const tritonPaths = (m: string) => ['infer', 'generate', 'generate_stream', 'ready'].map((k) => `/v2/models/${m}/${k}`);

// --- Gateway API ---------------------------------------------------------------------------------------

test('writes a gateway.networking.k8s.io/v1 HTTPRoute that publishes each model\'s inference paths as Exact matches', async () => {
  const objs = synth(tritonDoc({ models: twoModels, gateway: { ...gateway, timeoutSeconds: 30 } }));
  await assertValidObjects(objs);
  const route = find(objs, 'HTTPRoute', 'm');
  assert.equal(route.apiVersion, 'gateway.networking.k8s.io/v1');
  assert.deepEqual(route.spec, {
    parentRefs: [{ name: 'inference', namespace: 'gateway-system' }],
    rules: [{
      matches: exact(...tritonPaths('resnet50'), ...tritonPaths('bert-base')),
      backendRefs: [{ name: 'm', port: 8000 }],
      timeouts: { request: '30s' },
    }],
  });
});

test('strips a gateway path prefix with one rule per published path, each rewriting to the server\'s path', async () => {
  const objs = synth(tritonDoc({ gateway: { ...gateway, path: '/vision', hostnames: ['api.example.org'] } }));
  await assertValidObjects(objs);
  const route = find(objs, 'HTTPRoute');
  assert.deepEqual(route.spec.hostnames, ['api.example.org']);
  assert.deepEqual(route.spec.rules.map((r: any) => [r.matches, r.filters]), tritonPaths('resnet50').map((p) => [
    exact(`/vision${p}`),
    [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: p } } }],
  ]));
});

test('rewrites a published path prefix under a gateway prefix with ReplacePrefixMatch', async () => {
  const doc = parse(readFileSync('templates/torchserve-mar.yaml', 'utf8'));
  doc.spec.gateway.path = '/nlp/';
  const objs = synth(doc);
  await assertValidObjects(objs);
  assert.deepEqual(find(objs, 'HTTPRoute').spec.rules[0].matches, [{ path: { type: 'PathPrefix', value: '/nlp/predictions/sentiment' } }]);
  assert.deepEqual(find(objs, 'HTTPRoute').spec.rules[0].filters, [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/predictions/sentiment' } } }]);
});

test('takes the HTTPRoute hostname and path from spec.ingress when the gateway names none', () => {
  const objs = synth(tritonDoc({ ...nginxIngress({ host: 'api.example.org', path: '/vision' }), gateway }));
  const route = find(objs, 'HTTPRoute');
  assert.deepEqual(route.spec.hostnames, ['api.example.org']);
  assert.deepEqual(route.spec.rules[0].matches, exact('/vision/v2/models/resnet50/infer'));
  assert.ok(find(objs, 'Ingress'), 'both entry points exist while migrating');
});

test('passes sectionName through to the parentRef', () => {
  const route = find(synth(tritonDoc({ gateway: { parentRef: { name: 'gw', sectionName: 'https' } } })), 'HTTPRoute');
  assert.deepEqual(route.spec.parentRefs, [{ name: 'gw', sectionName: 'https' }]);
});

test('splits more than 64 published paths into rules of 64 matches with the same backends', async () => {
  const models = Array.from({ length: 17 }, (_, i) => ({ name: `m${i}`, format: 'onnx' }));
  const objs = synth(tritonDoc({ models, gateway }));
  await assertValidObjects(objs);
  const rules = find(objs, 'HTTPRoute').spec.rules;
  assert.deepEqual(rules.map((r: any) => r.matches.length), [64, 4]);
  assert.deepEqual(rules[1].matches, exact(...tritonPaths('m16')));
  assert.deepEqual(rules[1].backendRefs, [{ name: 'm', port: 8000 }]);
});

test('refuses a gateway prefix that needs more rules than one HTTPRoute holds', () => {
  const models = Array.from({ length: 5 }, (_, i) => ({ name: `m${i}`, format: 'onnx' }));
  assert.equal(specErrors(tritonDoc({ models, gateway: { ...gateway, path: '/vision' } })),
    'spec.yaml: spec.gateway.path: a stripped prefix needs one HTTPRoute rule per published path (20 for these models) and a route holds at most 16 rules: leave the path out (the inference paths are then published at their own URLs) or serve fewer models per spec');
});

test('refuses more published paths than the 128 matches one HTTPRoute holds over all its rules', () => {
  const models = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `m${i}`, format: 'onnx' }));
  assert.equal(specErrors(tritonDoc({ models: models(32), gateway })), undefined, '128 paths fit');
  assert.equal(specErrors(tritonDoc({ models: models(33), gateway })),
    'spec.yaml: spec.gateway: the 132 inference paths of these models need as many HTTPRoute matches and a route holds at most 128 over all its rules (Gateway API v1.2+; 64 per rule, 16 rules): serve fewer models or versions per spec');
});

test('counts the versioned paths of every canary track against the route\'s 128 matches', () => {
  const models = Array.from({ length: 16 }, (_, i) => ({ name: `m${i}`, format: 'onnx', versions: [1] }));
  const canary = { models: models.map((m) => ({ name: m.name, versions: [2] })) };
  const doc = tritonDoc({ models, gateway, rollout: { strategy: 'canary', weight: 10, canary } });
  assert.equal(specErrors(doc),
    'spec.yaml: spec.gateway: the 192 inference paths of these models need as many HTTPRoute matches and a route holds at most 128 over all its rules (Gateway API v1.2+; 64 per rule, 16 rules): serve fewer models or versions per spec');
});

/** The HTTPRoute limits (kubernetes-sigs/gateway-api v1.6.1 apis/v1/httproute_types.go), the CEL total included. */
function assertRouteLimits(route: K8sObject): void {
  assert.ok(route.spec.rules.length <= 16, `${route.spec.rules.length} rules`);
  for (const r of route.spec.rules) assert.ok(r.matches.length <= 64, `${r.matches.length} matches in a rule`);
  const total = route.spec.rules.reduce((n: number, r: K8sObject) => n + r.matches.length, 0);
  assert.ok(total <= 128, `${total} matches in all`);
}

test('every HTTPRoute a valid spec yields holds its rules and matches within the Gateway API limits', () => {
  const models = (n: number, versions?: number[]) => Array.from({ length: n }, (_, i) => ({ name: `m${i}`, format: 'onnx', ...(versions ? { versions } : {}) }));
  const specs = [
    tritonDoc({ models: models(32), gateway }),
    tritonDoc({ models: models(4), gateway: { ...gateway, path: '/v' } }),
    tritonDoc({ models: models(8, [1]), gateway, rollout: { strategy: 'canary', weight: 5, canary: { models: models(8).map((m) => ({ name: m.name, versions: [2] })) } } }),
    tritonDoc({ models: models(10, [1, 2]), gateway, rollout: { strategy: 'canary', weight: 5, canary: { models: [{ name: 'm0', versions: [2, 3] }] } } }),
  ];
  for (const doc of specs) {
    assert.equal(specErrors(doc), undefined);
    assertRouteLimits(find(synth(doc), 'HTTPRoute'));
  }
});

// --- Ingress -------------------------------------------------------------------------------------------

test('writes an nginx Ingress with host, TLS and the four ingress-nginx annotations as strings for class nginx', async () => {
  const objs = synth(tritonDoc(nginxIngress({ maxBodySize: '50m', timeoutSeconds: 300, rateLimitRps: 100, tls: { secretName: 'vision-tls' } })));
  await assertValidObjects(objs);
  const ing = find(objs, 'Ingress', 'm');
  assert.equal(ing.spec.ingressClassName, 'nginx');
  assert.deepEqual(ing.metadata.annotations, {
    [`${NGINX}/proxy-body-size`]: '50m',
    [`${NGINX}/proxy-read-timeout`]: '300',
    [`${NGINX}/proxy-send-timeout`]: '300',
    [`${NGINX}/limit-rps`]: '100',
  });
  assert.deepEqual(ing.spec.tls, [{ hosts: ['ml.example.org'], secretName: 'vision-tls' }]);
});

test('publishes each model\'s inference paths as Exact Ingress paths to the stable Service port 8000 when no path is set', () => {
  const ing = find(synth(tritonDoc({ models: twoModels, ...nginxIngress() })), 'Ingress');
  assert.deepEqual(ing.spec.rules[0].http.paths, [...tritonPaths('resnet50'), ...tritonPaths('bert-base')].map((path) => (
    { path, pathType: 'Exact', backend: { service: { name: 'm', port: { number: 8000 } } } })));
  assert.equal(ing.metadata.annotations, undefined, 'exact paths need no rewrite and no regex');
});

test('lets two specs share one host on their own model paths without any rewrite', async () => {
  const a = synth(tritonDoc(nginxIngress(), { name: 'vision' }));
  const b = synth(tritonDoc({ models: [{ name: 'bert-base', format: 'onnx' }], ...nginxIngress() }, { name: 'nlp' }));
  await assertValidObjects([...a, ...b]);
  assert.deepEqual(find(a, 'Ingress', 'vision').spec.rules[0].http.paths.map((p: any) => p.path), tritonPaths('resnet50'));
  assert.deepEqual(find(b, 'Ingress', 'nlp').spec.rules[0].http.paths.map((p: any) => p.path), tritonPaths('bert-base'));
});

test('strips a path prefix with anchored ImplementationSpecific regex paths and rewrite-target $1', async () => {
  const objs = synth(tritonDoc(nginxIngress({ path: '/vision/' })));
  await assertValidObjects(objs);
  const ing = find(objs, 'Ingress');
  assert.deepEqual(ing.spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType]), [
    ['/vision(/v2/models/resnet50/infer)$', 'ImplementationSpecific'],
    ['/vision(/v2/models/resnet50/generate)$', 'ImplementationSpecific'],
    ['/vision(/v2/models/resnet50/generate_stream)$', 'ImplementationSpecific'],
    ['/vision(/v2/models/resnet50/ready)$', 'ImplementationSpecific'],
  ]);
  assert.deepEqual(ing.metadata.annotations, { [`${NGINX}/use-regex`]: 'true', [`${NGINX}/rewrite-target`]: '$1' });
});

test('escapes dots of a stripped prefix and of a model name so the regex matches only a dot', () => {
  const ing = find(synth(tritonDoc({ models: [{ name: 'resnet.v2', format: 'onnx' }], ...nginxIngress({ path: '/v1.2' }) })), 'Ingress');
  assert.equal(ing.spec.rules[0].http.paths[0].path, '/v1\\.2(/v2/models/resnet\\.v2/infer)$');
});

test('publishes the same paths with path /', () => {
  const ing = find(synth(tritonDoc(nginxIngress({ path: '/' }))), 'Ingress');
  assert.deepEqual(ing.spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType]), tritonPaths('resnet50').map((p) => [p, 'Exact']));
  assert.equal(ing.metadata.annotations, undefined);
});

test('keeps the user annotations next to the generated ones', () => {
  const ing = find(synth(tritonDoc(nginxIngress({ annotations: { [`${NGINX}/proxy-buffering`]: 'on' } }))), 'Ingress');
  assert.deepEqual(ing.metadata.annotations, { [`${NGINX}/proxy-buffering`]: 'on' });
});

test('leaves ingressClassName out without className, and writes no ingress-nginx annotation for another class', () => {
  const none = find(synth(tritonDoc({ ingress: { host: 'a.example.org' }, networkPolicy: { allowFromNamespaces: ['ingress-system'] } })), 'Ingress');
  assert.equal(none.spec.ingressClassName, undefined);
  assert.equal(none.metadata.annotations, undefined);
  const traefik = find(synth(tritonDoc({ ingress: { host: 'a.example.org', className: 'traefik' }, networkPolicy: { allowFromNamespaces: ['traefik'] } })), 'Ingress');
  assert.equal(traefik.spec.ingressClassName, 'traefik');
  assert.equal(traefik.metadata.annotations, undefined);
});

test('refuses the nginx-only fields with another ingress class, each at its path', () => {
  assert.equal(specErrors(tritonDoc({
    ingress: { host: 'a.example.org', className: 'traefik', maxBodySize: '10m', timeoutSeconds: 30, rateLimitRps: 5, path: '/vision' },
    networkPolicy: { allowFromNamespaces: ['traefik'] },
  })), [
    'spec.yaml: spec.ingress.maxBodySize: becomes the ingress-nginx annotation nginx.ingress.kubernetes.io/proxy-body-size, written only with spec.ingress.className: nginx (className is "traefik"); configure it in that controller, or use className: nginx',
    'spec.yaml: spec.ingress.timeoutSeconds: becomes the ingress-nginx annotation nginx.ingress.kubernetes.io/proxy-read-timeout and nginx.ingress.kubernetes.io/proxy-send-timeout, written only with spec.ingress.className: nginx (className is "traefik"); configure it in that controller, or use className: nginx',
    'spec.yaml: spec.ingress.rateLimitRps: becomes the ingress-nginx annotation nginx.ingress.kubernetes.io/limit-rps, written only with spec.ingress.className: nginx (className is "traefik"); configure it in that controller, or use className: nginx',
    'spec.yaml: spec.ingress.path: a path prefix is stripped with the ingress-nginx rewrite-target annotation, written only with spec.ingress.className: nginx (className is "traefik"); leave path out (the inference paths are published at their own URLs), use className: nginx, or use spec.gateway, which strips it with a URLRewrite filter',
  ].join('\n'));
});

test('refuses the nginx-only fields without className: no default class is assumed', () => {
  assert.equal(specErrors(tritonDoc({ ingress: { host: 'a.example.org', maxBodySize: '10m' }, networkPolicy: { allowFromNamespaces: ['ingress-system'] } })),
    "spec.yaml: spec.ingress.maxBodySize: becomes the ingress-nginx annotation nginx.ingress.kubernetes.io/proxy-body-size, written only with spec.ingress.className: nginx (className is not set: the cluster's default IngressClass serves the Ingress); configure it in that controller, or use className: nginx");
});

test('refuses user annotations that the fields or the routes generate', () => {
  assert.equal(specErrors(tritonDoc(nginxIngress({
    maxBodySize: '10m',
    annotations: { [`${NGINX}/proxy-body-size`]: '1m', [`${NGINX}/rewrite-target`]: '/', [`${NGINX}/canary-weight`]: '5' },
  }))), [
    'spec.yaml: spec.ingress.annotations["nginx.ingress.kubernetes.io/proxy-body-size"]: conflicts with spec.ingress.maxBodySize, which sets it; set one of them',
    'spec.yaml: spec.ingress.annotations["nginx.ingress.kubernetes.io/rewrite-target"]: is generated from spec.ingress.path (a prefix is stripped with rewrite-target); setting it would break the routes, which publish only the inference API paths',
    'spec.yaml: spec.ingress.annotations["nginx.ingress.kubernetes.io/canary-weight"]: is generated for the canary Ingress from spec.rollout; set spec.rollout.strategy: canary and spec.rollout.weight instead',
  ].join('\n'));
});

test('refuses metadata annotations that would reach the Ingress with canary, rewrite or generated keys', () => {
  const doc = tritonDoc(nginxIngress({ timeoutSeconds: 30 }), {
    annotations: { [`${NGINX}/canary`]: 'true', [`${NGINX}/use-regex`]: 'true', [`${NGINX}/proxy-read-timeout`]: '5', team: 'vision' },
  });
  assert.equal(specErrors(doc), [
    'spec.yaml: metadata.annotations["nginx.ingress.kubernetes.io/canary"]: is copied onto the Ingress too, where it is generated for the canary Ingress from spec.rollout; set spec.rollout.strategy: canary and spec.rollout.weight instead',
    'spec.yaml: metadata.annotations["nginx.ingress.kubernetes.io/use-regex"]: is copied onto the Ingress too, where it is generated from spec.ingress.path (a prefix is stripped with rewrite-target); setting it would break the routes, which publish only the inference API paths',
    'spec.yaml: metadata.annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]: is copied onto the Ingress too, where it conflicts with spec.ingress.timeoutSeconds, which sets it; set one of them',
  ].join('\n'));
  // without an Ingress nothing reads them
  assert.equal(specErrors(tritonDoc({}, { annotations: { [`${NGINX}/canary`]: 'true' } })), undefined);
});

test('refuses an ingress host that is not a DNS name', () => {
  assert.equal(specErrors(tritonDoc(nginxIngress({ host: 'Vision_Example' }))),
    'spec.yaml: spec.ingress.host: "Vision_Example" does not match ^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ (Host name the Ingress answers)');
});

test('gives the edge mode an Ingress and batch mode none', () => {
  const edge = tritonDoc({ mode: 'edge', edge: { nodeSelector: { 'node-role.kubernetes.io/edge': 'true' } }, ...nginxIngress() });
  assert.equal(find(synth(edge), 'Ingress').spec.rules[0].http.paths[0].backend.service.name, 'm');
  assert.match(specErrors(tritonDoc({ mode: 'batch', batch: { input: 's3://b/in/', output: 's3://b/out/' }, ingress: { host: 'a.example.org' } }))!,
    /spec\.ingress: applies to mode online only \(mode is batch\)/);
});

// --- NetworkPolicy ------------------------------------------------------------------------------------

const sel = { 'app.kubernetes.io/name': 'triton', 'app.kubernetes.io/instance': 'm' };
const inNamespaces = (...values: string[]) => ({ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values }] } });

test('admits the serving ports 8000 and 8001 from the spec\'s own namespace, and 8002 from monitoring only', async () => {
  const objs = synth(tritonDoc());
  await assertValidObjects(objs);
  assert.deepEqual(find(objs, 'NetworkPolicy', 'm').spec, {
    podSelector: { matchLabels: sel },
    policyTypes: ['Ingress'],
    ingress: [
      { from: [inNamespaces('ml')], ports: [{ protocol: 'TCP', port: 8000 }, { protocol: 'TCP', port: 8001 }] },
      { from: [inNamespaces('monitoring')], ports: [{ protocol: 'TCP', port: 8002 }] },
    ],
  });
});

test('admits the namespace of the Gateway the route attaches to, the spec\'s own when the parentRef names none', () => {
  assert.deepEqual(find(synth(tritonDoc({ gateway })), 'NetworkPolicy').spec.ingress[0].from, [inNamespaces('ml', 'gateway-system')]);
  assert.deepEqual(find(synth(tritonDoc({ gateway: { parentRef: { name: 'gw' } } })), 'NetworkPolicy').spec.ingress[0].from, [inNamespaces('ml')]);
});

test('adds the namespaces the spec lists, once each', () => {
  const np = find(synth(tritonDoc({ gateway, networkPolicy: { allowFromNamespaces: ['envoy-gateway-system', 'ml'], metricsFromNamespaces: ['prometheus'] } })), 'NetworkPolicy');
  assert.deepEqual(np.spec.ingress[0].from, [inNamespaces('ml', 'gateway-system', 'envoy-gateway-system')]);
  assert.deepEqual(np.spec.ingress[1].from, [inNamespaces('prometheus')]);
});

test('assumes no ingress-nginx namespace anywhere: no default admits it', () => {
  for (const t of ['triton-onnx-classifier', 'triton-bluegreen', 'triton-canary-gateway', 'vllm-llama', 'torchserve-mar', 'triton-edge-cpu']) {
    const np = find(synthFile(`templates/${t}.yaml`), 'NetworkPolicy');
    assert.ok(!JSON.stringify(np).includes('ingress-nginx'), t);
  }
});

test('leaves egress open: the download init container needs the object store and DNS', () => {
  const np = find(synth(tritonDoc({ repository: { uri: 's3://bucket/models' } })), 'NetworkPolicy');
  assert.deepEqual(np.spec.policyTypes, ['Ingress']);
  assert.equal(np.spec.egress, undefined);
});

test('gives a batch pod a NetworkPolicy that admits no other pod (its client calls the server over loopback)', async () => {
  const objs = synthFile('templates/triton-batch-nightly.yaml');
  await assertValidObjects(objs);
  const cron = find(objs, 'CronJob');
  const np = find(objs, 'NetworkPolicy');
  assert.deepEqual(np.spec, { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'triton', 'app.kubernetes.io/instance': 'fraud-scoring-nightly' } }, policyTypes: ['Ingress'], ingress: [] });
  const podLabels = cron.spec.jobTemplate.spec.template.metadata.labels;
  for (const [k, v] of Object.entries(np.spec.podSelector.matchLabels)) assert.equal(podLabels[k], v, `the batch pods carry ${k}`);
  const batch = { mode: 'batch', batch: { input: 's3://b/in/', output: 's3://b/out/' } };
  assert.equal(all(synth(tritonDoc({ ...batch, networkPolicy: { enabled: false } })), 'NetworkPolicy').length, 0);
});

test('writes no NetworkPolicy when it is disabled', () => {
  assert.equal(all(synth(tritonDoc({ networkPolicy: { enabled: false } })), 'NetworkPolicy').length, 0);
});

test('requires the namespace of the ingress controller with spec.ingress', () => {
  assert.equal(specErrors(tritonDoc({ ingress: { host: 'a.example.org', className: 'traefik' } })),
    "spec.yaml: spec.networkPolicy.allowFromNamespaces: is required with spec.ingress: list the namespace where the ingress controller's pods run (by default the NetworkPolicy admits only the spec's own namespace), or set spec.networkPolicy.enabled: false");
  assert.equal(specErrors(tritonDoc({ ingress: { host: 'a.example.org', className: 'nginx' }, gateway })),
    "spec.yaml: spec.networkPolicy.allowFromNamespaces: is required with spec.ingress: list the namespace where the ingress controller's pods run (by default the NetworkPolicy admits only the spec's own namespace and the Gateway's), or set spec.networkPolicy.enabled: false");
  assert.equal(specErrors(tritonDoc({ gateway })), undefined, 'the Gateway\'s namespace is admitted by default');
  assert.equal(specErrors(tritonDoc({ ingress: { host: 'a.example.org' }, networkPolicy: { enabled: false } })), undefined);
});

test('refuses namespace lists that a disabled NetworkPolicy or a batch pod would ignore', () => {
  assert.equal(specErrors(tritonDoc({ networkPolicy: { enabled: false, allowFromNamespaces: ['x'] } })),
    'spec.yaml: spec.networkPolicy.allowFromNamespaces: has no effect with spec.networkPolicy.enabled: false');
  assert.equal(specErrors(tritonDoc({ mode: 'batch', batch: { input: 's3://b/in/', output: 's3://b/out/' }, networkPolicy: { allowFromNamespaces: ['x'] } })),
    'spec.yaml: spec.networkPolicy.allowFromNamespaces: applies to modes online and edge (mode is batch: the server answers only the client in its own pod, and the NetworkPolicy admits no other pod)');
});

// --- PodDisruptionBudget ----------------------------------------------------------------------------

test('writes no PodDisruptionBudget for a single replica', () => {
  assert.equal(all(synth(tritonDoc()), 'PodDisruptionBudget').length, 0);
});

test('protects more than one replica with minAvailable 1 and lets unhealthy pods be evicted', async () => {
  const objs = synth(tritonDoc({ replicas: 3 }));
  await assertValidObjects(objs);
  assert.deepEqual(find(objs, 'PodDisruptionBudget', 'm').spec, {
    minAvailable: 1,
    selector: { matchLabels: { ...sel, 'model-serving/track': 'stable' } },
    unhealthyPodEvictionPolicy: 'AlwaysAllow',
  });
});

test('decides from minReplicas under autoscaling', () => {
  assert.equal(all(synth(tritonDoc({ autoscaling: { minReplicas: 1, maxReplicas: 4 } })), 'PodDisruptionBudget').length, 0);
  assert.equal(all(synth(tritonDoc({ autoscaling: { minReplicas: 2, maxReplicas: 4 } })), 'PodDisruptionBudget').length, 1);
});

test("honours the spec's disruption budget, percentages included", () => {
  assert.equal(find(synth(tritonDoc({ replicas: 4, disruption: { maxUnavailable: '25%' } })), 'PodDisruptionBudget').spec.maxUnavailable, '25%');
  assert.equal(find(synth(tritonDoc({ replicas: 4, disruption: { minAvailable: 2 } })), 'PodDisruptionBudget').spec.minAvailable, 2);
  assert.equal(find(synth(tritonDoc({ disruption: { maxUnavailable: 1 } })), 'PodDisruptionBudget').spec.maxUnavailable, 1);
});

test('refuses budgets that would block every node drain', () => {
  assert.equal(specErrors(tritonDoc({ replicas: 2, disruption: { minAvailable: 2 } })),
    'spec.yaml: spec.disruption.minAvailable: (2) must be < spec.replicas (2): no pod could ever be evicted and node drains would never finish');
  assert.equal(specErrors(tritonDoc({ autoscaling: { minReplicas: 1, maxReplicas: 5 }, disruption: { minAvailable: 1 } })),
    'spec.yaml: spec.disruption.minAvailable: (1) must be < spec.autoscaling.minReplicas (1): no pod could ever be evicted and node drains would never finish');
  assert.equal(specErrors(tritonDoc({ replicas: 3, disruption: { minAvailable: '100%' } })),
    'spec.yaml: spec.disruption.minAvailable: (100%): no pod could ever be evicted and node drains would never finish');
  assert.equal(specErrors(tritonDoc({ replicas: 3, disruption: { maxUnavailable: 0 } })),
    'spec.yaml: spec.disruption.maxUnavailable: (0): no pod could ever be evicted and node drains would never finish; use at least 1');
});

test('writes one budget per track, each selecting its track, the primary track under its old name', () => {
  const budgets = all(synthFile('templates/triton-bluegreen.yaml'), 'PodDisruptionBudget');
  assert.deepEqual(budgets.map((b) => [b.metadata.name, b.spec.selector.matchLabels['model-serving/track']]),
    [['image-classifier', 'stable'], ['image-classifier-green', 'green']]);
});

test('gives a canary smaller than the budget none rather than one that blocks drains', () => {
  const canary = (disruption: Record<string, unknown>) => all(synth(tritonDoc({ replicas: 4, gateway, disruption,
    rollout: { strategy: 'canary', weight: 10, canary: { image: 'nvcr.io/nvidia/tritonserver:25.09-py3' } } })), 'PodDisruptionBudget')
    .map((b) => [b.metadata.name, b.spec.minAvailable ?? b.spec.maxUnavailable]);
  assert.deepEqual(canary({ minAvailable: 2 }), [['m', 2]]);
  assert.deepEqual(canary({ minAvailable: '50%' }), [['m', '50%']]);
  assert.deepEqual(canary({ maxUnavailable: 1 }), [['m', 1], ['m-canary', 1]]);
});

// --- Scheduling and rolling update that fit GPUs ----------------------------------------------------

test('spreads replicas across nodes, and across zones when asked', () => {
  const spread = (doc: any) => find(synth(doc), 'Deployment').spec.template.spec.topologySpreadConstraints.map((c: any) => c.topologyKey);
  assert.deepEqual(spread(tritonDoc({ replicas: 2 })), ['kubernetes.io/hostname']);
  assert.deepEqual(spread(tritonDoc({ replicas: 2, topologySpread: { zones: true } })), ['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
});

test('rolls out without a spare GPU: maxSurge 0 and maxUnavailable 1', () => {
  const d = find(synth(tritonDoc({ replicas: 2 })), 'Deployment');
  assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
});

// --- Every runtime: serving ports and metrics port ---------------------------------------------------

const runtimeCases = [
  { template: 'triton-onnx-classifier', serving: [8000, 8001], metrics: [8002] },
  { template: 'tfserving-savedmodel', serving: [8500, 8501], metrics: [8501] },
  { template: 'torchserve-mar', serving: [8080, 7070], metrics: [8082] }, // 8081 and 7071 are management APIs: closed
  { template: 'vllm-llama', serving: [8000], metrics: [8000] },
];
for (const c of runtimeCases) {
  test(`opens ${c.serving.join(', ')} to the allowed namespaces and ${c.metrics.join(', ')} to monitoring for templates/${c.template}.yaml`, () => {
    const np = find(synthFile(`templates/${c.template}.yaml`), 'NetworkPolicy');
    assert.deepEqual(np.spec.ingress[0].ports.map((p: any) => p.port), c.serving);
    assert.deepEqual(np.spec.ingress[1].ports.map((p: any) => p.port), c.metrics);
  });
}
