/**
 * Triton specs that validate must load: TensorRT accelerator precisions per backend, TensorRT plans tied to
 * their GPU and image, the engine cache of ONNX models, and ensembles whose graph Triton would refuse.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specErrors, tritonDoc, synth, find, container } from './support/synth';
import { parseTextProto, field, fields, TextMessage } from './support/parsers';
import { assertValidObjects } from './support/k8s-validate';

const trt = (format: string, precision: string, image?: string) =>
  tritonDoc({ ...(image ? { image } : {}), models: [{ name: 'r', format, optimization: { tensorrt: { precision } } }] });
const ingress = { gateway: { parentRef: { name: 'inference' } } };
const t = (name: string, dataType = 'FP32', dims = [1]) => ({ name, dataType, dims });

test('refuses BF16 on the ONNX Runtime backend before Triton 26.02', () => {
  assert.equal(specErrors(trt('onnx', 'BF16', 'nvcr.io/nvidia/tritonserver:25.08-py3')),
    'spec.yaml: spec.models[0].optimization.tensorrt.precision: BF16 needs Triton 26.02 or newer (the ONNX Runtime backend accepts precision_mode BF16 since r26.02); nvcr.io/nvidia/tritonserver:25.08-py3 accepts FP32, FP16, INT8, and a model that fails to load stops Triton');
});

test('accepts FP32, FP16, INT8 on ONNX everywhere, and BF16 on the default 26.07 image', () => {
  for (const p of ['FP32', 'FP16', 'INT8']) assert.equal(specErrors(trt('onnx', p, 'nvcr.io/nvidia/tritonserver:25.08-py3')), undefined, p);
  assert.equal(specErrors(trt('onnx', 'BF16')), undefined);
});

test('refuses INT8 and BF16 on the TensorFlow backend (SavedModel), which takes FP32 and FP16 only', () => {
  for (const p of ['INT8', 'BF16']) {
    assert.equal(specErrors(trt('savedmodel', p, 'nvcr.io/nvidia/tritonserver:25.02-py3')),
      `spec.yaml: spec.models[0].optimization.tensorrt.precision: the TensorFlow backend's TensorRT accelerator accepts FP32, FP16 (got ${p}); any other precision fails the model load, which stops Triton`);
  }
  assert.equal(specErrors(trt('savedmodel', 'FP16', 'nvcr.io/nvidia/tritonserver:25.02-py3')), undefined);
});

test('refuses a TensorRT plan without resources.gpu.product', () => {
  assert.equal(specErrors(tritonDoc({ models: [{ name: 'det', format: 'tensorrt' }] })),
    'spec.yaml: spec.resources.gpu.product: is required for model "det" (spec.models[0], format tensorrt): a TensorRT plan loads only on the GPU architecture and TensorRT version it was built for; name the GPU product the plan was built on');
});

test('refuses a rollout track that changes the image of TensorRT plans but serves the same repository', () => {
  const spec = { ...ingress, models: [{ name: 'det', format: 'tensorrt' }], resources: { gpu: { count: 1, product: 'NVIDIA-L4' } } };
  assert.equal(specErrors(tritonDoc({ ...spec, rollout: { strategy: 'canary', weight: 10, canary: { image: 'nvcr.io/nvidia/tritonserver:26.06-py3' } } })),
    'spec.yaml: spec.rollout.canary.image: (nvcr.io/nvidia/tritonserver:26.06-py3) differs from the default image (nvcr.io/nvidia/tritonserver:26.07-py3) but the track serves the same repository: the TensorRT plans of "det" were built for the TensorRT version of one image and do not load on another; give this track its own repository (spec.rollout.canary.repository) with plans built for its image');
  // its own repository, with plans built for its image, is fine
  assert.equal(specErrors(tritonDoc({ ...spec, rollout: { strategy: 'canary', weight: 10, canary: { image: 'nvcr.io/nvidia/tritonserver:26.06-py3', repository: { pvc: { claimName: 'plans-2606' } } } } })), undefined);
  // a blue-green track likewise
  assert.match(specErrors(tritonDoc({ ...spec, rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: { image: 'nvcr.io/nvidia/tritonserver:26.06-py3' } } } }))!,
    /^spec\.yaml: spec\.rollout\.tracks\.green\.image: \(nvcr\.io\/nvidia\/tritonserver:26\.06-py3\) differs from/);
});

test('refuses a track with a new image whose repository names the same files written differently (key order, ./, a trailing slash, other fields)', () => {
  const spec = (repository: unknown, track: unknown) => tritonDoc({
    ...ingress, models: [{ name: 'det', format: 'tensorrt' }], resources: { gpu: { count: 1, product: 'NVIDIA-L4' } }, repository,
    rollout: { strategy: 'canary', weight: 10, canary: { image: 'nvcr.io/nvidia/tritonserver:26.06-py3', repository: track } },
  });
  const refused = 'spec.yaml: spec.rollout.canary.image: (nvcr.io/nvidia/tritonserver:26.06-py3) differs from the default image (nvcr.io/nvidia/tritonserver:26.07-py3) but the track serves the same repository: the TensorRT plans of "det" were built for the TensorRT version of one image and do not load on another; give this track its own repository (spec.rollout.canary.repository) with plans built for its image';
  assert.equal(specErrors(spec({ pvc: { claimName: 'plans', subPath: 'a' } }, { pvc: { subPath: 'a', claimName: 'plans' } })), refused);
  assert.equal(specErrors(spec({ pvc: { claimName: 'plans', subPath: 'a' } }, { pvc: { claimName: 'plans', subPath: './a', readOnly: true }, modelSize: '2Gi' })), refused);
  assert.equal(specErrors(spec({ pvc: { claimName: 'plans' } }, { pvc: { claimName: 'plans', subPath: '' } })), refused);
  assert.equal(specErrors(spec({ uri: 's3://acme/plans', modelSize: '1Gi' }, { modelSize: '2Gi', uri: 's3://acme/plans/' })), refused);
  assert.equal(specErrors(spec({ image: { reference: 'registry.example.com/plans:1' } }, { image: { pullPolicy: 'Always', reference: 'registry.example.com/plans:1' } })), refused);
  // other files: another subPath, claim, prefix or image, or a claim the track creates for itself
  assert.equal(specErrors(spec({ pvc: { claimName: 'plans', subPath: 'a' } }, { pvc: { subPath: 'b', claimName: 'plans' } })), undefined);
  assert.equal(specErrors(spec({ pvc: { claimName: 'plans' } }, { pvc: { claimName: 'plans-2606' } })), undefined);
  assert.equal(specErrors(spec({ uri: 's3://acme/plans' }, { uri: 's3://acme/plans-2606' })), undefined);
  assert.equal(specErrors(spec({ image: { reference: 'registry.example.com/plans:1' } }, { image: { reference: 'registry.example.com/plans:2' } })), undefined);
  assert.equal(specErrors(spec({ pvc: { create: { size: '10Gi' } } }, { pvc: { create: { size: '10Gi' } } })), undefined);
});

test('turns on the TensorRT engine cache of ONNX models, on a writable volume', async () => {
  const objs = synth(tritonDoc({ models: [{ name: 'r', format: 'onnx', optimization: { tensorrt: { precision: 'FP16' } } }] }));
  const cfg = parseTextProto(find(objs, 'ConfigMap', 'm-config').data['r.config.pbtxt']);
  const acc = field(cfg, 'optimization.execution_accelerators.gpu_execution_accelerator') as TextMessage;
  const params = Object.fromEntries(fields(acc, 'parameters').map((p) => [field(p as TextMessage, 'key'), field(p as TextMessage, 'value')]));
  assert.deepEqual(params, { precision_mode: 'FP16', trt_engine_cache_enable: 'true', trt_engine_cache_path: '/var/cache/tensorrt' });
  const d = find(objs, 'Deployment');
  const mount = container(d).volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/var/cache/tensorrt');
  assert.ok(mount && !mount.readOnly);
  assert.ok(d.spec.template.spec.volumes.find((v: { name: string; emptyDir?: unknown }) => v.name === mount.name && v.emptyDir));
  await assertValidObjects(objs);
});

// an ensemble: preprocessing (python) then a classifier (onnx)
const pre = { name: 'pre', format: 'python', maxBatchSize: 8, inputs: [t('raw', 'UINT8', [-1])], outputs: [t('img', 'FP32', [3, 224, 224])] };
const cls = { name: 'cls', format: 'onnx', maxBatchSize: 16, inputs: [t('input', 'FP32', [3, 224, 224])], outputs: [t('output', 'FP32', [1000])] };
const ens = (over: Record<string, unknown> = {}, steps?: unknown[]) => tritonDoc({ models: [pre, cls, {
  name: 'ens', format: 'ensemble', maxBatchSize: 8, inputs: [t('IMAGE', 'UINT8', [-1])], outputs: [t('SCORES', 'FP32', [1000])],
  ensemble: { steps: steps ?? [
    { model: 'pre', inputMap: { raw: 'IMAGE' }, outputMap: { img: 'pixels' } },
    { model: 'cls', inputMap: { input: 'pixels' }, outputMap: { output: 'SCORES' } },
  ] },
  ...over,
}] });

test('accepts a connected ensemble whose batch size fits its steps', () => {
  assert.equal(specErrors(ens()), undefined);
});

test('refuses an ensemble maxBatchSize above that of a batching step', () => {
  assert.equal(specErrors(ens({ maxBatchSize: 16 })),
    'spec.yaml: spec.models[2].maxBatchSize: (16) exceeds the maxBatchSize of step model "pre" (8, spec.models[2].ensemble.steps[0].model): Triton refuses an ensemble that allows larger batches than one of its batching steps');
});

test('refuses an ensemble input no step reads and an ensemble output no step produces', () => {
  assert.equal(specErrors(ens({ inputs: [t('IMAGE', 'UINT8', [-1]), t('UNUSED')], outputs: [t('SCORES', 'FP32', [1000]), t('EXTRA')] })), [
    'spec.yaml: spec.models[2].inputs[1].name: ensemble input "UNUSED" is read by no step',
    'spec.yaml: spec.models[2].outputs[1].name: ensemble output "EXTRA" is produced by no step',
  ].join('\n'));
});

test('refuses a step input mapped to a tensor nothing produces', () => {
  assert.equal(specErrors(ens({}, [
    { model: 'pre', inputMap: { raw: 'IMAGE' }, outputMap: { img: 'pixels' } },
    { model: 'cls', inputMap: { input: 'pixelz' }, outputMap: { output: 'SCORES' } },
  ])), [
    'spec.yaml: spec.models[2].ensemble.steps[1].inputMap["input"]: reads ensemble tensor "pixelz", which no step produces and which is not an input of ensemble "ens"',
    'spec.yaml: spec.models[2].ensemble.steps[0].outputMap["img"]: ensemble tensor "pixels" is read by no step and is not an output of ensemble "ens"',
  ].join('\n'));
});

test('refuses mapped names that are not declared inputs or outputs of the step model, and unmapped step inputs', () => {
  assert.equal(specErrors(ens({}, [
    { model: 'pre', inputMap: { raw: 'IMAGE', nope: 'IMAGE' }, outputMap: { img: 'pixels' } },
    { model: 'cls', inputMap: { inputs: 'pixels' }, outputMap: { output: 'SCORES', logits: 'L' } },
  ])), [
    'spec.yaml: spec.models[2].ensemble.steps[0].inputMap["nope"]: "nope" is not an input of model "pre" (its inputs: raw)',
    'spec.yaml: spec.models[2].ensemble.steps[1].inputMap["inputs"]: "inputs" is not an input of model "cls" (its inputs: input)',
    'spec.yaml: spec.models[2].ensemble.steps[1].inputMap: input "input" of model "cls" is not mapped to an ensemble tensor',
    'spec.yaml: spec.models[2].ensemble.steps[1].outputMap["logits"]: "logits" is not an output of model "cls" (its outputs: output)',
    'spec.yaml: spec.models[2].ensemble.steps[1].outputMap["logits"]: ensemble tensor "L" is read by no step and is not an output of ensemble "ens"',
  ].join('\n'));
});

test('refuses a tensor produced by two steps, and steps that wait on each other', () => {
  assert.equal(specErrors(ens({}, [
    { model: 'pre', inputMap: { raw: 'IMAGE' }, outputMap: { img: 'SCORES' } },
    { model: 'cls', inputMap: { input: 'IMAGE' }, outputMap: { output: 'SCORES' } },
  ])), 'spec.yaml: spec.models[2].ensemble.steps[1].outputMap["output"]: ensemble tensor "SCORES" is already produced by spec.models[2].ensemble.steps[0].outputMap["img"]; a tensor has one producer');
  const loop = tritonDoc({ models: [{ name: 'a', format: 'onnx' }, { name: 'b', format: 'onnx' }, {
    name: 'e', format: 'ensemble', inputs: [t('X')], outputs: [t('Y')], ensemble: { steps: [
      { model: 'a', inputMap: { x: 'X', z: 'T2' }, outputMap: { t: 'T1' } },
      { model: 'b', inputMap: { t: 'T1' }, outputMap: { u: 'T2', y: 'Y' } }] },
  }] });
  assert.equal(specErrors(loop), [
    'spec.yaml: spec.models[2].ensemble.steps[0]: never runs: it reads "T2", produced only by steps that wait on it in turn (a cycle between steps)',
    'spec.yaml: spec.models[2].ensemble.steps[1]: never runs: it reads "T1", produced only by steps that wait on it in turn (a cycle between steps)',
  ].join('\n'));
});

test('refuses ensembles that call each other in a cycle', () => {
  const e = (name: string, next: string) => ({ name, format: 'ensemble', inputs: [t('X')], outputs: [t('Y')], ensemble: { steps: [{ model: next, inputMap: { X: 'X' }, outputMap: { Y: 'Y' } }] } });
  assert.equal(specErrors(tritonDoc({ models: [{ name: 'a', format: 'onnx' }, e('e1', 'e2'), e('e2', 'e1')] })),
    'spec.yaml: spec.models[1].ensemble.steps[0].model: ensembles call each other in a cycle: e1 -> e2 -> e1');
});

test('refuses empty step maps and an optimization on an ensemble', () => {
  assert.equal(specErrors(ens({ optimization: { tensorrt: { precision: 'FP16' } } })), [
    'spec.yaml: spec.models[2].optimization.tensorrt: the TensorRT accelerator applies to formats onnx and savedmodel (format is ensemble; a tensorrt plan already is TensorRT)',
    'spec.yaml: spec.models[2].optimization: an ensemble has no optimization (its steps do)',
  ].join('\n'));
  assert.match(specErrors(ens({}, [
    { model: 'pre', inputMap: {}, outputMap: { img: 'pixels' } },
    { model: 'cls', inputMap: { input: 'pixels' }, outputMap: { output: 'SCORES' } },
  ]))!, /^spec\.yaml: spec\.models\[2\]\.ensemble\.steps\[0\]\.inputMap: must map at least one input of model "pre"$/m);
});
