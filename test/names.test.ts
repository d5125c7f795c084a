/** Object names of several specs: two specs of one namespace must never write the same object. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { synth, synthFile, tritonDoc, K8sObject } from './support/synth';
import { generatedObjectKeys } from '../lib/model/names';
import { loadSpecFiles } from '../lib/model/files';
import { loadSpecFile } from '../lib/spec/load';
import { main } from '../lib/cli/main';
import { synthesizeSpecs } from '../lib/synth';
import type { ModelServingDocument } from '../lib/spec/schema/spec';
import { vllmPoolDoc } from './support/llm';

const keysOf = (objs: K8sObject[]) => objs.filter((o) => o.kind !== 'PodDisruptionBudget').map((o) => `${o.kind}/${o.metadata.name}`).sort();
const gateway = { parentRef: { name: 'gw' } };
const NEXT_IMAGE = 'nvcr.io/nvidia/tritonserver:25.09-py3';

test('knows the name of every object each template writes, before synthesis', () => {
  for (const f of readdirSync('templates').filter((x) => x.endsWith('.yaml'))) {
    const objs = synthFile(`templates/${f}`);
    const docs = loadSpecFile(`templates/${f}`).map((l) => l.document);
    assert.deepEqual(docs.flatMap((d) => generatedObjectKeys(d)).sort(), keysOf(objs), f);
    // a budget is named like its Deployment, whose clash is reported
    for (const pdb of objs.filter((o) => o.kind === 'PodDisruptionBudget')) assert.ok(objs.some((o) => (o.kind === 'Deployment' && o.metadata.name === pdb.metadata.name) || (o.kind === 'LeaderWorkerSet' && o.metadata.name === `${pdb.metadata.name}-lws`)));
  }
});

test('knows the names of rollout tracks, autoscalers, created claims and optional objects', () => {
  const variants = [
    tritonDoc({ gateway, rollout: { strategy: 'canary', weight: 10, canary: { image: NEXT_IMAGE, repository: { pvc: { create: { size: '1Gi' } } } } },
      repository: { pvc: { create: { size: '1Gi' } } }, autoscaling: { maxReplicas: 4, targetInferencesPerSecondPerPod: 10 }, verticalAutoscaling: {} }),
    tritonDoc({ rollout: { strategy: 'blueGreen', active: 'green', tracks: { blue: {}, green: { image: NEXT_IMAGE } } }, serviceAccountName: 'sa',
      autoscaling: { engine: 'keda', maxReplicas: 3, keda: { serverAddress: 'http://p:9090', threshold: 5 } }, monitoring: { dashboard: false, prometheusRule: false } }),
    tritonDoc({ autoscaling: { maxReplicas: 3 }, monitoring: { serviceMonitor: false }, networkPolicy: { enabled: false } }),
    tritonDoc({ mode: 'batch', batch: { input: 's3://b/in/', output: 's3://b/out/' } }),
    parse(readFileSync('templates/vllm-llama.yaml', 'utf8')),
    // TensorRT builds (one Job per distinct build) and DRA claims (named after their spec) of every track
    ...[{ blue: {}, green: {} }, { blue: {}, green: { image: NEXT_IMAGE } }].map((tracks) => tritonDoc({
      image: 'nvcr.io/nvidia/tritonserver:25.08-py3',
      models: [{
        name: 'det', format: 'tensorrt', versions: [1], inputs: [{ name: 'x', dataType: 'FP32', dims: [3, 8, 8] }], outputs: [{ name: 'y', dataType: 'FP32', dims: [2] }],
        build: { tensorrt: {} },
      }],
      repository: { pvc: { claimName: 'models', readOnly: false } }, resources: { gpu: { count: 1, product: 'NVIDIA-L4' } },
      rollout: { strategy: 'blueGreen', active: 'blue', tracks },
    })),
    tritonDoc({ resources: { gpu: { count: 1, claim: { sharing: { strategy: 'TimeSlicing' } } } }, gateway, rollout: { strategy: 'canary', weight: 10, canary: {} } }),
  ];
  for (const doc of variants) assert.deepEqual([...generatedObjectKeys(doc)].sort(), keysOf(synth(doc)), JSON.stringify(doc.spec).slice(0, 80));
});

function writeSpecs(...docs: Record<string, unknown>[][]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ms-names-'));
  return docs.map((d, i) => {
    const f = join(dir, `spec${i}.yaml`);
    writeFileSync(f, d.map((x) => stringify(x)).join('---\n'));
    return f;
  });
}

test('refuses two specs of one namespace whose objects clash, across files (foo and foo-metrics)', () => {
  const [a, b] = writeSpecs([tritonDoc({}, { name: 'foo' })], [tritonDoc({}, { name: 'foo-metrics' })]);
  const { issues } = loadSpecFiles([a, b]);
  assert.deepEqual(issues, [{
    file: b, path: 'metadata.name',
    message: `"foo-metrics" and the spec foo (${a}, document 1) both write Service/foo-metrics in namespace ml: one would overwrite the other; rename one of them`,
  }]);
});

test('refuses a spec named like the canary or preview objects of another spec', () => {
  const canary = tritonDoc({ gateway, rollout: { strategy: 'canary', weight: 10, canary: { image: NEXT_IMAGE } } }, { name: 'foo' });
  const blueGreen = tritonDoc({ rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: {} } } }, { name: 'bar' });
  const [f] = writeSpecs([canary, tritonDoc({}, { name: 'foo-canary' }), blueGreen, tritonDoc({}, { name: 'bar-preview' }), tritonDoc({}, { name: 'bar-green' })]);
  assert.deepEqual(loadSpecFiles([f]).issues.map((i) => i.message), [
    `"foo-canary" and the spec foo (${f}, document 1) both write ConfigMap/foo-canary-config in namespace ml: one would overwrite the other; rename one of them`,
    `"bar-preview" and the spec bar (${f}, document 3) both write Service/bar-preview in namespace ml: one would overwrite the other; rename one of them`,
    `"bar-green" and the spec bar (${f}, document 3) both write ConfigMap/bar-green-config in namespace ml: one would overwrite the other; rename one of them`,
  ]);
});

test('refuses a spec whose Service takes the name of the headless Service the LeaderWorkerSet controller creates for another spec', () => {
  // the controller names it after the LeaderWorkerSet (<name>-lws) and keeps a Service it finds under that name
  const multi = parse(readFileSync('templates/vllm-multinode-lws.yaml', 'utf8'));
  const other = tritonDoc({}, { name: 'llama-405b-lws', namespace: 'llm' });
  const [f] = writeSpecs([multi, other]);
  assert.deepEqual(loadSpecFiles([f]).issues, [{
    file: f, path: 'metadata.name',
    message: `"llama-405b-lws" and the spec llama-405b (${f}, document 1) both write Service/llama-405b-lws in namespace llm ` +
      '(the LeaderWorkerSet controller creates Service/llama-405b-lws for LeaderWorkerSet llama-405b-lws): one would overwrite the other; rename one of them',
  }]);
  // the reserved name is not an object the library writes
  assert.ok(!generatedObjectKeys(multi).includes('Service/llama-405b-lws'));
  // in another namespace there is no clash
  assert.deepEqual(loadSpecFiles(writeSpecs([multi, { ...other, metadata: { ...other.metadata, namespace: 'ml' } }])).issues, []);
});

test('accepts the same names in different namespaces, and names that share only a prefix', () => {
  const [f] = writeSpecs([tritonDoc({}, { name: 'foo' }), tritonDoc({}, { name: 'foo-metrics', namespace: 'other' }), tritonDoc({}, { name: 'foo-x' })]);
  assert.deepEqual(loadSpecFiles([f]).issues, []);
});

test('model-serving validate reports a clash with the file and the field, and exit code 1', () => {
  const [a, b] = writeSpecs([tritonDoc({}, { name: 'foo' })], [tritonDoc({}, { name: 'foo-metrics' })]);
  let out = '';
  const io = { out: (s: string) => (out += s), err: (s: string) => (out += s) };
  assert.equal(main(['validate', a, b], io), 1);
  assert.equal(out, `${b}: metadata.name: "foo-metrics" and the spec foo (${a}, document 1) both write Service/foo-metrics in namespace ml: one would overwrite the other; rename one of them\n`);
  // kinds count: foo's ConfigMap foo-dashboard and spec foo-dashboard (whose ConfigMaps are foo-dashboard-config and -dashboard) do not clash
  assert.equal(main(['validate', a, writeSpecs([tritonDoc({}, { name: 'foo-dashboard' })])[0]], io), 0);
});

test('refuses one spec that would write an object twice, at the field that names it (a blue-green track named epp next to the endpoint picker)', () => {
  const doc = vllmPoolDoc({ rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, epp: {} } } });
  // both Deployments would be chat-epp: the track's and the endpoint picker's
  const keys = generatedObjectKeys(doc as unknown as ModelServingDocument);
  assert.equal(keys.filter((k) => k === 'Deployment/chat-epp').length, 2);
  const [f] = writeSpecs([doc]);
  assert.deepEqual(loadSpecFiles([f]).issues, [{
    file: f, path: 'spec.rollout.tracks.epp',
    message: 'track "epp" and the endpoint picker of spec.inferencePool both write Deployment/chat-epp in namespace llm: one would overwrite the other; choose another track name',
  }]);
  // the library refuses it too (synthesizeSpecs builds a ModelServingChart), and another track name is fine
  assert.throws(() => synthesizeSpecs([doc as unknown as ModelServingDocument]), /spec\.rollout\.tracks\.epp: track "epp" and the endpoint picker/);
  const [ok] = writeSpecs([vllmPoolDoc({ rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: {} } } })]);
  assert.deepEqual(loadSpecFiles([ok]).issues, []);
});
