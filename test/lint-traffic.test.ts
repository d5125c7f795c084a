/** model-serving lint about how clients reach a model: unreachable models, edge clients, Gateway proxies, ingress-nginx. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { lintDocument } from '../lib/lint';
import { tritonDoc, specErrors } from './support/synth';

const warning = (doc: any, path: string) => lintDocument(doc).filter((w) => w.path === path).map((w) => w.message);
const gateway = { parentRef: { name: 'inference', namespace: 'gateway-system' } };
const RETIRED = 'ingress-nginx is retired: its best-effort maintenance ended in March 2026, with no releases or security fixes since (kubernetes.io/blog/2025/11/11/ingress-nginx-retirement; kubernetes/ingress-nginx README); move to spec.gateway: set spec.gateway.parentRef to your Gateway (the HTTPRoute takes its hostname and path from spec.ingress while both are set), apply, check that the HTTPRoute is Accepted and serves, then remove spec.ingress (docs/TRAFFIC.md, "ingress-nginx is retired: moving to the Gateway API")';

test('warns when nothing outside the spec\'s namespace can reach the model', () => {
  assert.deepEqual(warning(tritonDoc(), 'spec.networkPolicy'), [
    'nothing outside namespace ml can reach the model: there is no spec.gateway or spec.ingress, and the NetworkPolicy admits only pods of ml; set spec.gateway, or list the clients\' namespaces in spec.networkPolicy.allowFromNamespaces',
  ]);
  assert.deepEqual(warning(tritonDoc({ networkPolicy: { allowFromNamespaces: ['apps'] } }), 'spec.networkPolicy'), []);
  assert.deepEqual(warning(tritonDoc({ networkPolicy: { allowFromNamespaces: ['ml'] } }), 'spec.networkPolicy').length, 1, 'its own namespace is no client from outside');
  assert.deepEqual(warning(tritonDoc({ gateway }), 'spec.networkPolicy'), []);
  assert.deepEqual(warning(tritonDoc({ networkPolicy: { enabled: false } }), 'spec.networkPolicy'), []);
});

test('warns that an edge node\'s clients in other namespaces are dropped', () => {
  const doc = parse(readFileSync('templates/triton-edge-cpu.yaml', 'utf8'));
  assert.deepEqual(warning(doc, 'spec.networkPolicy.allowFromNamespaces'), [
    `mode edge: clients on an edge node reach its server through Service ${doc.metadata.name} (internalTrafficPolicy: Local) from pods of namespace ${doc.metadata.namespace}, or from the node itself (host network); pods of other namespaces are dropped: list their namespaces`,
  ]);
  doc.spec.networkPolicy = { allowFromNamespaces: ['store-apps'] };
  assert.deepEqual(warning(doc, 'spec.networkPolicy.allowFromNamespaces'), []);
});

test('warns that the Gateway\'s proxies may run outside the Gateway\'s namespace', () => {
  assert.deepEqual(warning(tritonDoc({ gateway }), 'spec.networkPolicy.allowFromNamespaces'), [
    "not set: the NetworkPolicy admits the Gateway's namespace gateway-system, where implementations that deploy a proxy per Gateway run it; an implementation that runs its proxies elsewhere (Envoy Gateway by default: its controller's namespace, envoy-gateway-system) needs that namespace listed, or every request through the route is dropped",
  ]);
  assert.deepEqual(warning(tritonDoc({ gateway, networkPolicy: { allowFromNamespaces: ['envoy-gateway-system'] } }), 'spec.networkPolicy.allowFromNamespaces'), []);
});

test('warns that ingress-nginx is retired and how to move to spec.gateway', () => {
  const nginx = tritonDoc({ ingress: { host: 'a.example.org', className: 'nginx' }, networkPolicy: { allowFromNamespaces: ['ingress-nginx'] } });
  assert.deepEqual(warning(nginx, 'spec.ingress.className'), [RETIRED]);
  const unset = tritonDoc({ ingress: { host: 'a.example.org' }, networkPolicy: { allowFromNamespaces: ['ingress-system'] } });
  assert.match(warning(unset, 'spec.ingress.className')[0], /^not set: the cluster's default IngressClass serves this Ingress, and no ingress-nginx annotation is written\. If that class is ingress-nginx: it is retired/);
  const traefik = tritonDoc({ ingress: { host: 'a.example.org', className: 'traefik' }, networkPolicy: { allowFromNamespaces: ['traefik'] } });
  assert.deepEqual(warning(traefik, 'spec.ingress.className'), []);
});

test('warns that vLLM streams through an ingress class whose timeout and buffering only its controller sets', () => {
  const doc = parse(readFileSync('templates/vllm-llama.yaml', 'utf8'));
  doc.spec.ingress = { host: 'llm.example.org', className: 'traefik' };
  doc.spec.networkPolicy = { allowFromNamespaces: ['traefik'] };
  assert.deepEqual(warning(doc, 'spec.ingress'), [
    'runtime vllm streams its responses: configure a request timeout of at least 3600 seconds and no response buffering in the controller of ingress class "traefik" (written here for spec.gateway and class nginx only), or streamed completions are cut or held back',
  ]);
  doc.spec.ingress.className = 'nginx';
  assert.deepEqual(warning(doc, 'spec.ingress'), []);
});

test('warns that a blue-green preview under autoscaling sits at minReplicas, not at the active track\'s size', () => {
  const doc = parse(readFileSync('templates/triton-bluegreen.yaml', 'utf8'));
  assert.deepEqual(warning(doc, 'spec.rollout'), [], 'no autoscaling: both tracks run spec.replicas');
  delete doc.spec.replicas;
  doc.spec.autoscaling = { minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercent: 70 };
  assert.equal(specErrors(doc), undefined);
  assert.deepEqual(warning(doc, 'spec.rollout'), [
    'blue-green with autoscaling: the preview track gets no traffic, so its autoscaler keeps it at autoscaling.minReplicas (2), not at the active track\'s current size, and a flip sends every request to those 2 pod(s). Before flipping, raise autoscaling.minReplicas to the active track\'s current replica count (kubectl get hpa), wait until the preview\'s pods are Ready, flip, then lower it again (docs/TRAFFIC.md, "Blue-green": flip procedure, step 3)',
  ]);
  const canary = parse(readFileSync('templates/triton-canary-gateway.yaml', 'utf8'));
  delete canary.spec.replicas;
  canary.spec.autoscaling = { minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercent: 70 };
  assert.deepEqual(warning(canary, 'spec.rollout'), [], 'a canary scales on its own share of the traffic');
});

/** templates/triton-bluegreen.yaml turned on the wrong way: green (no overrides) active, blue (the default primary) overriding. */
function turnedOnWrong(): any {
  const doc = parse(readFileSync('templates/triton-bluegreen.yaml', 'utf8'));
  delete doc.spec.rollout.primary;
  doc.spec.rollout.active = 'green';
  doc.spec.rollout.tracks = { green: {}, blue: { image: 'nvcr.io/nvidia/tritonserver:26.07-py3', models: [{ name: 'resnet50', versions: [2] }] } };
  return doc;
}

test('warns when turning blue-green on would move the Service to a track still loading or rewrite the running Deployment', () => {
  const doc = turnedOnWrong();
  assert.equal(specErrors(doc), undefined);
  const unset = 'spec.rollout.primary is not set: the first track name in alphabetical order';
  const cite = '(docs/TRAFFIC.md, "Blue-green": the primary track, turning blue-green on)';
  assert.deepEqual(warning(doc, 'spec.rollout.active'), [
    `track "green" is not the primary track "blue" (${unset}), the one that keeps the Deployment image-classifier of the spec without a rollout. ` +
    'If this apply turns blue-green on, the Service image-classifier moves at once from the running pods to the new Deployment image-classifier-green, whose pods are still starting and loading the model. ' +
    'Turn it on with the primary track active: set spec.rollout.primary to the track that runs what image-classifier runs now (spec.image, spec.models, spec.repository, no overrides of its own), ' +
    `make it the active one, and flip when the other track is Ready; after a flip, an active track that is not the primary is expected ${cite}`,
  ]);
  assert.deepEqual(warning(doc, 'spec.rollout.tracks.blue'), [
    `the primary track "blue" (${unset}) keeps the Deployment image-classifier of the spec without a rollout, and its own image and models differ from spec.image and spec.models: ` +
    'if this apply turns blue-green on, it rewrites the running Deployment image-classifier, whose pods then roll. ' +
    `Turn it on with a primary track that has no overrides of its own (set spec.rollout.primary to that track) and the new version in the other track ${cite}`,
  ]);
  // the primary track active and serving what the spec serves: no warning
  doc.spec.rollout.primary = 'green';
  assert.deepEqual(lintDocument(doc).filter((w) => w.path.startsWith('spec.rollout')), []);
  assert.deepEqual(lintDocument(parse(readFileSync('templates/triton-bluegreen.yaml', 'utf8'))).filter((w) => w.path.startsWith('spec.rollout')), []);
  // an override equal to the spec's value changes nothing; a primary rolling while it serves is said so
  const same = parse(readFileSync('templates/triton-bluegreen.yaml', 'utf8'));
  same.spec.rollout.tracks.blue = { image: same.spec.image, models: [{ name: 'resnet50', versions: [1] }], repository: structuredClone(same.spec.repository) };
  assert.deepEqual(warning(same, 'spec.rollout.tracks.blue'), []);
  same.spec.rollout.tracks.blue.repository = { pvc: { claimName: 'model-store-v2' } };
  assert.match(warning(same, 'spec.rollout.tracks.blue')[0], /its own repository differs from spec\.repository: if this apply turns blue-green on, it rewrites the running Deployment image-classifier, whose pods then roll while they serve\. /);
});

test('every docs/TRAFFIC.md section a traffic warning cites is a heading of that file', () => {
  const docs = [
    tritonDoc({ ingress: { host: 'a.example.org', className: 'nginx' }, networkPolicy: { allowFromNamespaces: ['ingress-nginx'] } }),
    tritonDoc({ ingress: { host: 'a.example.org' }, networkPolicy: { allowFromNamespaces: ['ingress-system'] } }),
    (() => {
      const d = parse(readFileSync('templates/triton-bluegreen.yaml', 'utf8'));
      delete d.spec.replicas;
      d.spec.autoscaling = { minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercent: 70 };
      return d;
    })(),
    turnedOnWrong(),
  ];
  const headings = new Set(readFileSync('docs/TRAFFIC.md', 'utf8').split('\n').filter((l) => /^#+ /.test(l)).map((l) => l.replace(/^#+ /, '')));
  const cited = docs.flatMap((d) => lintDocument(d).flatMap((w) => [...w.message.matchAll(/docs\/TRAFFIC\.md, "([^"]+)"/g)].map((m) => m[1])));
  assert.ok(cited.length >= 5, `${cited.length} citations`);
  for (const c of cited) assert.ok(headings.has(c), `docs/TRAFFIC.md has no heading "${c}"`);
});
