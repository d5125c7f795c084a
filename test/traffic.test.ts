/** How traffic reaches the pods: Ingress (ingress-nginx), Gateway API HTTPRoute, model routing, NetworkPolicy, PDB. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { synth, synthFile, find, all, tritonDoc, specErrors } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';

const NGINX = 'nginx.ingress.kubernetes.io';
const twoModels = [{ name: 'resnet50', format: 'onnx' }, { name: 'bert-base', format: 'onnx' }];
const gateway = { parentRef: { name: 'inference', namespace: 'gateway-system' } };
const gatewayPolicy = { allowFromNamespaces: ['gateway-system', 'monitoring'] };

// --- Ingress ---------------------------------------------------------------------------------------

test('writes an nginx Ingress with host, TLS and the four ingress-nginx annotations as strings', async () => {
  const objs = synth(tritonDoc({
    ingress: { host: 'vision.example.org', maxBodySize: '50m', timeoutSeconds: 300, rateLimitRps: 100, tls: { secretName: 'vision-tls' } },
  }));
  await assertValidObjects(objs);
  const ing = find(objs, 'Ingress', 'm');
  assert.equal(ing.spec.ingressClassName, 'nginx');
  assert.deepEqual(ing.metadata.annotations, {
    [`${NGINX}/proxy-body-size`]: '50m',
    [`${NGINX}/proxy-read-timeout`]: '300',
    [`${NGINX}/proxy-send-timeout`]: '300',
    [`${NGINX}/limit-rps`]: '100',
  });
  assert.deepEqual(ing.spec.tls, [{ hosts: ['vision.example.org'], secretName: 'vision-tls' }]);
  assert.equal(ing.spec.rules[0].host, 'vision.example.org');
});

test('routes one Prefix path per model at /v2/models/<model> to the stable Service port 8000 when no path is set', () => {
  const ing = find(synth(tritonDoc({ models: twoModels, ingress: { host: 'ml.example.org' } })), 'Ingress');
  assert.deepEqual(ing.spec.rules[0].http.paths, [
    { path: '/v2/models/resnet50', pathType: 'Prefix', backend: { service: { name: 'm', port: { number: 8000 } } } },
    { path: '/v2/models/bert-base', pathType: 'Prefix', backend: { service: { name: 'm', port: { number: 8000 } } } },
  ]);
  assert.equal(ing.metadata.annotations, undefined, 'per-model routes need no rewrite and no regex');
});

test('lets two specs share one host on their own model paths without any rewrite', async () => {
  const a = synth(tritonDoc({ ingress: { host: 'ml.example.org' } }, { name: 'vision' }));
  const b = synth(tritonDoc({ models: [{ name: 'bert-base', format: 'onnx' }], ingress: { host: 'ml.example.org' } }, { name: 'nlp' }));
  await assertValidObjects([...a, ...b]);
  const pa = find(a, 'Ingress', 'vision').spec.rules[0].http.paths;
  const pb = find(b, 'Ingress', 'nlp').spec.rules[0].http.paths;
  assert.deepEqual(pa.map((p: any) => [p.path, p.backend.service.name]), [['/v2/models/resnet50', 'vision']]);
  assert.deepEqual(pb.map((p: any) => [p.path, p.backend.service.name]), [['/v2/models/bert-base', 'nlp']]);
});

test('strips a path prefix with an ImplementationSpecific regex path and rewrite-target /$2', async () => {
  const objs = synth(tritonDoc({ ingress: { host: 'api.example.org', path: '/vision/' } }));
  await assertValidObjects(objs);
  const ing = find(objs, 'Ingress');
  assert.deepEqual(ing.spec.rules[0].http.paths, [
    { path: '/vision(/|$)(.*)', pathType: 'ImplementationSpecific', backend: { service: { name: 'm', port: { number: 8000 } } } },
  ]);
  assert.deepEqual(ing.metadata.annotations, { [`${NGINX}/use-regex`]: 'true', [`${NGINX}/rewrite-target`]: '/$2' });
});

test('escapes dots of a stripped prefix so the regex matches only a dot', () => {
  const ing = find(synth(tritonDoc({ ingress: { host: 'api.example.org', path: '/v1.2' } })), 'Ingress');
  assert.equal(ing.spec.rules[0].http.paths[0].path, '/v1\\.2(/|$)(.*)');
});

test('sends every path of the host to the spec with path /', () => {
  const ing = find(synth(tritonDoc({ ingress: { host: 'api.example.org', path: '/' } })), 'Ingress');
  assert.deepEqual(ing.spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType]), [['/', 'Prefix']]);
  assert.equal(ing.metadata.annotations, undefined);
});

test('keeps the user annotations next to the generated ones', () => {
  const ing = find(synth(tritonDoc({ ingress: { host: 'a.example.org', annotations: { [`${NGINX}/proxy-buffering`]: 'off' } } })), 'Ingress');
  assert.deepEqual(ing.metadata.annotations, { [`${NGINX}/proxy-buffering`]: 'off' });
});

test('uses another ingress class without nginx annotations', () => {
  const ing = find(synth(tritonDoc({ ingress: { host: 'a.example.org', className: 'traefik' }, networkPolicy: { allowFromNamespaces: ['traefik'] } })), 'Ingress');
  assert.equal(ing.spec.ingressClassName, 'traefik');
  assert.equal(ing.metadata.annotations, undefined);
});

test('refuses the nginx-only fields with another ingress class, each at its path', () => {
  assert.equal(specErrors(tritonDoc({
    ingress: { host: 'a.example.org', className: 'traefik', maxBodySize: '10m', timeoutSeconds: 30, rateLimitRps: 5, path: '/vision' },
    networkPolicy: { allowFromNamespaces: ['traefik'] },
  })), [
    'spec.yaml: spec.ingress.maxBodySize: becomes the ingress-nginx annotation nginx.ingress.kubernetes.io/proxy-body-size; ingress class "traefik" does not read it (configure it in that controller, or use className: nginx)',
    'spec.yaml: spec.ingress.timeoutSeconds: becomes the ingress-nginx annotation nginx.ingress.kubernetes.io/proxy-read-timeout and nginx.ingress.kubernetes.io/proxy-send-timeout; ingress class "traefik" does not read it (configure it in that controller, or use className: nginx)',
    'spec.yaml: spec.ingress.rateLimitRps: becomes the ingress-nginx annotation nginx.ingress.kubernetes.io/limit-rps; ingress class "traefik" does not read it (configure it in that controller, or use className: nginx)',
    'spec.yaml: spec.ingress.path: a path prefix is stripped with the ingress-nginx rewrite-target annotation; ingress class "traefik" does not read it (leave path out for per-model routes, set path: /, or use spec.gateway, which strips it with a URLRewrite filter)',
  ].join('\n'));
});

test('refuses user annotations that the fields or the routes generate', () => {
  assert.equal(specErrors(tritonDoc({
    ingress: {
      host: 'a.example.org', maxBodySize: '10m',
      annotations: { [`${NGINX}/proxy-body-size`]: '1m', [`${NGINX}/rewrite-target`]: '/', [`${NGINX}/canary-weight`]: '5' },
    },
  })), [
    'spec.yaml: spec.ingress.annotations["nginx.ingress.kubernetes.io/proxy-body-size"]: conflicts with spec.ingress.maxBodySize, which sets it; set one of them',
    'spec.yaml: spec.ingress.annotations["nginx.ingress.kubernetes.io/rewrite-target"]: is generated from spec.ingress.path (a prefix is stripped with rewrite-target); setting it would break the per-model or prefix routes',
    'spec.yaml: spec.ingress.annotations["nginx.ingress.kubernetes.io/canary-weight"]: is generated for the canary Ingress from spec.rollout; set spec.rollout.strategy: canary and spec.rollout.weight instead',
  ].join('\n'));
});

test('refuses an ingress host that is not a DNS name', () => {
  assert.equal(specErrors(tritonDoc({ ingress: { host: 'Vision_Example' } })),
    'spec.yaml: spec.ingress.host: "Vision_Example" does not match ^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ (Host name the Ingress answers)');
});

test('gives the edge mode an Ingress and batch mode none', () => {
  const edge = tritonDoc({ mode: 'edge', edge: { nodeSelector: { 'node-role.kubernetes.io/edge': 'true' } }, ingress: { host: 'edge.example.org' } });
  assert.equal(find(synth(edge), 'Ingress').spec.rules[0].http.paths[0].backend.service.name, 'm');
  assert.match(specErrors(tritonDoc({ mode: 'batch', batch: { input: 's3://b/in/', output: 's3://b/out/' }, ingress: { host: 'a.example.org' } }))!,
    /spec\.ingress: applies to mode online only \(mode is batch\)/);
});

// --- Gateway API -------------------------------------------------------------------------------------

test('writes a gateway.networking.k8s.io/v1 HTTPRoute with per-model PathPrefix matches', async () => {
  const objs = synth(tritonDoc({ models: twoModels, gateway: { ...gateway, timeoutSeconds: 30 }, networkPolicy: gatewayPolicy }));
  await assertValidObjects(objs);
  const route = find(objs, 'HTTPRoute', 'm');
  assert.equal(route.apiVersion, 'gateway.networking.k8s.io/v1');
  assert.deepEqual(route.spec, {
    parentRefs: [{ name: 'inference', namespace: 'gateway-system' }],
    rules: [{
      matches: [
        { path: { type: 'PathPrefix', value: '/v2/models/resnet50' } },
        { path: { type: 'PathPrefix', value: '/v2/models/bert-base' } },
      ],
      backendRefs: [{ name: 'm', port: 8000 }],
      timeouts: { request: '30s' },
    }],
  });
});

test('strips a gateway path prefix with one PathPrefix match and a URLRewrite ReplacePrefixMatch /', async () => {
  const objs = synth(tritonDoc({ gateway: { ...gateway, path: '/vision', hostnames: ['api.example.org'] }, networkPolicy: gatewayPolicy }));
  await assertValidObjects(objs);
  const rule = find(objs, 'HTTPRoute').spec.rules[0];
  assert.deepEqual(rule.matches, [{ path: { type: 'PathPrefix', value: '/vision' } }]);
  assert.deepEqual(rule.filters, [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }]);
  assert.deepEqual(find(objs, 'HTTPRoute').spec.hostnames, ['api.example.org']);
});

test('takes the HTTPRoute hostname and path from spec.ingress when the gateway names none', () => {
  const objs = synth(tritonDoc({ ingress: { host: 'api.example.org', path: '/vision' }, gateway, networkPolicy: { allowFromNamespaces: ['ingress-nginx', 'gateway-system'] } }));
  const route = find(objs, 'HTTPRoute');
  assert.deepEqual(route.spec.hostnames, ['api.example.org']);
  assert.deepEqual(route.spec.rules[0].matches, [{ path: { type: 'PathPrefix', value: '/vision' } }]);
  assert.ok(find(objs, 'Ingress'), 'both entry points exist while migrating');
});

test('passes sectionName through to the parentRef', () => {
  const route = find(synth(tritonDoc({ gateway: { parentRef: { name: 'gw', sectionName: 'https' } }, networkPolicy: gatewayPolicy })), 'HTTPRoute');
  assert.deepEqual(route.spec.parentRefs, [{ name: 'gw', sectionName: 'https' }]);
});

test('refuses more per-model matches than one HTTPRoute rule holds', () => {
  const models = Array.from({ length: 65 }, (_, i) => ({ name: `m${i}`, format: 'onnx' }));
  assert.equal(specErrors(tritonDoc({ models, gateway, networkPolicy: gatewayPolicy })),
    'spec.yaml: spec.gateway: per-model routes need one HTTPRoute match per model and a rule holds at most 64 (found 65 models): set spec.gateway.path');
});

// --- NetworkPolicy --------------------------------------------------------------------------------

test('admits the serving ports 8000 and 8001 from ingress-nginx, monitoring and the app, and 8002 from monitoring only', async () => {
  const objs = synth(tritonDoc());
  await assertValidObjects(objs);
  const np = find(objs, 'NetworkPolicy', 'm');
  const sel = { 'app.kubernetes.io/name': 'triton', 'app.kubernetes.io/instance': 'm' };
  assert.deepEqual(np.spec, {
    podSelector: { matchLabels: sel },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [
          { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['ingress-nginx', 'monitoring'] }] } },
          { podSelector: { matchLabels: sel } },
        ],
        ports: [{ protocol: 'TCP', port: 8000 }, { protocol: 'TCP', port: 8001 }],
      },
      {
        from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['monitoring'] }] } }],
        ports: [{ protocol: 'TCP', port: 8002 }],
      },
    ],
  });
});

test('leaves egress open: the download init container needs the object store and DNS', () => {
  const np = find(synth(tritonDoc({ repository: { uri: 's3://bucket/models' } })), 'NetworkPolicy');
  assert.deepEqual(np.spec.policyTypes, ['Ingress']);
  assert.equal(np.spec.egress, undefined);
});

test('uses the namespaces the spec lists', () => {
  const np = find(synth(tritonDoc({ networkPolicy: { allowFromNamespaces: ['gateway-system'], metricsFromNamespaces: ['prometheus'] } })), 'NetworkPolicy');
  assert.deepEqual(np.spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values, ['gateway-system']);
  assert.deepEqual(np.spec.ingress[1].from[0].namespaceSelector.matchExpressions[0].values, ['prometheus']);
});

test('writes no NetworkPolicy when it is disabled', () => {
  assert.equal(all(synth(tritonDoc({ networkPolicy: { enabled: false } })), 'NetworkPolicy').length, 0);
});

test('requires the allowed namespaces with another ingress class or a Gateway', () => {
  assert.equal(specErrors(tritonDoc({ ingress: { host: 'a.example.org', className: 'traefik' } })),
    'spec.yaml: spec.networkPolicy.allowFromNamespaces: is required with ingress class "traefik": list the namespace of its controller (the default [ingress-nginx, monitoring] admits ingress-nginx only), or set spec.networkPolicy.enabled: false');
  assert.equal(specErrors(tritonDoc({ gateway })),
    "spec.yaml: spec.networkPolicy.allowFromNamespaces: is required with spec.gateway: list the namespace where the Gateway's proxy pods run (it depends on the implementation), or set spec.networkPolicy.enabled: false");
  assert.equal(specErrors(tritonDoc({ gateway, networkPolicy: { enabled: false } })), undefined);
});

test('refuses namespace lists that a disabled NetworkPolicy would ignore, and a NetworkPolicy in mode batch', () => {
  assert.equal(specErrors(tritonDoc({ networkPolicy: { enabled: false, allowFromNamespaces: ['x'] } })),
    'spec.yaml: spec.networkPolicy.allowFromNamespaces: has no effect with spec.networkPolicy.enabled: false');
  assert.match(specErrors(tritonDoc({ mode: 'batch', batch: { input: 's3://b/in/', output: 's3://b/out/' }, networkPolicy: { enabled: true } }))!,
    /spec\.networkPolicy: applies to modes online and edge \(mode is batch: its pods serve no traffic\)/);
});

// --- PodDisruptionBudget ----------------------------------------------------------------------------

test('writes no PodDisruptionBudget for a single replica', () => {
  assert.equal(all(synth(tritonDoc()), 'PodDisruptionBudget').length, 0);
});

test('protects more than one replica with minAvailable 1 and lets unhealthy pods be evicted', async () => {
  const objs = synth(tritonDoc({ replicas: 3 }));
  await assertValidObjects(objs);
  const pdb = find(objs, 'PodDisruptionBudget', 'm');
  assert.deepEqual(pdb.spec, {
    minAvailable: 1,
    selector: { matchLabels: { 'app.kubernetes.io/name': 'triton', 'app.kubernetes.io/instance': 'm', 'model-serving/track': 'stable' } },
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

test('writes one budget per track, each selecting its track', () => {
  const objs = synthFile('templates/triton-bluegreen.yaml');
  const budgets = all(objs, 'PodDisruptionBudget');
  assert.deepEqual(budgets.map((b) => [b.metadata.name, b.spec.selector.matchLabels['model-serving/track']]),
    [['image-classifier-blue', 'blue'], ['image-classifier-green', 'green']]);
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

// --- Every runtime: serving ports, metrics port and per-model routes --------------------------------

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

test('routes TorchServe per model at /predictions/<model>, and vLLM (model named in the body) at /', async () => {
  const withIngress = (template: string) => {
    const doc = parse(readFileSync(`templates/${template}.yaml`, 'utf8'));
    doc.spec.ingress = { host: 'ml.example.org' };
    return synth(doc);
  };
  const ts = withIngress('torchserve-mar');
  await assertValidObjects(ts);
  const models = parse(readFileSync('templates/torchserve-mar.yaml', 'utf8')).spec.models.map((m: any) => `/predictions/${m.name}`);
  assert.deepEqual(find(ts, 'Ingress').spec.rules[0].http.paths.map((p: any) => p.path), models);
  assert.deepEqual(find(withIngress('vllm-llama'), 'Ingress').spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType, p.backend.service.port.number]), [['/', 'Prefix', 8000]]);
});
