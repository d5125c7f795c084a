/**
 * Triton's backends, each through a template: the generated config.pbtxt is parsed back and checked field by
 * field (common/protobuf/model_config.proto); SavedModels follow the TensorFlow backend's removal after 25.02.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { synth, synthFile, find, container, specErrors, tritonDoc } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { parseTextProto, field, fields, EnumValue, TextMessage } from './support/parsers';
import { triton } from '../lib/runtimes/triton';

const TEMPLATES = ['triton-ensemble', 'triton-tensorrt-plan', 'triton-torchscript', 'triton-s3-python', 'triton-savedmodel-2502'];

/** The config.pbtxt of `model` in the runtime ConfigMap of spec `name`, parsed. */
function config(objs: Record<string, any>[], name: string, model: string): TextMessage {
  return parseTextProto(find(objs, 'ConfigMap', `${name}-config`).data[`${model}.config.pbtxt`]);
}

for (const t of TEMPLATES) {
  test(`every object of templates/${t}.yaml is valid against the Kubernetes schemas, strictly`, async () => {
    await assertValidObjects(synthFile(`templates/${t}.yaml`));
  });
}

const ensemble = synthFile('templates/triton-ensemble.yaml');

test('generates the ensemble\'s steps: Python preprocessing, then the ONNX classifier', () => {
  const cfg = config(ensemble, 'photo-tagger', 'classify');
  assert.equal(field(cfg, 'platform'), 'ensemble');
  assert.equal(field(cfg, 'max_batch_size'), 32);
  assert.equal(fields(cfg, 'instance_group').length, 0);
  const steps = fields(field(cfg, 'ensemble_scheduling') as TextMessage, 'step') as TextMessage[];
  assert.deepEqual(steps.map((s) => [field(s, 'model_name'), field(s, 'model_version')]), [['preprocess', -1], ['efficientnet', 1]]);
  assert.deepEqual([field(steps[0], 'input_map.key'), field(steps[0], 'input_map.value')], ['IMAGE_BYTES', 'IMAGE_BYTES']);
  assert.deepEqual([field(steps[0], 'output_map.key'), field(steps[0], 'output_map.value')], ['PIXELS', 'pixels']);
  assert.deepEqual([field(steps[1], 'input_map.key'), field(steps[1], 'input_map.value')], ['input', 'pixels']);
  assert.deepEqual([field(steps[1], 'output_map.key'), field(steps[1], 'output_map.value')], ['logits', 'PROBABILITIES']);
  assert.deepEqual(field(cfg, 'input.data_type'), new EnumValue('TYPE_STRING'));
});

test('runs the preprocessing step on the Python backend with CPU instances', () => {
  const cfg = config(ensemble, 'photo-tagger', 'preprocess');
  assert.equal(field(cfg, 'backend'), 'python');
  assert.equal(fields(cfg, 'platform').length, 0);
  assert.equal(field(cfg, 'instance_group.count'), 4);
  assert.deepEqual(field(cfg, 'instance_group.kind'), new EnumValue('KIND_CPU'));
});

test('runs the classifier on onnxruntime with dynamic batching on the GPU', () => {
  const cfg = config(ensemble, 'photo-tagger', 'efficientnet');
  assert.equal(field(cfg, 'platform'), 'onnxruntime_onnx');
  assert.deepEqual(fields(field(cfg, 'dynamic_batching') as TextMessage, 'preferred_batch_size'), [16, 32]);
  assert.equal(field(cfg, 'dynamic_batching.max_queue_delay_microseconds'), 500);
  assert.deepEqual(field(cfg, 'instance_group.kind'), new EnumValue('KIND_GPU'));
  assert.deepEqual(fields(field(cfg, 'input') as TextMessage, 'dims'), [3, 224, 224]);
});

test('loads all three models explicitly and creates a version directory for the ensemble', () => {
  const deploy = find(ensemble, 'Deployment', 'photo-tagger');
  const args: string[] = container(deploy).args;
  assert.deepEqual(args.filter((a) => a.startsWith('--load-model=')), ['--load-model=preprocess', '--load-model=efficientnet', '--load-model=classify']);
  const script: string = container(deploy, 'assemble-repository').command[2];
  assert.match(script, /mkdir -p "\/models\/classify\/1"/);
  assert.match(script, /link_model "preprocess" "\/model-store\/preprocess"/);
});

test('refuses an ensemble step naming a model that is not in the spec', () => {
  assert.equal(specErrors(tritonDoc({ models: [
    { name: 'e', format: 'ensemble', inputs: [{ name: 'x', dataType: 'FP32', dims: [1] }], outputs: [{ name: 'y', dataType: 'FP32', dims: [1] }],
      ensemble: { steps: [{ model: 'missing', inputMap: { a: 'x' }, outputMap: { b: 'y' } }] } },
  ] })), 'spec.yaml: spec.models[0].ensemble.steps[0].model: model "missing" is not in spec.models');
});

test('serves a TensorRT plan with platform tensorrt_plan on GPU instances only', () => {
  const objs = synthFile('templates/triton-tensorrt-plan.yaml');
  const cfg = config(objs, 'shelf-detector', 'detector');
  assert.equal(field(cfg, 'platform'), 'tensorrt_plan');
  assert.deepEqual(fields(field(cfg, 'version_policy.specific') as TextMessage, 'versions'), [2]);
  assert.deepEqual(field(cfg, 'instance_group.kind'), new EnumValue('KIND_GPU'));
  assert.equal(field(cfg, 'instance_group.count'), 2);
  assert.deepEqual(field(cfg, 'input.data_type'), new EnumValue('TYPE_FP16'));
  assert.equal(specErrors(tritonDoc({ models: [{ name: 'd', format: 'tensorrt' }], resources: {} })),
    'spec.yaml: spec.models[0].format: a TensorRT plan runs on a GPU only (set spec.resources.gpu)');
});

test('serves a TorchScript model on the libtorch backend', () => {
  const cfg = config(synthFile('templates/triton-torchscript.yaml'), 'support-intents', 'intent-classifier');
  assert.equal(field(cfg, 'platform'), 'pytorch_libtorch');
  assert.deepEqual((fields(cfg, 'input') as TextMessage[]).map((i) => field(i, 'name')), ['INPUT__0', 'INPUT__1']);
  assert.deepEqual(field(cfg, 'output.name'), 'OUTPUT__0');
});

test('serves a Python backend model downloaded from S3 before the server starts', () => {
  const objs = synthFile('templates/triton-s3-python.yaml');
  const cfg = config(objs, 'fraud-scorer', 'fraud-scorer');
  assert.equal(field(cfg, 'backend'), 'python');
  assert.deepEqual(field(cfg, 'instance_group.kind'), new EnumValue('KIND_CPU'));
  const pod = find(objs, 'Deployment', 'fraud-scorer').spec.template.spec;
  assert.deepEqual(pod.initContainers.map((c: { name: string }) => c.name), ['download-models', 'assemble-repository']);
  assert.equal(pod.initContainers[0].args[0], ':s3,provider=AWS,env_auth=true:acme-risk-models/triton');
  assert.deepEqual(pod.initContainers[0].envFrom, [{ secretRef: { name: 'risk-models-s3' } }]);
  assert.match(pod.initContainers[1].command[2], /link_model "fraud-scorer" "\/model-store\/fraud-scorer" 3/);
});

test('accepts a SavedModel on nvcr.io/nvidia/tritonserver:25.02-py3, the last image with the TensorFlow backend', () => {
  const cfg = config(synthFile('templates/triton-savedmodel-2502.yaml'), 'churn-legacy', 'churn-model');
  assert.equal(field(cfg, 'platform'), 'tensorflow_savedmodel');
});

test('refuses a SavedModel on Triton 25.03 and later, pointing to runtime tfserving', () => {
  const spec = { models: [{ name: 'churn', format: 'savedmodel' }] };
  const msg = (r: string) => `spec.yaml: spec.models[0].format: Triton ${r} has no TensorFlow backend (the last image with it is 25.02); serve SavedModels with runtime: tfserving, or pin spec.image to nvcr.io/nvidia/tritonserver:25.02-py3`;
  assert.equal(specErrors(tritonDoc({ ...spec, image: 'nvcr.io/nvidia/tritonserver:25.03-py3' })), msg('25.03'));
  assert.equal(specErrors(tritonDoc(spec)), msg('26.07'));
  assert.equal(specErrors(tritonDoc({ ...spec, image: 'nvcr.io/nvidia/tritonserver:25.02-py3' })), undefined);
});

test('runs as the NGC image\'s triton-server user, uid and gid 1000', () => {
  assert.deepEqual(triton.user, { uid: 1000, gid: 1000 });
  const pod = find(ensemble, 'Deployment', 'photo-tagger').spec.template.spec;
  assert.equal(pod.securityContext.runAsUser, 1000);
});

test('fences the administrative APIs behind a header whose value comes from a Secret', async () => {
  const doc = tritonDoc({ triton: { adminKeySecret: { name: 'triton-admin', key: 'key' } } });
  const objs = synth(doc);
  const c = container(find(objs, 'Deployment'));
  assert.ok(c.args.includes('--http-restricted-api=model-repository,model-config,shared-memory,statistics,trace,logging:admin-key=$(TRITON_ADMIN_KEY)'));
  assert.ok(c.args.includes('--grpc-restricted-protocol=model-repository,model-config,shared-memory,statistics,trace,logging:admin-key=$(TRITON_ADMIN_KEY)'));
  assert.deepEqual(c.env.find((e: any) => e.name === 'TRITON_ADMIN_KEY'), { name: 'TRITON_ADMIN_KEY', valueFrom: { secretKeyRef: { name: 'triton-admin', key: 'key' } } });
  // probes use health endpoints, which stay open
  assert.equal(c.readinessProbe.httpGet.path, '/v2/health/ready');
  assert.equal(container(find(synth(tritonDoc()), 'Deployment')).args.some((a: string) => a.includes('restricted')), false);
  await assertValidObjects(objs);
});

test('refuses the admin key on a Triton image without restricted APIs, and spec.triton on another runtime', () => {
  assert.equal(specErrors(tritonDoc({ image: 'nvcr.io/nvidia/tritonserver:23.10-py3', triton: { adminKeySecret: { name: 's', key: 'k' } } })),
    'spec.yaml: spec.triton.adminKeySecret: Triton 23.10 has no --http-restricted-api; use an image of 24.01 or newer');
  const doc = tritonDoc({ runtime: 'tfserving', models: [{ name: 'm', format: 'savedmodel' }], triton: { adminKeySecret: { name: 's', key: 'k' } } });
  assert.equal(specErrors(doc), 'spec.yaml: spec.triton: applies to runtime triton only (runtime is tfserving)');
});
