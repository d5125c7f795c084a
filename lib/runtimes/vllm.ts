/**
 * vLLM's OpenAI-compatible server. Facts from vllm-project/vllm (docker/Dockerfile, vllm/envs.py,
 * vllm/config ModelConfig, vllm/v1/metrics/loggers.py, PR #15894 for the HTTP metrics); see docs/RUNTIMES.md.
 */
import { VLLM_LOG } from './vllm-logs';
import type { ModelServingSpec } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import { imageRepoName } from '../spec/image';
import { PATHS, RuntimeContext, ServingRuntime } from './types';
import { dcgmGpuUtilization, DCGM_METRICS } from './dcgm';

export const VLLM_IMAGE = 'vllm/vllm-openai:v0.11.0';
export const VLLM_PORT = 8000;
/** The image runs as root and has no user of its own: the server runs as this uid/gid with HOME on an emptyDir. */
export const VLLM_USER = { uid: 1000, gid: 1000 } as const;
/** HOME of the server: every cache vLLM, PyTorch, Triton and FlashInfer write defaults to a path under it. */
export const VLLM_HOME = '/home/vllm';

/** The tensor-parallel size: the spec's, else the GPU count (one engine over every GPU of the pod). */
export function tensorParallelSize(spec: ModelServingSpec): number {
  return spec.models[0]?.engine?.tensorParallelSize ?? Math.max(1, spec.resources?.gpu?.count ?? 0);
}

function validate(spec: ModelServingSpec, image: string): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const gpus = spec.resources?.gpu?.count ?? 0;
  const m = spec.models[0];
  if (gpus === 0 && imageRepoName(image) === 'vllm-openai') {
    issues.push({ path: 'spec.resources.gpu', message: `is required: ${image} is a CUDA build of vLLM (set spec.resources.gpu.count, or spec.image to a CPU build)` });
  }
  const tp = m?.engine?.tensorParallelSize;
  if (tp !== undefined && gpus > 0 && tp !== gpus) {
    issues.push({
      path: 'spec.models[0].engine.tensorParallelSize',
      message: `(${tp}) must equal spec.resources.gpu.count (${gpus}): one vLLM engine shards the model over exactly tensorParallelSize GPUs, ` +
        (tp > gpus ? 'more than the pod has' : 'so the other GPUs of the pod would sit idle; run more replicas for more copies'),
    });
  }
  if (tp !== undefined && tp > 1 && (spec.resources?.gpu?.resourceName ?? '').includes('mig-')) {
    issues.push({ path: 'spec.models[0].engine.tensorParallelSize', message: 'tensor parallelism needs whole GPUs: a container sees at most one MIG device' });
  }
  if (spec.repository.huggingface && m?.path !== undefined) {
    issues.push({ path: 'spec.models[0].path', message: 'applies to a local repository (pvc or uri); with repository.huggingface the model is repository.huggingface.modelId' });
  }
  return issues;
}

/** `--model`: the Hugging Face id, or the model's directory in the local repository. */
function modelArgs(ctx: RuntimeContext): string[] {
  const hf = ctx.repository.huggingface;
  if (hf) return ['--model', hf.modelId, ...(hf.revision ? ['--revision', hf.revision] : [])];
  const m = ctx.models[0];
  return ['--model', `${PATHS.modelStore}/${m.path ?? m.name}`];
}

function engineArgs(ctx: RuntimeContext): string[] {
  const e = ctx.models[0].engine ?? {};
  const args = ['--tensor-parallel-size', String(tensorParallelSize(ctx.spec))];
  if (e.maxModelLen !== undefined) args.push('--max-model-len', String(e.maxModelLen));
  if (e.dtype !== undefined) args.push('--dtype', e.dtype);
  if (e.gpuMemoryUtilization !== undefined) args.push('--gpu-memory-utilization', String(e.gpuMemoryUtilization));
  if (e.maxNumSeqs !== undefined) args.push('--max-num-seqs', String(e.maxNumSeqs));
  if (e.quantization !== undefined) args.push('--quantization', e.quantization);
  return args;
}

const HTTP = (sel: string) => `${sel},handler=~"/v1/.+"`;
const E2E = 'vllm:e2e_request_latency_seconds';

export const vllm: ServingRuntime = {
  name: 'vllm',
  displayName: 'vLLM',
  formats: ['huggingface'],
  modelFields: ['path', 'engine'],
  imageNames: ['vllm-openai'],
  maxModels: 1,
  user: VLLM_USER,
  // weights download + load + CUDA graph capture / torch.compile on a cold cache
  defaultStartupTimeoutSeconds: 1800,
  ports: [{ name: 'http', port: VLLM_PORT, appProtocol: 'http' }],
  httpPortName: 'http',
  // no modelRoutePrefix: the OpenAI API names the model in the request body, not in the path
  defaultImage: () => VLLM_IMAGE,
  // mode batch: JSONL in the OpenAI batch format that `vllm run-batch` reads (vllm/entrypoints/openai/run_batch.py),
  // each line sent to the running server; the body's model defaults to the served model name
  batchRequest: (model) => ({
    format: 'openai-batch',
    urls: ['/v1/chat/completions', '/v1/completions', '/v1/embeddings'],
    readyPath: '/health',
    bodyDefaults: { model: model.name },
    // as run-batch: 2 x max_num_seqs in flight (256 is the OpenAI server's default below 70 GiB and on A100;
    // engine/arg_utils.py get_batch_defaults), so continuous batching never runs dry
    defaultConcurrency: 2 * (model.engine?.maxNumSeqs ?? 256),
  }),
  validate,
  configFiles: () => ({}),
  initSteps: () => [],
  container(ctx) {
    const local = ctx.source === 'local';
    return {
      // the image's ENTRYPOINT starts the OpenAI server (`vllm serve` in current images): arguments only
      args: [
        ...modelArgs(ctx),
        '--served-model-name', ctx.models[0].name,
        '--host', '0.0.0.0',
        '--port', String(VLLM_PORT),
        ...engineArgs(ctx),
      ],
      env: [
        // read-only root filesystem and a uid without a passwd entry: every cache goes under a writable HOME;
        // USER because getpass.getuser() (torch inductor's cache dir) fails without a passwd entry
        { name: 'HOME', value: VLLM_HOME },
        { name: 'USER', value: 'vllm' },
        { name: 'XDG_CACHE_HOME', value: `${VLLM_HOME}/.cache` },
        { name: 'XDG_CONFIG_HOME', value: `${VLLM_HOME}/.config` },
        { name: 'VLLM_CACHE_ROOT', value: `${VLLM_HOME}/.cache/vllm` },
        { name: 'TRITON_CACHE_DIR', value: `${VLLM_HOME}/.triton/cache` },
        { name: 'TORCHINDUCTOR_CACHE_DIR', value: `${VLLM_HOME}/.cache/torchinductor` },
        // no usage reports from inside the cluster
        { name: 'VLLM_NO_USAGE_STATS', value: '1' },
        { name: 'DO_NOT_TRACK', value: '1' },
        // a local model never needs the Hub: fail fast instead of waiting on a network the cluster may not have
        ...(local ? [{ name: 'HF_HUB_OFFLINE', value: '1' }] : []),
      ],
      // the port opens only after the engine is built (weights loaded, KV cache allocated)
      startupProbe: { httpGet: { path: '/health', port: 'http' } },
      readinessProbe: { httpGet: { path: '/health', port: 'http' } },
      // 503 once the engine died: restart
      livenessProbe: { httpGet: { path: '/health', port: 'http' } },
      writablePaths: [VLLM_HOME],
      needsAssembledRepository: false,
    };
  },
  logFormat: () => VLLM_LOG,
  metrics: {
    portName: 'http',
    path: '/metrics',
    modelLabel: 'model_name',
    names: [
      'vllm:request_success_total', `${E2E}_bucket`, 'vllm:request_queue_time_seconds_sum', 'vllm:request_queue_time_seconds_count',
      'vllm:num_requests_waiting', 'vllm:num_requests_running', 'vllm:kv_cache_usage_perc', 'http_requests_total', DCGM_METRICS[0],
    ],
    // finished_reason stop / length; abort is a client that went away
    requestRate: (sel, w = '5m') => `sum by (model_name) (rate(vllm:request_success_total{${sel},finished_reason!~"abort|error"}[${w}]))`,
    // vLLM has no failure counter: server errors of the OpenAI API (prometheus-fastapi-instrumentator, status 5xx)
    errorRate: (sel, w = '5m') => `sum(rate(http_requests_total{${HTTP(sel)},status="5xx"}[${w}]))`,
    totalRate: (sel, w = '5m') => `sum(rate(http_requests_total{${HTTP(sel)}}[${w}]))`,
    latencySeconds: (sel, w = '5m') => ({
      expr: `histogram_quantile(0.95, sum by (model_name, le) (rate(${E2E}_bucket{${sel}}[${w}])))`,
      kind: 'p95',
    }),
    latencyQuantileSeconds: (q, sel, w = '5m') => `histogram_quantile(${q}, sum by (model_name, le) (rate(${E2E}_bucket{${sel}}[${w}])))`,
    queueTimeSeconds: (sel, w = '5m') =>
      `sum by (model_name) (rate(vllm:request_queue_time_seconds_sum{${sel}}[${w}])) / sum by (model_name) (rate(vllm:request_queue_time_seconds_count{${sel}}[${w}]))`,
    pendingRequests: (sel) => `sum by (model_name) (vllm:num_requests_waiting{${sel}})`,
    gpuUtilization: dcgmGpuUtilization,
    // vLLM preallocates --gpu-memory-utilization (0.9) of each GPU at start: raw GPU memory is always ~90%
    // used, so memory pressure is the share of the preallocated KV cache in use (0..1)
    gpuMemoryUsedRatio: (sel) => `max by (pod) (vllm:kv_cache_usage_perc{${sel}})`,
    gpuMemorySignal: 'KV-cache use (vLLM preallocates its GPU memory)',
    inferenceCounter: 'vllm:request_success_total',
    pendingGauge: 'vllm:num_requests_waiting',
  },
};
