/** Blue-green and canary rollouts: what changes, what must not, and every rollout rule by its text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { App } from 'cdk8s';
import { parse } from 'yaml';
import { synth, synthFile, find, all, container, tritonDoc, specErrors, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { ModelServingChart } from '../lib/constructs/chart';
import { RUNTIME_REGISTRY } from '../lib/runtimes/registry';
import type { ModelServingDocument } from '../lib/spec/schema/spec';

const NGINX = 'nginx.ingress.kubernetes.io';
const NEXT_IMAGE = 'nvcr.io/nvidia/tritonserver:25.09-py3';
const blueGreenTemplate = (): ModelServingDocument => parse(readFileSync('templates/triton-bluegreen.yaml', 'utf8'));
const byKey = (objs: K8sObject[]) => new Map(objs.map((o) => [`${o.kind}/${o.metadata.name}`, o]));

/** A Triton spec with an nginx Ingress, and a canary of the next Triton release at `weight` (none when undefined). */
function canaryDoc(weight: number | undefined, extra: Record<string, unknown> = {}) {
  return tritonDoc({
    replicas: 2,
    ingress: { host: 'ml.example.org', tls: { secretName: 'ml-tls' } },
    ...(weight === undefined ? {} : { rollout: { strategy: 'canary', weight, canary: { image: NEXT_IMAGE } } }),
    ...extra,
  });
}

// --- Templates --------------------------------------------------------------------------------------

for (const t of ['triton-bluegreen', 'triton-canary-nginx', 'triton-canary-gateway']) {
  test(`every object of templates/${t}.yaml is valid against the Kubernetes schemas, strictly`, async () => {
    await assertValidObjects(synthFile(`templates/${t}.yaml`));
  });
}

// --- Blue-green ------------------------------------------------------------------------------------

test('runs one Deployment and one runtime ConfigMap per blue-green track, labelled by track', () => {
  const objs = synthFile('templates/triton-bluegreen.yaml');
  for (const track of ['blue', 'green']) {
    const d = find(objs, 'Deployment', `image-classifier-${track}`);
    assert.equal(d.spec.template.metadata.labels['model-serving/track'], track);
    assert.equal(d.spec.selector.matchLabels['model-serving/track'], track);
    assert.equal(d.spec.template.spec.volumes.find((v: K8sObject) => v.name === 'runtime-config').configMap.name, `image-classifier-${track}-config`);
  }
});

test('points the stable Service at the active track and the preview Service at the other', () => {
  const objs = synthFile('templates/triton-bluegreen.yaml');
  assert.equal(find(objs, 'Service', 'image-classifier').spec.selector['model-serving/track'], 'blue');
  assert.equal(find(objs, 'Service', 'image-classifier-preview').spec.selector['model-serving/track'], 'green');
  assert.equal(find(objs, 'Ingress', 'image-classifier').spec.rules[0].http.paths[0].backend.service.name, 'image-classifier');
});

test('flipping the active track changes only the two Service selectors', () => {
  const blue = blueGreenTemplate();
  const green = blueGreenTemplate();
  green.spec.rollout!.active = 'green';
  const before = byKey(synth(blue));
  const after = byKey(synth(green));
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort(), 'the same objects exist after the flip');
  const changed = [...before.keys()].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k)));
  assert.deepEqual(changed.sort(), ['Service/image-classifier', 'Service/image-classifier-preview']);
  for (const k of changed) {
    const { selector: s1, ...rest1 } = before.get(k)!.spec;
    const { selector: s2, ...rest2 } = after.get(k)!.spec;
    assert.deepEqual(rest1, rest2, `${k}: only the selector changes`);
    assert.deepEqual({ ...s1, 'model-serving/track': 'x' }, { ...s2, 'model-serving/track': 'x' }, `${k}: only the track label changes`);
  }
  assert.equal(after.get('Service/image-classifier')!.spec.selector['model-serving/track'], 'green');
  assert.equal(after.get('Service/image-classifier-preview')!.spec.selector['model-serving/track'], 'blue');
});

test('lets each track override the image and the model versions', () => {
  const objs = synthFile('templates/triton-bluegreen.yaml');
  assert.equal(container(find(objs, 'Deployment', 'image-classifier-blue')).image, 'nvcr.io/nvidia/tritonserver:25.08-py3');
  assert.equal(container(find(objs, 'Deployment', 'image-classifier-green')).image, NEXT_IMAGE);
  const config = (track: string) => find(objs, 'ConfigMap', `image-classifier-${track}-config`).data['resnet50.config.pbtxt'];
  assert.match(config('blue'), /^version_policy: \{ specific: \{ versions: \[ 1 \] \} \}$/m);
  assert.match(config('green'), /^version_policy: \{ specific: \{ versions: \[ 2 \] \} \}$/m);
});

test("lets a track take its models from its own repository", () => {
  const doc = blueGreenTemplate();
  doc.spec.rollout!.tracks!.green.repository = { uri: 's3://ml-models-next/triton', credentialsSecret: 'model-store-s3' };
  const objs = synth(doc);
  const init = (track: string) => (find(objs, 'Deployment', `image-classifier-${track}`).spec.template.spec.initContainers ?? []).map((c: K8sObject) => c.name);
  assert.ok(!init('blue').includes('download-models'), 'blue mounts the PVC');
  assert.ok(init('green').includes('download-models'), 'green downloads from its own bucket');
  assert.ok(container(find(objs, 'Deployment', 'image-classifier-green'), 'download-models').args.includes(':s3,provider=AWS,env_auth=true:ml-models-next/triton'));
});

// --- Canary ----------------------------------------------------------------------------------------

test('adding a canary or re-weighting it leaves the stable Deployment, its ConfigMap and its Service byte-identical', () => {
  const without = byKey(synth(canaryDoc(undefined)));
  for (const weight of [10, 50]) {
    const withCanary = byKey(synth(canaryDoc(weight)));
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
});

test('gates canary traffic on readiness: the canary pods probe /v2/health/ready', () => {
  const c = container(find(synth(canaryDoc(10)), 'Deployment', 'm-canary'));
  assert.equal(c.image, NEXT_IMAGE);
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/v2/health/ready', port: 'http' });
});

test('sends the canary weight through a second nginx Ingress with the same host and paths', () => {
  const objs = synth(canaryDoc(10));
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
  assert.equal(canary.spec.rules[0].http.paths[0].path, '/embeddings(/|$)(.*)');
  assert.equal(canary.spec.rules[0].http.paths[0].pathType, 'ImplementationSpecific');
  assert.equal(main.metadata.annotations[`${NGINX}/rewrite-target`], '/$2');
  assert.deepEqual(canary.metadata.annotations, { [`${NGINX}/canary`]: 'true', [`${NGINX}/canary-weight`]: '10' });
});

test('accepts weights 0 and 100 at both ends', () => {
  for (const weight of [0, 100]) {
    assert.equal(find(synth(canaryDoc(weight)), 'Ingress', 'm-canary').metadata.annotations[`${NGINX}/canary-weight`], String(weight));
  }
});

test('splits Gateway API traffic with backendRef weights 100 - weight and weight', () => {
  const objs = synthFile('templates/triton-canary-gateway.yaml');
  assert.deepEqual(find(objs, 'HTTPRoute', 'retail-vision').spec.rules[0].backendRefs, [
    { name: 'retail-vision', port: 8000, weight: 75 },
    { name: 'retail-vision-canary', port: 8000, weight: 25 },
  ]);
  assert.equal(all(objs, 'Ingress').length, 0);
  const full = find(synth(tritonDoc({
    gateway: { parentRef: { name: 'gw' } }, networkPolicy: { allowFromNamespaces: ['gw-system'] },
    rollout: { strategy: 'canary', weight: 100, canary: { image: NEXT_IMAGE } },
  })), 'HTTPRoute');
  assert.deepEqual(full.spec.rules[0].backendRefs.map((b: K8sObject) => b.weight), [0, 100]);
});

test('serves the canary model versions from the canary ConfigMap only', () => {
  const objs = synthFile('templates/triton-canary-gateway.yaml');
  const stable = find(objs, 'ConfigMap', 'retail-vision-config').data['shelf-detector.config.pbtxt'];
  const canary = find(objs, 'ConfigMap', 'retail-vision-canary-config').data['shelf-detector.config.pbtxt'];
  assert.match(stable, /^version_policy: \{ specific: \{ versions: \[ 3 \] \} \}$/m);
  assert.match(canary, /^version_policy: \{ specific: \{ versions: \[ 4 \] \} \}$/m);
});

// --- Rules -------------------------------------------------------------------------------------------

const canaryWith = (rollout: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  specErrors(tritonDoc({ ingress: { host: 'ml.example.org' }, rollout: { strategy: 'canary', ...rollout }, ...extra }));
const blueGreenWith = (rollout: Record<string, unknown>) => specErrors(tritonDoc({ rollout: { strategy: 'blueGreen', ...rollout } }));

test('refuses a canary weight outside 0..100 or not whole', () => {
  const canary = { image: NEXT_IMAGE };
  assert.equal(canaryWith({ weight: 101, canary }), 'spec.yaml: spec.rollout.weight: must be <= 100 (got 101)');
  assert.equal(canaryWith({ weight: -1, canary }), 'spec.yaml: spec.rollout.weight: must be >= 0 (got -1)');
  assert.equal(canaryWith({ weight: 12.5, canary }), 'spec.yaml: spec.rollout.weight: must be a whole number (got 12.5)');
});

test('refuses a canary without weight or canary track, and blue-green fields on a canary', () => {
  assert.equal(canaryWith({ active: 'blue', tracks: {} }), [
    'spec.yaml: spec.rollout.weight: is required for canary (0..100 percent of traffic to the canary)',
    'spec.yaml: spec.rollout.canary: is required for canary (the canary track: image and/or model versions)',
    'spec.yaml: spec.rollout.tracks: applies to strategy blueGreen only',
    'spec.yaml: spec.rollout.active: applies to strategy blueGreen only',
  ].join('\n'));
});

test('refuses a canary that nothing can weight', () => {
  assert.equal(specErrors(tritonDoc({ rollout: { strategy: 'canary', weight: 10, canary: { image: NEXT_IMAGE } } })),
    'spec.yaml: spec.rollout: canary weights are applied by the Ingress (nginx canary) or the Gateway API HTTPRoute: set spec.ingress or spec.gateway');
  assert.equal(canaryWith({ weight: 10, canary: { image: NEXT_IMAGE } }, {
    ingress: { host: 'ml.example.org', className: 'traefik' }, gateway: { parentRef: { name: 'gw' } }, networkPolicy: { allowFromNamespaces: ['traefik'] },
  }), 'spec.yaml: spec.rollout: canary weights through an Ingress use the ingress-nginx canary annotations; ingress class "traefik" does not read them (use spec.gateway alone, or ingress class nginx)');
});

test('refuses blue-green without two tracks, without an active track, or with canary fields', () => {
  assert.equal(blueGreenWith({ tracks: { blue: {} }, weight: 10, canary: {} }), [
    'spec.yaml: spec.rollout.tracks: blueGreen needs exactly two tracks (found 1)',
    'spec.yaml: spec.rollout.active: is required for blueGreen (the track the stable Service selects)',
    'spec.yaml: spec.rollout.weight: applies to strategy canary only',
    'spec.yaml: spec.rollout.canary: applies to strategy canary only',
  ].join('\n'));
});

test('refuses an active track that is not among the tracks', () => {
  assert.equal(blueGreenWith({ active: 'red', tracks: { blue: {}, green: {} } }),
    'spec.yaml: spec.rollout.active: track "red" is not in spec.rollout.tracks (blue, green)');
});

test('refuses track overrides of unknown or repeated models and unpinned images', () => {
  assert.equal(blueGreenWith({
    active: 'blue',
    tracks: { blue: { image: 'nvcr.io/nvidia/tritonserver:latest' }, green: { models: [{ name: 'bert', versions: [2] }, { name: 'resnet50' }, { name: 'resnet50' }] } },
  }), [
    'spec.yaml: spec.rollout.tracks.blue.image: image "nvcr.io/nvidia/tritonserver:latest" must be pinned to a tag or digest (no \':latest\', no missing tag)',
    'spec.yaml: spec.rollout.tracks.green.models[0].name: model "bert" is not in spec.models (resnet50)',
    'spec.yaml: spec.rollout.tracks.green.models[2].name: duplicate model name "resnet50"',
  ].join('\n'));
});

test('checks a track repository like spec.repository', () => {
  assert.equal(blueGreenWith({
    active: 'blue',
    tracks: { blue: { repository: { uri: 'ftp://host/models' } }, green: { repository: { pvc: { claimName: 'a' }, uri: 's3://b/m' } } },
  }), [
    'spec.yaml: spec.rollout.tracks.blue.repository.uri: scheme "ftp" is not supported (use s3://, gs://, https://)',
    'spec.yaml: spec.rollout.tracks.green.repository: exactly one model source must be set: pvc, image, uri or huggingface (found pvc, uri)',
  ].join('\n'));
});

test('refuses a canary image that the models cannot run on, at the canary image', () => {
  const doc = tritonDoc({
    image: 'nvcr.io/nvidia/tritonserver:25.02-py3',
    models: [{ name: 'classifier', format: 'savedmodel' }],
    ingress: { host: 'ml.example.org' },
    rollout: { strategy: 'canary', weight: 5, canary: { image: 'nvcr.io/nvidia/tritonserver:25.08-py3' } },
  });
  assert.equal(specErrors(doc),
    'spec.yaml: spec.rollout.canary.image: with this image, spec.models[0].format: Triton 25.08 has no TensorFlow backend (the last image with it is 25.02); serve SavedModels with runtime: tfserving, or pin spec.image to nvcr.io/nvidia/tritonserver:25.02-py3');
});

test('refuses a rollout track image of another runtime', () => {
  assert.equal(canaryWith({ weight: 10, canary: { image: 'vllm/vllm-openai:v0.10.1' } }),
    'spec.yaml: spec.rollout.canary.image: image "vllm/vllm-openai:v0.10.1" is a vllm image but spec.runtime is triton; a rollout track cannot change the runtime');
  for (const r of RUNTIME_REGISTRY.filter((x) => x.name !== 'triton')) {
    const image = `registry.example.org/${r.imageNames[0]}:1.0.0`;
    assert.match(canaryWith({ weight: 10, canary: { image } })!, new RegExp(`is a ${r.name} image but spec.runtime is triton`), r.name);
  }
});

test('refuses a rollout outside mode online', () => {
  assert.match(specErrors(tritonDoc({
    mode: 'edge', edge: { nodeSelector: { 'node-role.kubernetes.io/edge': 'true' } },
    rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: {} } },
  }))!, /spec\.rollout: applies to mode online only \(mode is edge\)/);
});

test('refuses version overrides on a runtime without numbered versions', () => {
  const doc = parse(readFileSync('templates/torchserve-mar.yaml', 'utf8'));
  const model = doc.spec.models[0].name;
  doc.spec.ingress = { host: 'ml.example.org' };
  doc.spec.rollout = { strategy: 'canary', weight: 10, canary: { models: [{ name: model, versions: [2] }] } };
  assert.equal(specErrors(doc),
    'spec.yaml: spec.rollout.canary.models[0].versions: runtime torchserve does not serve numbered versions (override the image or the repository instead)');
});
