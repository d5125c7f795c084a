/**
 * Triton `config.pbtxt` (protobuf text format of inference.ModelConfig, common/protobuf/model_config.proto),
 * generated from one spec model.
 */
import type { ModelSpec } from '../spec/schema/spec';
import { parseQuantity } from '../spec/quantity';

/** platform or backend per format (model_config.proto; backends' default model file names in comments). */
export const TRITON_FORMATS: Record<string, { field: 'platform' | 'backend'; value: string; file?: string }> = {
  onnx: { field: 'platform', value: 'onnxruntime_onnx', file: 'model.onnx' },
  tensorrt: { field: 'platform', value: 'tensorrt_plan', file: 'model.plan' },
  torchscript: { field: 'platform', value: 'pytorch_libtorch', file: 'model.pt' },
  savedmodel: { field: 'platform', value: 'tensorflow_savedmodel', file: 'model.savedmodel' },
  python: { field: 'backend', value: 'python', file: 'model.py' },
  ensemble: { field: 'platform', value: 'ensemble' },
};

const q = (s: string) => JSON.stringify(s);

/**
 * Where the ONNX Runtime backend keeps the TensorRT engines it builds (a writable emptyDir): with
 * trt_engine_cache_enable it loads them instead of rebuilding every engine on each start (onnxruntime_backend
 * src/onnxruntime.cc and README.md, r26.06: parameters trt_engine_cache_enable, trt_engine_cache_path).
 */
export const TRT_ENGINE_CACHE = '/var/cache/tensorrt';
/**
 * sizeLimit of the engine cache: a TensorRT engine holds the model's weights at the engine's precision (at most the
 * size of the ONNX model at FP32) plus the tactics it chose; the cache keeps one per model and GPU profile. So the
 * cache is sized like the download of the models it is built from: `repository.modelSize` (every file the pods
 * serve) plus a fifth, rounded up to whole Mi, and never below 10Gi (also without a modelSize).
 */
export const TRT_ENGINE_CACHE_MIN_SIZE = '10Gi';
const Mi = 2 ** 20;
export function trtEngineCacheSize(modelSize: string | number | undefined): string {
  const min = parseQuantity(TRT_ENGINE_CACHE_MIN_SIZE)!;
  const size = modelSize === undefined ? undefined : parseQuantity(modelSize);
  const bytes = size === undefined ? min : Math.max(min, Math.ceil((size * 1.2) / Mi) * Mi);
  return bytes % 2 ** 30 === 0 ? `${bytes / 2 ** 30}Gi` : `${bytes / Mi}Mi`;
}
const list = (xs: readonly (number | string)[]) => `[ ${xs.join(', ')} ]`;

function tensors(kind: 'input' | 'output', ts: NonNullable<ModelSpec['inputs']>): string[] {
  if (!ts.length) return [];
  const items = ts.map((t) => [
    '  {',
    `    name: ${q(t.name)}`,
    `    data_type: TYPE_${t.dataType}`,
    `    dims: ${list(t.dims)}`,
    '  }',
  ].join('\n'));
  return [`${kind} [`, items.join(',\n'), ']'];
}

function map(kind: 'input_map' | 'output_map', m: Record<string, string>): string[] {
  return Object.entries(m).map(([k, v]) => `      ${kind} { key: ${q(k)} value: ${q(v)} }`);
}

/** The config.pbtxt text of one model. `gpu` decides the default instance kind. */
export function tritonModelConfig(m: ModelSpec, gpu: boolean): string {
  const fmt = TRITON_FORMATS[m.format];
  if (!fmt) throw new Error(`format ${m.format} is not a Triton format`);
  const out: string[] = [`name: ${q(m.name)}`, `${fmt.field}: ${q(fmt.value)}`];
  out.push(`max_batch_size: ${m.maxBatchSize ?? 0}`);
  if (m.versions && m.format !== 'ensemble') {
    out.push(`version_policy: { specific: { versions: ${list(m.versions)} } }`);
  }
  out.push(...tensors('input', m.inputs ?? []), ...tensors('output', m.outputs ?? []));
  if (m.dynamicBatching) {
    const d = m.dynamicBatching;
    out.push('dynamic_batching {');
    if (d.preferredBatchSizes?.length) out.push(`  preferred_batch_size: ${list(d.preferredBatchSizes)}`);
    if (d.maxQueueDelayMicroseconds !== undefined) out.push(`  max_queue_delay_microseconds: ${d.maxQueueDelayMicroseconds}`);
    out.push('}');
  }
  if (m.format !== 'ensemble') {
    const kind = m.instanceGroup?.kind ?? (gpu ? 'GPU' : 'CPU');
    out.push('instance_group [', '  {', `    count: ${m.instanceGroup?.count ?? 1}`, `    kind: KIND_${kind}`, '  }', ']');
  }
  const trt = m.optimization?.tensorrt;
  if (trt) {
    const params = [`parameters { key: "precision_mode" value: ${q(trt.precision)} }`];
    if (trt.maxWorkspaceSizeBytes) params.push(`parameters { key: "max_workspace_size_bytes" value: ${q(String(trt.maxWorkspaceSizeBytes))} }`);
    if (m.format === 'onnx') {
      params.push('parameters { key: "trt_engine_cache_enable" value: "true" }', `parameters { key: "trt_engine_cache_path" value: ${q(TRT_ENGINE_CACHE)} }`);
    }
    out.push(
      'optimization {',
      '  execution_accelerators {',
      '    gpu_execution_accelerator : [',
      '      {',
      '        name : "tensorrt"',
      ...params.map((p) => `        ${p}`),
      '      }',
      '    ]',
      '  }',
      '}',
    );
  }
  if (m.ensemble) {
    out.push('ensemble_scheduling {', '  step [');
    out.push(m.ensemble.steps.map((s) => [
      '    {',
      `      model_name: ${q(s.model)}`,
      `      model_version: ${s.version ?? -1}`,
      ...map('input_map', s.inputMap),
      ...map('output_map', s.outputMap),
      '    }',
    ].join('\n')).join(',\n'));
    out.push('  ]', '}');
  }
  return out.join('\n') + '\n';
}
