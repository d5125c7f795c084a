/** Blue-green and canary rollouts: every rollout rule by its text (the behaviour: rollout.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { synth, all, tritonDoc, specErrors, K8sObject } from './support/synth';
import { RUNTIME_REGISTRY } from '../lib/runtimes/registry';
import { vllmPoolDoc } from './support/llm';

const NEXT_IMAGE = 'nvcr.io/nvidia/tritonserver:26.07-py3';
const canaryWith = (rollout: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  specErrors(tritonDoc({ gateway: { parentRef: { name: 'gw' } }, rollout: { strategy: 'canary', ...rollout }, ...extra }));
const blueGreenWith = (rollout: Record<string, unknown>) => specErrors(tritonDoc({ rollout: { strategy: 'blueGreen', ...rollout } }));

test('refuses a canary weight outside 0..100 or not whole', () => {
  const canary = { image: NEXT_IMAGE };
  assert.equal(canaryWith({ weight: 101, canary }), 'spec.yaml: spec.rollout.weight: must be <= 100 (got 101)');
  assert.equal(canaryWith({ weight: -1, canary }), 'spec.yaml: spec.rollout.weight: must be >= 0 (got -1)');
  assert.equal(canaryWith({ weight: 12.5, canary }), 'spec.yaml: spec.rollout.weight: must be a whole number (got 12.5)');
});

test('refuses a canary without weight or canary track, and blue-green fields on a canary', () => {
  assert.equal(canaryWith({ active: 'blue', primary: 'blue', tracks: {} }), [
    'spec.yaml: spec.rollout.weight: is required for canary (0..100 percent of traffic to the canary)',
    'spec.yaml: spec.rollout.canary: is required for canary (the canary track: image and/or model versions)',
    'spec.yaml: spec.rollout.tracks: applies to strategy blueGreen only',
    'spec.yaml: spec.rollout.active: applies to strategy blueGreen only',
    'spec.yaml: spec.rollout.primary: applies to strategy blueGreen only',
  ].join('\n'));
});

test('refuses a canary that nothing can weight', () => {
  assert.equal(specErrors(tritonDoc({ rollout: { strategy: 'canary', weight: 10, canary: { image: NEXT_IMAGE } } })),
    'spec.yaml: spec.rollout: canary weights are applied by the Gateway API HTTPRoute or the ingress-nginx canary Ingress: set spec.gateway (or spec.ingress with className: nginx)');
  assert.equal(canaryWith({ weight: 10, canary: { image: NEXT_IMAGE } }, {
    ingress: { host: 'ml.example.org', className: 'traefik' }, networkPolicy: { allowFromNamespaces: ['traefik'] },
  }), 'spec.yaml: spec.rollout: canary weights through an Ingress use the ingress-nginx canary annotations, written only with spec.ingress.className: nginx (className is "traefik"); use spec.gateway alone, or className: nginx');
});

test('refuses blue-green without two tracks, without an active track, or with canary fields', () => {
  assert.equal(blueGreenWith({ tracks: { blue: {} }, weight: 10, canary: {} }), [
    'spec.yaml: spec.rollout.tracks: blueGreen needs exactly two tracks (found 1)',
    'spec.yaml: spec.rollout.active: is required for blueGreen (the track the stable Service selects)',
    'spec.yaml: spec.rollout.weight: applies to strategy canary only',
    'spec.yaml: spec.rollout.canary: applies to strategy canary only',
  ].join('\n'));
});

test('refuses a blue-green track named stable: the primary track\'s pods carry that track label', () => {
  assert.equal(blueGreenWith({ active: 'blue', tracks: { blue: {}, stable: {} } }),
    'spec.yaml: spec.rollout.tracks.stable: "stable" is the pod label (model-serving/track) of the primary track, whichever track that is: a track of this name would share it, ' +
    'and the primary Deployment\'s selector and the Services would select the other track\'s pods too; name the tracks e.g. blue and green');
  // what the rule prevents: the primary track (blue) and a track named stable would carry the same pod label
  const objs = synth(tritonDoc({ rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: {} } } }));
  assert.deepEqual(all(objs, 'Deployment').map((d) => [d.metadata.name, d.spec.template.metadata.labels['model-serving/track']]), [['m', 'stable'], ['m-green', 'green']]);
});

test('refuses scale to zero with a rollout unless an inference pool\'s endpoint picker wakes every track', () => {
  const PROM = 'http://prometheus-operated.monitoring:9090';
  const keda = { engine: 'keda', minReplicas: 0, maxReplicas: 4, keda: { serverAddress: PROM, threshold: 10, query: 'sum(rate(nv_inference_request_success{job="m-metrics"}[2m]))' } };
  const reads = '(a KEDA query gets the track\'s model_serving_track matcher, HPA metrics come from the track\'s pods)';
  const noPool = `spec.yaml: spec.autoscaling.minReplicas: 0 cannot be used with spec.rollout: each track's autoscaler reads only its own track's pods ${reads}, and a track at zero has no pods and so no samples: ` +
    'it would never scale up again; keep minReplicas at 1 or more, or serve behind spec.inferencePool, whose endpoint picker sees the requests held for a track at zero';
  assert.equal(specErrors(tritonDoc({ gateway: { parentRef: { name: 'gw' } }, rollout: { strategy: 'canary', weight: 10, canary: { image: NEXT_IMAGE } }, autoscaling: keda })), noPool);
  assert.equal(specErrors(tritonDoc({ rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: {} } }, autoscaling: keda })), noPool);
  // behind an inference pool: a canary's tracks each have a pool and a picker trigger; a blue-green preview track has none
  const kedaZero = { engine: 'keda', minReplicas: 0, maxReplicas: 4, keda: { serverAddress: PROM, threshold: 10 } };
  const gateway = { parentRef: { name: 'gw' }, timeoutSeconds: 3600 };
  assert.equal(specErrors(vllmPoolDoc({ gateway, rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: {} } }, autoscaling: kedaZero })),
    `spec.yaml: spec.autoscaling.minReplicas: 0 cannot be used with a blueGreen spec.rollout: only the active track has an inference pool, whose endpoint picker wakes it from zero; the preview track's autoscaler reads only its own pods ${reads}, ` +
    'and at zero it has none, so it would never scale up again; keep minReplicas at 1 or more');
  const objs = synth(vllmPoolDoc({ gateway, rollout: { strategy: 'canary', weight: 10, canary: {} }, autoscaling: kedaZero }));
  assert.deepEqual(all(objs, 'ScaledObject').map((o) => [o.metadata.name, o.spec.minReplicaCount, o.spec.triggers.some((t: K8sObject) => t.name === 'picker-in-flight')]),
    [['chat', 0, true], ['chat-canary', 0, true]]);
});

test('refuses an active or primary track that is not among the tracks', () => {
  assert.equal(blueGreenWith({ active: 'red', primary: 'teal', tracks: { blue: {}, green: {} } }), [
    'spec.yaml: spec.rollout.active: track "red" is not in spec.rollout.tracks (blue, green)',
    'spec.yaml: spec.rollout.primary: track "teal" is not in spec.rollout.tracks (blue, green)',
  ].join('\n'));
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
    gateway: { parentRef: { name: 'gw' } },
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
  doc.spec.rollout = { strategy: 'canary', weight: 10, canary: { models: [{ name: model, versions: [2] }] } };
  assert.equal(specErrors(doc),
    'spec.yaml: spec.rollout.canary.models[0].versions: runtime torchserve does not serve numbered versions (override the image or the repository instead)');
});
