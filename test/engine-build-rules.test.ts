/** TensorRT engine builds: every refusal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specErrors } from './support/synth';
import { buildDoc } from './support/engine-build';

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

test('refuses FP16 and INT8 (with a calibration cache) builder flags on TensorRT 11 (Triton 26.06 and later)', () => {
  assert.equal(err(buildDoc({ precision: 'FP16' }, { image: 'nvcr.io/nvidia/tritonserver:26.07-py3' })),
    'spec.yaml: spec.models[0].build.tensorrt.precision: FP16 needs trtexec --fp16, which TensorRT 11 (release 26.07, 26.06 and later) no longer has: its networks are strongly typed, so export the ONNX in FP16 and leave precision out (or serve with a release older than 26.06)');
  assert.equal(err(buildDoc({ precision: 'INT8', calibrationCache: 'calib.cache' }, { image: 'nvcr.io/nvidia/tritonserver:26.07-py3' })),
    'spec.yaml: spec.models[0].build.tensorrt.precision: INT8 needs trtexec --int8, which TensorRT 11 (release 26.07, 26.06 and later) no longer has: its networks are strongly typed, so export the ONNX in INT8 with Q/DQ nodes and leave precision out (or serve with a release older than 26.06)');
  assert.equal(specErrors(buildDoc({ precision: 'FP16' }, { image: 'nvcr.io/nvidia/tritonserver:26.05-py3' })), undefined);
});

test('reports INT8 without a calibration cache on TensorRT 11 and the missing precision flag in one pass', () => {
  assert.equal(err(buildDoc({ precision: 'INT8' }, { image: 'nvcr.io/nvidia/tritonserver:26.07-py3' })), [
    'spec.yaml: spec.models[0].build.tensorrt.calibrationCache: is required with precision INT8: without a calibration cache trtexec builds INT8 with placeholder dynamic ranges and the engine computes wrong results',
    'spec.yaml: spec.models[0].build.tensorrt.precision: INT8 needs trtexec --int8, which TensorRT 11 (release 26.07, 26.06 and later) no longer has: its networks are strongly typed, so export the ONNX in INT8 with Q/DQ nodes and leave precision out (or serve with a release older than 26.06)',
  ].join('\n'));
});

test('refuses a build without shapes when an input has -1 dimensions (no batching)', () => {
  assert.equal(err(buildDoc({ minShapes: undefined, optShapes: undefined, maxShapes: undefined }, {}, { maxBatchSize: 0, inputs: [{ name: 'images', dataType: 'FP32', dims: [3, -1, -1] }, { name: 'mask', dataType: 'FP32', dims: [-1] }] })),
    'spec.yaml: spec.models[0].build.tensorrt.maxShapes: is required: input(s) images, mask have -1 dimensions, which trtexec would build at 1');
});

test('refuses optShapes or maxShapes that name other inputs than minShapes', () => {
  assert.equal(err(buildDoc({ optShapes: { image: [4, 3, 64, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.optShapes: must name the same inputs as minShapes (images; found image)');
  assert.equal(err(buildDoc({ maxShapes: { images: [8, 3, 64, 64], extra: [1] } })),
    'spec.yaml: spec.models[0].build.tensorrt.maxShapes: must name the same inputs as minShapes (images; found images, extra)');
});

test('refuses min, opt and max shapes of one input with different numbers of dimensions', () => {
  assert.equal(err(buildDoc({ optShapes: { images: [4, 3, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.minShapes.images: min, opt and max shapes of input "images" must have the same number of dimensions (4, 3, 4)');
});

test('refuses a build when a rollout track has a read-only repository of its own', () => {
  assert.equal(err(buildDoc({}, { replicas: 2, rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: { repository: { pvc: { claimName: 'models-green' } } } } } })),
    'spec.yaml: spec.rollout.tracks.green.repository.pvc.readOnly: must be false: spec.models[0].build writes the plan into the version directories (the repository is read-only by default)');
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
