/** spec.repository.image: the model repository as an OCI image volume, for every runtime that reads a directory. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synth, synthFile, find, container, specErrors, tritonDoc, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { parseSpecs } from '../lib/spec/load';

const objs = synthFile('templates/vllm-image-volume.yaml');
const deploy = find(objs, 'Deployment', 'qwen-chat');
const IMAGE = 'registry.example.com/models/qwen2.5-7b-instruct:2024-09-19';

test('vllm-image-volume.yaml synthesizes to strictly valid objects', async () => {
  await assertValidObjects(objs);
});

test('the model store is an image volume pulled once per node and mounted read-only: no download step', () => {
  const pod = deploy.spec.template.spec;
  assert.deepEqual(pod.volumes.find((v: K8sObject) => v.name === 'model-store'), { name: 'model-store', image: { reference: IMAGE, pullPolicy: 'IfNotPresent' } });
  assert.deepEqual(container(deploy).volumeMounts.find((m: K8sObject) => m.name === 'model-store'), { name: 'model-store', mountPath: '/model-store', readOnly: true, subPath: 'models' });
  assert.equal(pod.initContainers, undefined);
  const args = container(deploy).args;
  // vllm serve takes the model as its first positional argument: the directory in the image volume
  assert.equal(args[0], '/model-store/Qwen2.5-7B-Instruct');
  assert.ok(!args.includes('--model'));
  // a local model never needs the Hub
  assert.ok(container(deploy).env.some((e: K8sObject) => e.name === 'HF_HUB_OFFLINE' && e.value === '1'));
});

const runtimes: Record<string, Record<string, unknown>> = {
  triton: { runtime: 'triton', models: [{ name: 'resnet50', format: 'onnx' }] },
  tfserving: { runtime: 'tfserving', models: [{ name: 'ranker', format: 'savedmodel' }] },
  torchserve: { runtime: 'torchserve', models: [{ name: 'bert', format: 'mar' }] },
};
for (const [name, spec] of Object.entries(runtimes)) {
  test(`${name} reads the image volume as its model store`, async () => {
    const o = synth(tritonDoc({ ...spec, repository: { image: { reference: 'registry.example.com/m:1', pullPolicy: 'Always' } } }));
    await assertValidObjects(o);
    const d = find(o, 'Deployment');
    assert.deepEqual(d.spec.template.spec.volumes.find((v: K8sObject) => v.name === 'model-store').image, { reference: 'registry.example.com/m:1', pullPolicy: 'Always' });
    // no download container; Triton's repository assembly links into the read-only store
    const init = (d.spec.template.spec.initContainers ?? []).map((c: K8sObject) => c.name);
    assert.deepEqual(init, name === 'triton' ? ['assemble-repository'] : []);
    if (name === 'triton') assert.match(container(d, 'assemble-repository').command[2], /\/model-store\//);
  });
}

test('a blue-green track may bring its model in its own image', async () => {
  const o = synth(tritonDoc({
    rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: { repository: { image: { reference: 'registry.example.com/m:2' } } } } },
  }));
  await assertValidObjects(o);
  assert.equal(find(o, 'Deployment', 'm-green').spec.template.spec.volumes.find((v: K8sObject) => v.name === 'model-store').image.reference, 'registry.example.com/m:2');
  // blue is the primary track: the Deployment m that ran before blue-green (docs/TRAFFIC.md)
  assert.equal(find(o, 'Deployment', 'm').spec.template.spec.volumes.find((v: K8sObject) => v.name === 'model-store').persistentVolumeClaim.claimName, 'models');
});

test('refuses a model image that is not pinned', () => {
  assert.equal(specErrors(tritonDoc({ repository: { image: { reference: 'registry.example.com/models:latest' } } })),
    'spec.yaml: spec.repository.image.reference: image "registry.example.com/models:latest" must be pinned to a tag or digest (no \':latest\', no missing tag)');
});

test('refuses an image together with another model source', () => {
  assert.equal(specErrors(tritonDoc({ repository: { pvc: { claimName: 'x' }, image: { reference: 'r/m:1' } } })),
    'spec.yaml: spec.repository: exactly one model source must be set: pvc, image, uri or huggingface (found pvc, image)');
});

test('refuses an edge hostPathCache with an image volume (the node keeps the image)', () => {
  assert.equal(specErrors(tritonDoc({ mode: 'edge', edge: { nodeSelector: { edge: 'true' }, hostPathCache: '/var/cache/models' }, repository: { image: { reference: 'r/m:1' } } })),
    'spec.yaml: spec.edge.hostPathCache: applies to repository.uri only (the models come from an image volume, which the node keeps)');
});

test('requires Kubernetes 1.35 for an image volume', () => {
  assert.throws(() => parseSpecs(JSON.stringify(tritonDoc({ repository: { image: { reference: 'r/m:1' } } })), 'spec.yaml', { kubeVersion: '1.34' }), (e: Error) => {
    assert.equal(e.message, 'spec.yaml: spec.repository.image: the model as an image volume needs image volumes (volumes[].image; feature gate ImageVolume, beta on by default in 1.35, GA 1.36; the node\'s container runtime must support it too), which Kubernetes 1.35 has; the target is 1.34 (--kube-version)');
    return true;
  });
});

test('requires Kubernetes 1.35 for a canary or a track that brings its model as an image volume', () => {
  const NEEDS = 'needs image volumes (volumes[].image; feature gate ImageVolume, beta on by default in 1.35, GA 1.36; the node\'s container runtime must support it too), which Kubernetes 1.35 has; the target is 1.34 (--kube-version)';
  const at134 = (doc: Record<string, unknown>) => {
    try {
      parseSpecs(JSON.stringify(doc), 'spec.yaml', { kubeVersion: '1.34' });
      return 'accepted';
    } catch (e) {
      return (e as Error).message;
    }
  };
  const image = { image: { reference: 'registry.example.com/m:2' } };
  assert.equal(at134(tritonDoc({ gateway: { parentRef: { name: 'gw' } }, rollout: { strategy: 'canary', weight: 10, canary: { repository: image } } })),
    `spec.yaml: spec.rollout.canary.repository.image: the model as an image volume ${NEEDS}`);
  assert.equal(at134(tritonDoc({ rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: { repository: image } } } })),
    `spec.yaml: spec.rollout.tracks: a track whose repository is an image volume ${NEEDS}`);
  assert.equal(at134(tritonDoc({ rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: {} } } })), 'accepted');
});
