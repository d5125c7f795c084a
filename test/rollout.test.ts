/** Blue-green and canary rollouts: what changes and what must not (every rollout rule by its text: rollout-rules.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { App, ApiObject } from 'cdk8s';
import { parse } from 'yaml';
import { synth, synthFile, find, all, container, tritonDoc, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { ModelServingChart } from '../lib/constructs/chart';
import type { ModelServingDocument } from '../lib/spec/schema/spec';

const NGINX = 'nginx.ingress.kubernetes.io';
const NEXT_IMAGE = 'nvcr.io/nvidia/tritonserver:26.07-py3';
const blueGreenTemplate = (): ModelServingDocument => parse(readFileSync('templates/triton-bluegreen.yaml', 'utf8'));
/** The blue-green template as it ran before blue-green was turned on: no spec.rollout. */
const withoutRollout = (): ModelServingDocument => {
  const doc = blueGreenTemplate();
  delete doc.spec.rollout;
  return doc;
};
const byKey = (objs: K8sObject[]) => new Map(objs.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Construct path of every object of a spec (what Pulumi URNs are made of), by `Kind/name`. */
function constructPaths(doc: ModelServingDocument): Map<string, string> {
  const chart = new ModelServingChart(new App({ outdir: '.' }), 'c', { specs: [doc] });
  return new Map(chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => [`${o.kind}/${o.name}`, o.node.path]));
}

/**
 * The stable Service after the change selects the pods of exactly one Deployment, and that Deployment (with its
 * runtime ConfigMap and construct path) exists unchanged before the change, where the stable Service selected it too.
 */
function assertServingDeploymentKept(before: ModelServingDocument, after: ModelServingDocument, part: 'object' | 'spec' = 'object'): string {
  const [b, a] = [synth(before), synth(after)];
  const name = before.metadata.name;
  const served = (objs: K8sObject[]) => {
    const svc = find(objs, 'Service', name);
    const hits = all(objs, 'Deployment').filter((d) => selects(svc.spec.selector, d.spec.template.metadata.labels));
    assert.equal(hits.length, 1, `the Service ${name} selects the pods of one Deployment`);
    return hits[0];
  };
  const kept = served(a);
  assert.equal(served(b).metadata.name, kept.metadata.name, 'the same Deployment serves before and after');
  const d = `Deployment/${kept.metadata.name}`;
  const cm = `ConfigMap/${kept.metadata.name}-config`;
  const pick = (o: K8sObject | undefined) => JSON.stringify(part === 'object' ? o : o?.spec ?? o?.data);
  for (const k of [d, cm]) assert.equal(pick(byKey(a).get(k)), pick(byKey(b).get(k)), `${k} is unchanged`);
  assert.equal(constructPaths(after).get(d), constructPaths(before).get(d), `${d} keeps its construct path (Pulumi URN)`);
  // the route keeps its backend and every unversioned path (it publishes the versioned URLs of both tracks)
  const [rb, ra] = [find(b, 'HTTPRoute').spec.rules, find(a, 'HTTPRoute').spec.rules];
  assert.deepEqual(ra.map((r: K8sObject) => r.backendRefs), rb.map((r: K8sObject) => r.backendRefs), 'the HTTPRoute keeps its backend');
  const published = new Set(ra.flatMap((r: K8sObject) => r.matches.map((m: K8sObject) => m.path.value)));
  for (const r of rb) for (const m of r.matches) if (!m.path.value.includes('/versions/')) assert.ok(published.has(m.path.value), `${m.path.value} is still published`);
  return kept.metadata.name;
}

/** A Triton spec behind the Gateway, and a canary of the next Triton release at `weight` (none when undefined). */
function canaryDoc(weight: number | undefined, extra: Record<string, unknown> = {}) {
  return tritonDoc({
    replicas: 2,
    gateway: { parentRef: { name: 'inference', namespace: 'gateway-system' } },
    ...(weight === undefined ? {} : { rollout: { strategy: 'canary', weight, canary: { image: NEXT_IMAGE } } }),
    ...extra,
  });
}
const nginxCanaryDoc = (weight: number | undefined) => canaryDoc(weight, {
  ingress: { host: 'ml.example.org', className: 'nginx', tls: { secretName: 'ml-tls' } }, networkPolicy: { allowFromNamespaces: ['ingress-nginx'] },
});

// --- Templates --------------------------------------------------------------------------------------

for (const t of ['triton-bluegreen', 'triton-canary-nginx', 'triton-canary-gateway']) {
  test(`every object of templates/${t}.yaml is valid against the Kubernetes schemas, strictly`, async () => {
    await assertValidObjects(synthFile(`templates/${t}.yaml`));
  });
}

// --- Blue-green ------------------------------------------------------------------------------------

test('runs the primary track as the Deployment of the spec without a rollout, the other track next to it', () => {
  const objs = synthFile('templates/triton-bluegreen.yaml');
  for (const [name, label] of [['image-classifier', 'stable'], ['image-classifier-green', 'green']]) {
    const d = find(objs, 'Deployment', name);
    assert.equal(d.spec.template.metadata.labels['model-serving/track'], label);
    assert.equal(d.spec.selector.matchLabels['model-serving/track'], label);
    assert.equal(d.spec.template.spec.volumes.find((v: K8sObject) => v.name === 'runtime-config').configMap.name, `${name}-config`);
  }
});

test('points the stable Service at the active track and the preview Service at the other', () => {
  const objs = synthFile('templates/triton-bluegreen.yaml');
  assert.equal(find(objs, 'Service', 'image-classifier').spec.selector['model-serving/track'], 'stable');
  assert.equal(find(objs, 'Service', 'image-classifier-preview').spec.selector['model-serving/track'], 'green');
  assert.deepEqual(find(objs, 'HTTPRoute', 'image-classifier').spec.rules[0].backendRefs, [{ name: 'image-classifier', port: 8000 }]);
});

test('turning blue-green on keeps the running Deployment serving, unchanged, as the active primary track', () => {
  assert.equal(assertServingDeploymentKept(withoutRollout(), blueGreenTemplate()), 'image-classifier');
  const after = byKey(synthFile('templates/triton-bluegreen.yaml'));
  assert.ok(after.has('Deployment/image-classifier-green'), 'the other track starts next to it; only the preview Service selects it');
});

test('turning blue-green off with the primary track active is the reverse: the same Deployment keeps serving', () => {
  assert.equal(assertServingDeploymentKept(blueGreenTemplate(), withoutRollout()), 'image-classifier');
});

test('turning blue-green off after a flip goes back to the primary track first, then keeps it', () => {
  const flipped = blueGreenTemplate();
  flipped.spec.rollout!.active = 'green';
  const back = blueGreenTemplate();
  // the primary track now runs what green proved; it becomes active again, then blue-green is turned off
  back.spec.image = NEXT_IMAGE;
  back.spec.models[0].versions = [2];
  back.spec.rollout!.tracks = { blue: {}, green: { image: NEXT_IMAGE, models: [{ name: 'resnet50', versions: [2] }] } };
  const preview = blueGreenTemplate();
  preview.spec.image = NEXT_IMAGE;
  preview.spec.models[0].versions = [2];
  preview.spec.rollout!.active = 'green';
  preview.spec.rollout!.tracks = back.spec.rollout!.tracks;
  const off = structuredClone(back);
  delete off.spec.rollout;
  // spec.image also sets the app.kubernetes.io/version label of every object's metadata: only the Deployment's spec is compared
  assert.equal(assertServingDeploymentKept(flipped, preview, 'spec'), 'image-classifier-green', 'updating the primary while it is the preview leaves green serving');
  assert.equal(assertServingDeploymentKept(back, off), 'image-classifier');
});

test('the primary track defaults to the first name in alphabetical order, whatever the YAML order', () => {
  const doc = withoutRollout();
  doc.spec.rollout = { strategy: 'blueGreen', active: 'blue', tracks: { green: { image: NEXT_IMAGE }, blue: {} } };
  assertServingDeploymentKept(withoutRollout(), doc);
  doc.spec.rollout = { strategy: 'blueGreen', active: 'green', primary: 'green', tracks: { blue: { image: NEXT_IMAGE }, green: {} } };
  assertServingDeploymentKept(withoutRollout(), doc);
  assert.deepEqual(all(synth(doc), 'Deployment').map((d) => d.metadata.name), ['image-classifier-blue', 'image-classifier']);
});

test('flipping the active track changes only the two Service selectors (and the serving track the down alert watches)', () => {
  const green = blueGreenTemplate();
  green.spec.rollout!.active = 'green';
  const before = byKey(synth(blueGreenTemplate()));
  const after = byKey(synth(green));
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'the same objects exist after the flip');
  const changed = [...before.keys()].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k)));
  assert.deepEqual(changed.sort(), ['PrometheusRule/image-classifier', 'Service/image-classifier', 'Service/image-classifier-preview']);
  // ModelServingDown follows the track clients reach: its rule is the only other change. Its model_serving_track label
  // is the label the track's pods and series carry: the primary track blue keeps the pods of the spec without a
  // rollout, labelled `stable`; the description names the track by its key
  const down = (o: K8sObject) => o.spec.groups[0].rules.filter((r: K8sObject) => r.alert === 'ModelServingDown')
    .map((r: K8sObject) => [r.labels.model_serving_track, /\(track (\w+),/.exec(r.annotations.description)![1]]);
  assert.deepEqual([down(before.get('PrometheusRule/image-classifier')!), down(after.get('PrometheusRule/image-classifier')!)],
    [[['stable', 'blue']], [['green', 'green']]]);
  const podLabels = (track: string) => all(synth(blueGreenTemplate()), 'Deployment').map((d) => d.spec.template.metadata.labels['model-serving/track'])
    .filter((l) => l === track);
  assert.deepEqual([podLabels('stable'), podLabels('blue')], [['stable'], []], 'the pods of track blue carry model-serving/track: stable');
  const rules = (o: K8sObject) => o.spec.groups[0].rules.filter((r: K8sObject) => r.alert !== 'ModelServingDown');
  assert.deepEqual(rules(after.get('PrometheusRule/image-classifier')!), rules(before.get('PrometheusRule/image-classifier')!));
  for (const k of changed.filter((c) => c.startsWith('Service/'))) {
    const { selector: s1, ...rest1 } = before.get(k)!.spec;
    const { selector: s2, ...rest2 } = after.get(k)!.spec;
    assert.deepEqual(rest1, rest2, `${k}: only the selector changes`);
    assert.deepEqual({ ...s1, 'model-serving/track': 'x' }, { ...s2, 'model-serving/track': 'x' }, `${k}: only the track label changes`);
  }
  assert.equal(after.get('Service/image-classifier')!.spec.selector['model-serving/track'], 'green');
  assert.equal(after.get('Service/image-classifier-preview')!.spec.selector['model-serving/track'], 'stable');
});

test('tells the alerts which Deployment serves: the active track\'s', () => {
  const serving = (doc: ModelServingDocument) => new ModelServingChart(new App({ outdir: '.' }), 'c', { specs: [doc] }).services[0].context.servingWorkloadName;
  const green = blueGreenTemplate();
  green.spec.rollout!.active = 'green';
  assert.deepEqual([serving(blueGreenTemplate()), serving(green), serving(withoutRollout()), serving(canaryDoc(10))],
    ['image-classifier', 'image-classifier-green', 'image-classifier', 'm']);
});

test('lets each track override the image and the model versions', () => {
  const objs = synthFile('templates/triton-bluegreen.yaml');
  assert.equal(container(find(objs, 'Deployment', 'image-classifier')).image, 'nvcr.io/nvidia/tritonserver:26.06-py3');
  assert.equal(container(find(objs, 'Deployment', 'image-classifier-green')).image, 'nvcr.io/nvidia/tritonserver:26.07-py3');
  const config = (name: string) => find(objs, 'ConfigMap', `${name}-config`).data['resnet50.config.pbtxt'];
  assert.match(config('image-classifier'), /^version_policy: \{ specific: \{ versions: \[ 1 \] \} \}$/m);
  assert.match(config('image-classifier-green'), /^version_policy: \{ specific: \{ versions: \[ 2 \] \} \}$/m);
});

test('lets a track take its models from its own repository', () => {
  const doc = blueGreenTemplate();
  doc.spec.rollout!.tracks!.green.repository = { uri: 's3://ml-models-next/triton', credentialsSecret: 'model-store-s3' };
  const objs = synth(doc);
  const init = (name: string) => (find(objs, 'Deployment', name).spec.template.spec.initContainers ?? []).map((c: K8sObject) => c.name);
  assert.ok(!init('image-classifier').includes('download-models'), 'blue mounts the PVC');
  assert.ok(init('image-classifier-green').includes('download-models'), 'green downloads from its own bucket');
  assert.ok(container(find(objs, 'Deployment', 'image-classifier-green'), 'download-models').args.includes(':s3,provider=AWS,env_auth=true:ml-models-next/triton'));
});

test('names a track\'s own created claim after the track, so the primary\'s never takes the spec\'s claim name', () => {
  const doc = blueGreenTemplate();
  doc.spec.repository = { pvc: { create: { size: '100Gi' } } };
  doc.spec.rollout!.tracks!.blue.repository = { pvc: { create: { size: '50Gi' } } };
  assert.deepEqual(all(synth(doc), 'PersistentVolumeClaim').map((c) => c.metadata.name).sort(), ['image-classifier-blue-models', 'image-classifier-models']);
});

// --- Canary ----------------------------------------------------------------------------------------

test('adding a canary or re-weighting it leaves the stable Deployment, its ConfigMap, its Service and the main Ingress byte-identical', () => {
  const without = byKey(synth(nginxCanaryDoc(undefined)));
  for (const weight of [10, 50]) {
    const withCanary = byKey(synth(nginxCanaryDoc(weight)));
    for (const k of ['Deployment/m', 'ConfigMap/m-config', 'Service/m', 'Ingress/m']) {
      assert.equal(JSON.stringify(withCanary.get(k)), JSON.stringify(without.get(k)), `${k} at weight ${weight}`);
    }
  }
});

test('keeps the construct ID Workload for the stable track, so the Deployment is not replaced under Pulumi', () => {
  const ids = (doc: ModelServingDocument) => {
    const chart = new ModelServingChart(new App({ outdir: '.' }), 'c', { specs: [doc] });
    return chart.services[0].node.children.map((c) => c.node.id).filter((id) => id.startsWith('Workload'));
  };
  assert.deepEqual(ids(canaryDoc(undefined)), ['Workload']);
  assert.deepEqual(ids(canaryDoc(10)), ['Workload', 'Workload-canary']);
  assert.deepEqual(ids(blueGreenTemplate()), ['Workload', 'Workload-green']);
});

test('gates canary traffic on readiness: the canary pods probe /v2/health/ready', () => {
  const c = container(find(synth(canaryDoc(10)), 'Deployment', 'm-canary'));
  assert.equal(c.image, NEXT_IMAGE);
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/v2/health/ready', port: 'http' });
});

test('sends the canary weight through a second nginx Ingress with the same host and paths', () => {
  const objs = synth(nginxCanaryDoc(10));
  const main = find(objs, 'Ingress', 'm');
  const canary = find(objs, 'Ingress', 'm-canary');
  assert.deepEqual(canary.metadata.annotations, { [`${NGINX}/canary`]: 'true', [`${NGINX}/canary-weight`]: '10' });
  assert.equal(canary.spec.ingressClassName, 'nginx');
  assert.equal(canary.spec.rules[0].host, main.spec.rules[0].host);
  assert.deepEqual(canary.spec.rules[0].http.paths.map((p: K8sObject) => [p.path, p.pathType]), main.spec.rules[0].http.paths.map((p: K8sObject) => [p.path, p.pathType]));
  assert.deepEqual(canary.spec.rules[0].http.paths[0].backend, { service: { name: 'm-canary', port: { number: 8000 } } });
  assert.equal(canary.spec.tls, undefined, 'TLS comes from the main Ingress of the host');
  assert.equal(main.metadata.annotations, undefined, 'the main Ingress carries no canary annotation');
});

test('mirrors a stripped prefix on the canary Ingress without repeating the rewrite annotations', () => {
  const objs = synthFile('templates/triton-canary-nginx.yaml');
  const main = find(objs, 'Ingress', 'text-embedder');
  const canary = find(objs, 'Ingress', 'text-embedder-canary');
  assert.equal(canary.spec.rules[0].http.paths[0].path, '/embeddings(/v2/models/e5-large/infer)$');
  assert.equal(canary.spec.rules[0].http.paths[0].pathType, 'ImplementationSpecific');
  assert.equal(main.metadata.annotations[`${NGINX}/rewrite-target`], '$1');
  assert.deepEqual(canary.metadata.annotations, { [`${NGINX}/canary`]: 'true', [`${NGINX}/canary-weight`]: '10' });
});

test('accepts weights 0 and 100 at both ends', () => {
  for (const weight of [0, 100]) {
    assert.equal(find(synth(nginxCanaryDoc(weight)), 'Ingress', 'm-canary').metadata.annotations[`${NGINX}/canary-weight`], String(weight));
  }
});

test('splits Gateway API traffic with backendRef weights 100 - weight and weight', () => {
  const objs = synthFile('templates/triton-canary-gateway.yaml');
  assert.deepEqual(find(objs, 'HTTPRoute', 'retail-vision').spec.rules[0].backendRefs, [
    { name: 'retail-vision', port: 8000, weight: 75 },
    { name: 'retail-vision-canary', port: 8000, weight: 25 },
  ]);
  assert.equal(all(objs, 'Ingress').length, 0);
  assert.deepEqual(find(synth(canaryDoc(100)), 'HTTPRoute').spec.rules[0].backendRefs.map((b: K8sObject) => b.weight), [0, 100]);
});

test('serves the canary model versions from the canary ConfigMap only, and publishes the versioned URLs of both tracks', () => {
  const objs = synthFile('templates/triton-canary-gateway.yaml');
  const stable = find(objs, 'ConfigMap', 'retail-vision-config').data['shelf-detector.config.pbtxt'];
  const canary = find(objs, 'ConfigMap', 'retail-vision-canary-config').data['shelf-detector.config.pbtxt'];
  assert.match(stable, /^version_policy: \{ specific: \{ versions: \[ 3 \] \} \}$/m);
  assert.match(canary, /^version_policy: \{ specific: \{ versions: \[ 4 \] \} \}$/m);
  const paths = find(objs, 'HTTPRoute').spec.rules.flatMap((r: K8sObject) => r.matches.map((m: K8sObject) => m.path.value));
  assert.ok(paths.includes('/v2/models/shelf-detector/versions/3/infer') && paths.includes('/v2/models/shelf-detector/versions/4/infer'));
});

/**
 * The Services a request for each published path can reach through an HTTPRoute: the backends with a weight above
 * zero of the rule that matches it (Gateway API: weight / sum of weights; no weight is 1).
 */
function routeReach(route: K8sObject): Map<string, string[]> {
  const reach = new Map<string, string[]>();
  for (const r of route.spec.rules) {
    for (const m of r.matches) {
      assert.ok(!reach.has(m.path.value), `${m.path.value} is matched by one rule`);
      reach.set(m.path.value, r.backendRefs.filter((b: K8sObject) => (b.weight ?? 1) > 0).map((b: K8sObject) => b.name).sort());
    }
  }
  return reach;
}

/**
 * The Services a request for each path can reach through ingress-nginx, as the controller builds its upstreams
 * (kubernetes/ingress-nginx controller-v1.15.1): an upstream is `<ns>-<service>-<port number or name>` (util.go
 * upstreamName); a canary Ingress's path merges its upstream, as an alternative, into the upstream of the main
 * location with the same path and pathType (controller.go mergeAlternativeBackends); every request of an upstream
 * with an alternative may go to it (rootfs/etc/nginx/lua/balancer.lua get_balancer), whatever its location.
 */
function nginxReach(main: K8sObject, canary: K8sObject | undefined, weight: number): Map<string, string[]> {
  const upstream = (b: K8sObject) => `${b.service.name}-${b.service.port.number ?? b.service.port.name}`;
  const alternatives = new Map<string, Set<string>>();
  const service = new Map<string, string>();
  for (const p of main.spec.rules[0].http.paths) service.set(upstream(p.backend), p.backend.service.name);
  for (const c of canary?.spec.rules[0].http.paths ?? []) {
    const loc = main.spec.rules[0].http.paths.find((p: K8sObject) => p.path === c.path && p.pathType === c.pathType);
    assert.ok(loc, `the canary path ${c.path} has a main location`);
    assert.notEqual(upstream(loc.backend), upstream(c.backend), 'a canary upstream is never a primary one');
    const set = alternatives.get(upstream(loc.backend)) ?? new Set();
    set.add(c.backend.service.name);
    alternatives.set(upstream(loc.backend), set);
  }
  return new Map(main.spec.rules[0].http.paths.map((p: K8sObject) => {
    const u = upstream(p.backend);
    return [p.path, [service.get(u)!, ...(weight > 0 ? alternatives.get(u) ?? [] : [])].sort()];
  }));
}

/** The canary template's versions: the stable track serves detector v3 and classifier v2, the canary v4 and v3. */
const PINNED = {
  stable: ['/v2/models/shelf-detector/versions/3/', '/v2/models/product-classifier/versions/2/'],
  canary: ['/v2/models/shelf-detector/versions/4/', '/v2/models/product-classifier/versions/3/'],
};
const pinnedTo = (path: string) => (PINNED.stable.some((p) => path.includes(p)) ? 'stable' : PINNED.canary.some((p) => path.includes(p)) ? 'canary' : undefined);

test('sends a version only one canary track serves to that track alone through the HTTPRoute, splitting only the paths both serve', async () => {
  const objs = synthFile('templates/triton-canary-gateway.yaml');
  await assertValidObjects(objs);
  const route = find(objs, 'HTTPRoute', 'retail-vision');
  const reach = routeReach(route);
  assert.equal(reach.size, 24, 'every path of both tracks is published: 2 models x (4 + 4 + 4)');
  for (const [path, services] of reach) {
    const track = pinnedTo(path);
    const want = track === 'stable' ? ['retail-vision'] : track === 'canary' ? ['retail-vision-canary'] : ['retail-vision', 'retail-vision-canary'];
    assert.deepEqual(services, want, path);
  }
  assert.deepEqual(route.spec.rules.map((r: K8sObject) => r.backendRefs), [
    [{ name: 'retail-vision', port: 8000, weight: 75 }, { name: 'retail-vision-canary', port: 8000, weight: 25 }],
    [{ name: 'retail-vision', port: 8000 }],
    [{ name: 'retail-vision-canary', port: 8000 }],
  ]);
  assert.deepEqual(route.spec.rules[2].matches.map((m: K8sObject) => m.path.value).slice(0, 1), ['/v2/models/shelf-detector/versions/4/infer']);
  assert.ok(route.spec.rules.every((r: K8sObject) => r.timeouts.request === '30s'));
});

test('keeps the canary\'s version-pinned paths apart through a stripped gateway prefix too', () => {
  const doc = parse(readFileSync('templates/triton-canary-gateway.yaml', 'utf8'));
  doc.spec.models = doc.spec.models.slice(0, 1);
  doc.spec.rollout.canary.models = doc.spec.rollout.canary.models.slice(0, 1);
  doc.spec.gateway.path = '/vision';
  const route = find(synth(doc), 'HTTPRoute');
  assert.equal(route.spec.rules.length, 12, 'one rule per published path under a prefix');
  const v4 = route.spec.rules.find((r: K8sObject) => r.matches[0].path.value === '/vision/v2/models/shelf-detector/versions/4/infer');
  assert.deepEqual(v4.backendRefs, [{ name: 'retail-vision-canary', port: 8000 }]);
  assert.deepEqual(v4.filters[0].urlRewrite.path, { type: 'ReplaceFullPath', replaceFullPath: '/v2/models/shelf-detector/versions/4/infer' });
});

test('sends a version only one canary track serves to that track alone through ingress-nginx, splitting only the paths both serve', async () => {
  const doc = parse(readFileSync('templates/triton-canary-gateway.yaml', 'utf8'));
  delete doc.spec.gateway;
  doc.spec.ingress = { host: 'vision.retail.example.org', className: 'nginx' };
  doc.spec.networkPolicy = { allowFromNamespaces: ['ingress-nginx'] };
  const objs = synth(doc);
  await assertValidObjects(objs);
  const main = find(objs, 'Ingress', 'retail-vision');
  const canary = find(objs, 'Ingress', 'retail-vision-canary');
  const reach = nginxReach(main, canary, 25);
  assert.equal(reach.size, 24);
  for (const [path, services] of reach) {
    const track = pinnedTo(path);
    const want = track === 'stable' ? ['retail-vision'] : track === 'canary' ? ['retail-vision-canary'] : ['retail-vision', 'retail-vision-canary'];
    assert.deepEqual(services, want, path);
  }
  assert.equal(canary.spec.rules[0].http.paths.length, 8, 'the canary Ingress carries the 8 paths both tracks serve');
  const v4 = main.spec.rules[0].http.paths.find((p: K8sObject) => p.path === '/v2/models/shelf-detector/versions/4/infer');
  assert.deepEqual(v4.backend, { service: { name: 'retail-vision-canary', port: { name: 'http' } } });
  const v3 = main.spec.rules[0].http.paths.find((p: K8sObject) => p.path === '/v2/models/shelf-detector/versions/3/infer');
  assert.deepEqual(v3.backend, { service: { name: 'retail-vision', port: { name: 'http' } } });
});

test('an image-only canary splits every path, through the HTTPRoute and ingress-nginx alike', () => {
  const objs = synth(nginxCanaryDoc(10));
  for (const services of routeReach(find(objs, 'HTTPRoute')).values()) assert.deepEqual(services, ['m', 'm-canary']);
  for (const services of nginxReach(find(objs, 'Ingress', 'm'), find(objs, 'Ingress', 'm-canary'), 10).values()) assert.deepEqual(services, ['m', 'm-canary']);
});

// --- Rules -------------------------------------------------------------------------------------------
