/** The `spec.models[]` entry: one model served by the runtime. */
import { Type } from '@sinclair/typebox';
import { Obj, Opt, Enum, PositiveInt, NonNegativeInt, Int64, MODEL_NAME_PATTERN } from './common';
import { ModelLlmFields, EngineLoraFields } from './llm';
import { BuildSchema } from './build';

export const MODEL_FORMATS = ['onnx', 'tensorrt', 'torchscript', 'savedmodel', 'python', 'ensemble', 'mar', 'huggingface'] as const;
/**
 * vLLM's `--quantization` choices: the `QuantizationMethods` literal of vllm-project/vllm
 * vllm/model_executor/layers/quantization/__init__.py, which EngineArgs.quantization is typed with
 * (vllm/engine/arg_utils.py), so the arg parser accepts exactly these. Read from the stored upstream source of
 * mid/late 2026 (no checkout at the v0.27.1 tag was available).
 */
export const VLLM_QUANTIZATION_METHODS = [
  'awq', 'auto_awq', 'fp8', 'modelopt', 'modelopt_fp4', 'modelopt_mxfp8', 'modelopt_mixed', 'gguf', 'auto_gptq', 'gptq',
  'gptq_marlin', 'awq_marlin', 'compressed-tensors', 'bitsandbytes', 'experts_int8', 'quark', 'moe_wna16', 'torchao',
  'inc', 'mxfp4', 'gpt_oss_mxfp4', 'deepseek_v4_fp8', 'online', 'fp8_per_tensor', 'fp8_per_block', 'fp8_per_channel',
  'int8_per_channel_weight_only', 'nvfp4_per_token', 'mxfp8',
] as const;

export const DATA_TYPES = ['FP32', 'FP16', 'BF16', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'BOOL', 'STRING'] as const;
/** vLLM `--dtype` choices. */
export const VLLM_DTYPES = ['auto', 'half', 'float16', 'bfloat16', 'float', 'float32'] as const;

const Tensor = Obj(
  {
    name: Type.String({ minLength: 1, description: 'Tensor name, as the model names it.' }),
    dataType: Enum(DATA_TYPES, { description: 'Element type (Triton TYPE_<dataType>).' }),
    dims: Type.Array(Int64(-1), {
      description: 'Shape without the batch dimension when maxBatchSize > 0; -1 is a variable dimension.',
    }),
  },
  { description: 'One input or output tensor.' },
);

const EnsembleStep = Obj({
  model: Type.String({ pattern: MODEL_NAME_PATTERN, description: 'Name of another model in spec.models.' }),
  version: Opt(Int64(-1, 'Version of that model. @default - -1, the latest version')),
  inputMap: Type.Record(Type.String(), Type.String(), {
    description: "Step model's input tensor -> ensemble tensor (Triton input_map).",
  }),
  outputMap: Type.Record(Type.String(), Type.String(), {
    description: "Step model's output tensor -> ensemble tensor (Triton output_map).",
  }),
});

export const ModelSchema = Obj({
  name: Type.String({ pattern: MODEL_NAME_PATTERN, description: 'Model name as the runtime serves it (and its directory in the repository).' }),
  format: Enum(MODEL_FORMATS, {
    description:
      'triton: onnx | tensorrt | torchscript | savedmodel | python | ensemble; tfserving: savedmodel; torchserve: mar; vllm: huggingface.',
  }),
  path: Opt(Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.][A-Za-z0-9_./-]*$', description: 'Directory of this model inside the repository. @default - the model name' })),
  versions: Opt(
    Type.Array(Int64(1, 'A model version (a numbered directory; the runtimes read it as an int64).'), {
      minItems: 1,
      uniqueItems: true,
      description: 'triton/tfserving: serve exactly these versions. @default - the latest version only',
    }),
  ),
  maxBatchSize: Opt(NonNegativeInt('Largest batch the server forms (Triton max_batch_size, TF Serving max_batch_size). @default - 0 for Triton (no batching); TF Serving batching off')),
  inputs: Opt(Type.Array(Tensor, { description: 'Input tensors. @default - Triton auto-completes them from the model file' })),
  outputs: Opt(Type.Array(Tensor, { description: 'Output tensors. @default - Triton auto-completes them from the model file' })),
  dynamicBatching: Opt(
    Obj({
      maxQueueDelayMicroseconds: Opt(Int64(0, 'How long a request may wait for a batch to fill. @default - 0 (Triton) / 1000 (TF Serving batch_timeout_micros)')),
      preferredBatchSizes: Opt(Type.Array(PositiveInt('A batch size'), { uniqueItems: true, description: 'Triton preferred_batch_size.' })),
      numBatchThreads: Opt(PositiveInt('TF Serving num_batch_threads. @default - 4')),
      maxEnqueuedBatches: Opt(PositiveInt('TF Serving max_enqueued_batches. @default - 100')),
    }, { description: 'Server-side dynamic batching. @default - off' }),
  ),
  instanceGroup: Opt(
    Obj({
      count: PositiveInt('Model instances per device.'),
      kind: Opt(Type.Union([Type.Literal('GPU'), Type.Literal('CPU')], { description: '@default - GPU when the pod has a GPU, else CPU' })),
    }, { description: 'Triton instance_group.' }),
  ),
  optimization: Opt(
    Obj({
      tensorrt: Opt(Obj({
        precision: Type.Union([Type.Literal('FP32'), Type.Literal('FP16'), Type.Literal('BF16'), Type.Literal('INT8')], {
          description: 'TensorRT precision_mode.',
        }),
        maxWorkspaceSizeBytes: Opt(Int64(1, 'TensorRT max_workspace_size_bytes.')),
      }, { description: 'Triton onnx/savedmodel: run through the TensorRT accelerator.' })),
    }),
  ),
  build: Opt(BuildSchema),
  ensemble: Opt(Obj({
    steps: Type.Array(EnsembleStep, { minItems: 1, description: 'Triton ensemble_scheduling steps, in order.' }),
  }, { description: 'format: ensemble only: the pipeline of models.' })),
  batchSize: Opt(PositiveInt('torchserve: server-side batch size (batchSize). @default - 1')),
  maxBatchDelayMs: Opt(PositiveInt('torchserve: longest wait to fill a batch (maxBatchDelay). @default - 100')),
  workers: Opt(PositiveInt('torchserve: workers for this model (minWorkers = maxWorkers). @default - one per GPU, else 1')),
  marVersion: Opt(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$', description: 'torchserve: the model version inside the .mar (torch-model-archiver --version); the per-model settings in config.properties are keyed by it. @default - 1.0' })),
  engine: Opt(
    Obj({
      maxModelLen: Opt(PositiveInt('vllm --max-model-len. @default - derived by vLLM from the model config')),
      dtype: Opt(Enum(VLLM_DTYPES, { description: 'vllm --dtype. @default - auto' })),
      gpuMemoryUtilization: Opt(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'vllm --gpu-memory-utilization. @default - 0.9 (vLLM default)' })),
      tensorParallelSize: Opt(PositiveInt('vllm --tensor-parallel-size. @default - the GPU count of a pod')),
      pipelineParallelSize: Opt(PositiveInt('vllm --pipeline-parallel-size; tensorParallelSize x pipelineParallelSize must equal the GPUs of a replica (spec.resources.gpu.count x spec.multiNode.nodes). @default - spec.multiNode.nodes (1 without multiNode), or the GPUs of a replica / tensorParallelSize when that is set')),
      maxNumSeqs: Opt(PositiveInt('vllm --max-num-seqs. @default - vLLM default')),
      quantization: Opt(Type.Union(VLLM_QUANTIZATION_METHODS.map((q) => Type.Literal(q)), { description: 'vllm --quantization: one of the methods vLLM\'s arg parser accepts, e.g. awq, gptq, fp8, compressed-tensors. @default - none: vLLM reads the method from the model\'s config' })),
      ...EngineLoraFields,
    }, { description: 'vllm engine arguments.' }),
  ),
  ...ModelLlmFields,
});
