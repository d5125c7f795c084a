/** TensorRT engine builds: the Job, the serving pods' wait step, rebuild triggers, Pulumi order, every refusal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, chmodSync, utimesSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synth, synthFile, tritonDoc, find, all, container, specErrors, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { planResources } from '../lib/pulumi/plan';
import { loadSpecFile } from '../lib/spec/load';
import { tensorrtImageFor } from '../lib/runtimes/triton-engine';

const TEMPLATE = 'templates/triton-trt-build.yaml';
const IMAGE_25 = 'nvcr.io/nvidia/tritonserver:25.08-py3';

/** A Triton spec with one built model; `build` and `extra` override parts of it. */
function buildDoc(build: Record<string, unknown> = {}, extra: Record<string, unknown> = {}, model: Record<string, unknown> = {}) {
  return tritonDoc({
    image: IMAGE_25,
    models: [{
      name: 'det', format: 'tensorrt', versions: [1], maxBatchSize: 8,
      inputs: [{ name: 'images', dataType: 'FP32', dims: [3, 64, 64] }], outputs: [{ name: 'out', dataType: 'FP32', dims: [10] }],
      build: { tensorrt: { minShapes: { images: [1, 3, 64, 64] }, optShapes: { images: [4, 3, 64, 64] }, maxShapes: { images: [8, 3, 64, 64] }, ...build } },
      ...model,
    }],
    repository: { pvc: { claimName: 'models', subPath: 'triton', readOnly: false } },
    resources: { gpu: { count: 1, product: 'NVIDIA-L4' } },
    ...extra,
  });
}
const jobOf = (objs: K8sObject[]) => find(objs, 'Job');
const script = (job: K8sObject) => job.spec.template.spec.containers[0].command[2] as string;

test(`every object of ${TEMPLATE} is valid against the Kubernetes schemas, strictly`, async () => {
  await assertValidObjects(synthFile(TEMPLATE));
});

test('the build image is the TensorRT image of the serving release', () => {
  assert.equal(jobOf(synthFile(TEMPLATE)).spec.template.spec.containers[0].image, 'nvcr.io/nvidia/tensorrt:26.07-py3');
  assert.equal(jobOf(synth(buildDoc())).spec.template.spec.containers[0].image, 'nvcr.io/nvidia/tensorrt:25.08-py3');
  assert.equal(tensorrtImageFor('nvcr.io/nvidia/tritonserver:26.02-py3-igpu'), 'nvcr.io/nvidia/tensorrt:26.02-py3-igpu');
  assert.equal(tensorrtImageFor('nvcr.io/nvidia/tritonserver:26.07-trtllm-python-py3'), undefined, 'TensorRT-LLM images carry their own TensorRT');
  assert.equal(tensorrtImageFor('registry.example.org/triton:1.0'), undefined);
});

test('the Job runs trtexec on the pods\' GPU product with one GPU and the repository writable', () => {
  const objs = synth(buildDoc({}, { nodeSelector: { pool: 'gpu' } }));
  const job = jobOf(objs);
  const pod = job.spec.template.spec;
  const dep = find(objs, 'Deployment').spec.template.spec;
  assert.deepEqual(pod.affinity, dep.affinity);
  assert.deepEqual(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions, [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-L4'] }]);
  assert.deepEqual(pod.nodeSelector, dep.nodeSelector);
  assert.deepEqual(pod.tolerations, dep.tolerations);
  assert.equal(pod.restartPolicy, 'Never');
  const c = pod.containers[0];
  assert.equal(c.resources.limits['nvidia.com/gpu'], 1);
  assert.deepEqual(c.volumeMounts[0], { name: 'model-store', mountPath: '/model-store', readOnly: false, subPath: 'triton' });
  assert.deepEqual(pod.volumes[0], { name: 'model-store', persistentVolumeClaim: { claimName: 'models', readOnly: false } });
  assert.deepEqual(c.command.slice(3), ['build-engine', '1']);
  assert.match(script(job), /--saveEngine="\$tmp" '--minShapes=images:1x3x64x64' '--optShapes=images:4x3x64x64' '--maxShapes=images:8x3x64x64';/);
  assert.equal(job.spec.activeDeadlineSeconds, 3600);
  assert.deepEqual(job.spec.podFailurePolicy.rules[1], { action: 'FailJob', onExitCodes: { containerName: 'build', operator: 'In', values: [2, 3] } });
});

test('precision flags on TensorRT 10: FP16 adds --fp16, INT8 adds --int8 with the calibration cache', () => {
  assert.match(script(jobOf(synth(buildDoc({ precision: 'FP16' })))), / '--fp16' '--minShapes=/);
  assert.match(script(jobOf(synth(buildDoc({ precision: 'INT8', calibrationCache: 'calib.cache' })))), / '--int8' "--calib=\$dir\/calib\.cache" /);
  assert.doesNotMatch(script(jobOf(synth(buildDoc({ precision: 'FP32' })))), /--fp16|--int8/);
});

test('the serving pods wait for the plan the Job writes, then link it as model.plan', () => {
  const objs = synth(buildDoc());
  const job = jobOf(objs);
  const plan = /plan='(model\.[0-9a-f]{12}\.plan)'/.exec(script(job))![1];
  const dep = find(objs, 'Deployment');
  const init = dep.spec.template.spec.initContainers.map((c: K8sObject) => c.name);
  assert.deepEqual(init, ['wait-for-engines', 'assemble-repository']);
  const wait = container(dep, 'wait-for-engines').command[2];
  assert.ok(wait.includes(`p="$d/${plan}"`) && wait.includes(`job/${job.metadata.name}`));
  assert.ok(container(dep, 'assemble-repository').command[2].includes(`ln -sf "/model-store/det/1/${plan}" "/models/det/1/model.plan"`));
});

test('a change of shapes, precision, image, product or versions names a new Job; other changes keep it', () => {
  const name = (doc: ReturnType<typeof buildDoc>) => jobOf(synth(doc)).metadata.name;
  const base = name(buildDoc());
  assert.match(base, /^m-trt-[0-9a-f]{10}$/);
  assert.equal(name(buildDoc({}, { replicas: 3 })), base);
  for (const changed of [
    buildDoc({ maxShapes: { images: [16, 3, 64, 64] } }, {}, { maxBatchSize: 16 }),
    buildDoc({ precision: 'FP16' }),
    buildDoc({}, { image: 'nvcr.io/nvidia/tritonserver:25.09-py3' }),
    buildDoc({}, { resources: { gpu: { count: 1, product: 'NVIDIA-A10' } } }),
    buildDoc({}, {}, { versions: [1, 2] }),
    buildDoc({ onnx: 'export/model.onnx' }),
  ]) assert.notEqual(name(changed), base);
});

test('each rollout track with its own image gets its own build', () => {
  const objs = synth(buildDoc({}, {
    replicas: 2, gateway: { parentRef: { name: 'inference' } },
    rollout: { strategy: 'canary', weight: 10, canary: { image: 'nvcr.io/nvidia/tritonserver:25.09-py3' } },
  }));
  const jobs = all(objs, 'Job');
  assert.deepEqual(jobs.map((j) => j.spec.template.spec.containers[0].image), ['nvcr.io/nvidia/tensorrt:25.08-py3', 'nvcr.io/nvidia/tensorrt:25.09-py3']);
  assert.deepEqual(jobs.map((j) => j.metadata.labels['model-serving/track']), ['stable', 'canary']);
});

test('the Pulumi component runs the build before the workloads that wait for it', () => {
  const plan = planResources(loadSpecFile(TEMPLATE).map((l) => l.document), { componentName: 'p' });
  const job = plan.resources.find((r) => r.kind === 'Job')!;
  const dep = plan.resources.find((r) => r.kind === 'Deployment')!;
  assert.equal(job.stage, 'builds');
  assert.deepEqual(dep.dependsOn, [job.logicalName]);
  assert.ok(job.dependsOn.includes('p-serviceaccount-shelf-detector-trt'));
  assert.equal(job.timeouts!.createSeconds, 600 + 2400);
});

// --- the scripts, run by a real shell against a model store with a stand-in trtexec ----------------------

function sandbox(trtexecBody: string) {
  const root = mkdtempSync(join(tmpdir(), 'trt-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'trtexec'), `#!/bin/sh\n${trtexecBody}\n`);
  chmodSync(join(bin, 'trtexec'), 0o755);
  mkdirSync(join(root, 'store', 'det', '1'), { recursive: true });
  writeFileSync(join(root, 'store', 'det', '1', 'model.onnx'), 'onnx-bytes');
  const objs = synth(buildDoc());
  const local = (s: string) => s.replaceAll('/model-store', join(root, 'store')).replace('trtexec=/usr/src/tensorrt/bin/trtexec', `trtexec=${join(bin, 'none')}`);
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  const job = jobOf(objs);
  const run = (s: string, args: string[] = []) => spawnSync('sh', ['-c', local(s), 'x', ...args], { env, encoding: 'utf8', timeout: 20000 });
  return {
    root,
    build: () => run(script(job), job.spec.template.spec.containers[0].command.slice(4)),
    wait: () => run(container(find(objs, 'Deployment'), 'wait-for-engines').command[2]),
    plan: /plan='(model\.[0-9a-f]{12}\.plan)'/.exec(script(job))![1],
  };
}

const SAVE_ENGINE = 'for a in "$@"; do case "$a" in --saveEngine=*) echo plan > "${a#--saveEngine=}";; esac; done; echo "&&&& PASSED TensorRT.trtexec"';

test('the build script writes the plan and its source id, skips an up-to-date plan, and the wait step passes', () => {
  const s = sandbox(SAVE_ENGINE);
  const first = s.build();
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /version 1: model\.[0-9a-f]+\.plan built/);
  assert.equal(readFileSync(join(s.root, 'store/det/1', s.plan), 'utf8'), 'plan\n');
  assert.match(readFileSync(join(s.root, 'store/det/1', `${s.plan}.source`), 'utf8'), /^10 \d+\n$/);
  const again = s.build();
  assert.equal(again.status, 0);
  assert.match(again.stdout, /is up to date/);
  const wait = s.wait();
  assert.equal(wait.status, 0, wait.stderr);
  assert.match(wait.stdout, /TensorRT plans ready: det model\.[0-9a-f]+\.plan/);
});

test('a failed trtexec fails the Job (exit 3) and the wait step fails with the reason', () => {
  const s = sandbox('echo "[E] Error[4]: ITensor::getDimensions: Error Code 4: Shape Error"; exit 1');
  const r = s.build();
  assert.equal(r.status, 3);
  assert.ok(!existsSync(join(s.root, 'store/det/1', s.plan)));
  const wait = s.wait();
  assert.equal(wait.status, 1);
  assert.match(wait.stderr, /model det version 1: the TensorRT build failed \(kubectl logs job\/m-trt-[0-9a-f]+\):\ntrtexec exited with 1:\n.*Shape Error/);
});

test('the wait step refuses a plan built from an ONNX file that has changed since', () => {
  const s = sandbox(SAVE_ENGINE);
  assert.equal(s.build().status, 0);
  const onnx = join(s.root, 'store/det/1/model.onnx');
  writeFileSync(onnx, 'new-onnx-bytes');
  utimesSync(onnx, new Date(), new Date(Date.now() + 60000));
  const wait = s.wait();
  assert.equal(wait.status, 1);
  assert.match(wait.stderr, /model det version 1: model\.onnx changed after model\.[0-9a-f]+\.plan was built; delete Job m-trt-[0-9a-f]+ so that it builds again/);
  assert.match(s.build().stdout, /building/, 'the Job builds again when it runs');
});

test('the build script fails at once (exit 2) when the image has no trtexec', () => {
  assert.notEqual(spawnSync('sh', ['-c', 'command -v trtexec']).status, 0, 'this machine has no trtexec');
  const s = sandbox('exit 0');
  rmSync(join(s.root, 'bin', 'trtexec'));
  const r = s.build();
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no trtexec in this image \(\/usr\/src\/tensorrt\/bin\/trtexec or PATH\)/);
});

// --- refusals --------------------------------------------------------------------------------------------

const err = (doc: unknown) => specErrors(doc)!;

test('refuses a build on a read-only repository', () => {
  assert.equal(err(buildDoc({}, { repository: { pvc: { claimName: 'models' } } })),
    'spec.yaml: spec.repository.pvc.readOnly: must be false: spec.models[0].build writes the plan into the version directories (the repository is read-only by default)');
  assert.equal(err(buildDoc({}, { repository: { pvc: { create: { size: '10Gi' }, readOnly: false } } })),
    'spec.yaml: spec.repository.pvc.create.accessMode: ReadOnlyMany (the default) cannot be written: spec.models[0].build writes the plan into the version directories (use ReadWriteMany)');
});

test('refuses a build on a downloaded (uri) repository', () => {
  assert.equal(err(buildDoc({}, { repository: { uri: 's3://models/triton' } })),
    'spec.yaml: spec.repository: spec.models[0].build writes the plan into the model repository: use a PersistentVolumeClaim (pvc) with readOnly: false (a uri or huggingface repository is downloaded into each pod, where a plan would be lost)');
});

test('refuses a build without resources.gpu.product', () => {
  assert.equal(err(buildDoc({}, { resources: { gpu: { count: 1 } } })),
    'spec.yaml: spec.resources.gpu.product: is required for model "det" (spec.models[0], format tensorrt): a TensorRT plan loads only on the GPU architecture and TensorRT version it was built for; name the GPU product the plan was built on');
});

test('refuses a build without versions, or of a format other than tensorrt', () => {
  assert.equal(err(buildDoc({}, {}, { versions: undefined })),
    'spec.yaml: spec.models[0].versions: is required with build: a plan is built in each listed version directory, and a new version starts a new build');
  assert.equal(err(buildDoc({}, {}, { format: 'onnx' })),
    'spec.yaml: spec.models[0].format: must be tensorrt with build.tensorrt: the build produces the TensorRT plan the server loads (format is onnx)');
});

test('refuses a build on a runtime other than triton', () => {
  const doc = { apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm' }, spec: { runtime: 'tfserving', models: [{ name: 'x', format: 'savedmodel', build: { tensorrt: {} } }], repository: { pvc: { claimName: 'p', readOnly: false } } } };
  assert.match(err(doc), /^spec\.yaml: spec\.models\[0\]\.build: is not used by runtime tfserving \(it applies to: triton\)/);
});

test('refuses INT8 without a calibration cache, and a cache without INT8', () => {
  assert.equal(err(buildDoc({ precision: 'INT8' })),
    'spec.yaml: spec.models[0].build.tensorrt.calibrationCache: is required with precision INT8: without a calibration cache trtexec builds INT8 with placeholder dynamic ranges and the engine computes wrong results');
  assert.equal(err(buildDoc({ calibrationCache: 'calib.cache' })),
    'spec.yaml: spec.models[0].build.tensorrt.calibrationCache: applies to precision INT8 only (precision is FP32)');
});

test('refuses FP16 and INT8 builder flags on TensorRT 11 (Triton 26.06 and later)', () => {
  assert.equal(err(buildDoc({ precision: 'FP16' }, { image: 'nvcr.io/nvidia/tritonserver:26.07-py3' })),
    'spec.yaml: spec.models[0].build.tensorrt.precision: FP16 needs trtexec --fp16, which TensorRT 11 (release 26.07, 26.06 and later) no longer has: its networks are strongly typed, so export the ONNX in FP16 and leave precision out (or serve with a release older than 26.06)');
  assert.equal(specErrors(buildDoc({ precision: 'FP16' }, { image: 'nvcr.io/nvidia/tritonserver:26.05-py3' })), undefined);
});

test('refuses shapes that contradict maxBatchSize', () => {
  assert.equal(err(buildDoc({ minShapes: { images: [2, 3, 64, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.minShapes.images: batch dimension must be 1 (is 2): Triton sends batches of 1 to maxBatchSize');
  assert.equal(err(buildDoc({ optShapes: { images: [2, 3, 64, 64] }, maxShapes: { images: [4, 3, 64, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.maxShapes.images: batch dimension 4 is below maxBatchSize (8): Triton refuses a config whose max_batch_size the engine cannot take');
  assert.equal(err(buildDoc({ minShapes: undefined, optShapes: undefined, maxShapes: undefined })),
    "spec.yaml: spec.models[0].build.tensorrt.maxShapes: is required when maxBatchSize > 0 (8): without shapes trtexec builds dynamic dimensions at 1, and the engine could not take Triton's batches");
});

test('refuses shapes that contradict the declared inputs', () => {
  assert.equal(err(buildDoc({ minShapes: { image: [1, 3, 64, 64] }, optShapes: { image: [4, 3, 64, 64] }, maxShapes: { image: [8, 3, 64, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.minShapes.image: names input "image", which the model\'s inputs do not declare (declared: images)');
  assert.equal(err(buildDoc({ minShapes: { images: [1, 64, 64] }, optShapes: { images: [4, 64, 64] }, maxShapes: { images: [8, 64, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.minShapes.images: has 3 dimensions; input "images" has 4 (dims [3, 64, 64] after the batch dimension)');
  assert.equal(err(buildDoc({ maxShapes: { images: [8, 3, 128, 128] } })), [
    'spec.yaml: spec.models[0].build.tensorrt.maxShapes.images: dimension 2 must be 64 as the input declares (min 64, max 128)',
    'spec.yaml: spec.models[0].build.tensorrt.maxShapes.images: dimension 3 must be 64 as the input declares (min 64, max 128)',
  ].join('\n'));
  assert.equal(err(buildDoc({ optShapes: { images: [16, 3, 64, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.optShapes.images: dimension 0 must satisfy min <= opt <= max (1, 16, 8)');
  assert.equal(err(buildDoc({ optShapes: undefined })),
    'spec.yaml: spec.models[0].build.tensorrt: set minShapes, optShapes and maxShapes together: they form one optimization profile (missing optShapes)');
});

test('refuses a build image of another release, and a serving image whose release cannot be read without one', () => {
  assert.equal(err(buildDoc({ image: 'nvcr.io/nvidia/tensorrt:25.09-py3' })),
    'spec.yaml: spec.models[0].build.tensorrt.image: TensorRT 25.09 would build a plan that the 25.08 server (spec.image) cannot load: use nvcr.io/nvidia/tensorrt:25.08-py3');
  assert.equal(err(buildDoc({}, { image: 'registry.example.org/ml/tritonserver@sha256:' + 'a'.repeat(64) })),
    `spec.yaml: spec.models[0].build.tensorrt.image: is required: the TensorRT release cannot be read from spec.image (registry.example.org/ml/tritonserver@sha256:${'a'.repeat(64)}); set the nvcr.io/nvidia/tensorrt:<YY.MM>-py3 image of the same release`);
  assert.equal(specErrors(buildDoc({ image: 'registry.example.org/ml/trt-builder:10.13' }, { image: 'registry.example.org/ml/tritonserver@sha256:' + 'a'.repeat(64) })), undefined);
});
