/**
 * vLLM's OpenAI-compatible server. Facts from vllm-project/vllm (docker/Dockerfile, vllm/envs.py,
 * vllm/config ModelConfig, vllm/v1/metrics/loggers.py, PR #15894 for the HTTP metrics); see docs/RUNTIMES.md.
 */
import { VLLM_LOG } from './vllm-logs';
import type { ModelServingSpec } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import { imageRepoName } from '../spec/image';
import { imageTag } from '../spec/image';
import { PATHS, PublicPath, RuntimeContext, ServingRuntime } from './types';
import { dcgmGpuUtilization, DCGM_METRICS } from './dcgm';
import { VLLM_LLM } from './vllm-llm';
import { localAdapters } from './adapters';
import { CUDA_MAJORS, defaultImageOf, imageRow, ImageCuda } from './images';
import { isMig, parallelismIssues, parallelSizes, vllmMultiNode, vllmTracing } from './vllm-scale-out';

export const VLLM_IMAGE = defaultImageOf('vllm', true);
const GiB = 2 ** 30;
/** Per GPU: memory for the server (weights staging, tokenizer, CUDA graphs' host side) and its /dev/shm. */
const VLLM_MEMORY_PER_GPU = 8 * GiB;
const VLLM_SHM_PER_GPU = 2 * GiB;

/** `v0.27.1` -> [0, 27, 1]. */
function vllmVersion(tag: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(tag);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}
const atLeast = (v: [number, number, number], w: [number, number, number]) => v[0] !== w[0] ? v[0] > w[0] : v[1] !== w[1] ? v[1] > w[1] : v[2] >= w[2];

/**
 * The CUDA build of a vllm/vllm-openai tag: a `-cuXYZ` suffix names it (cu129 = CUDA 12.9); a plain tag is the
 * release's default build, CUDA 13.0 from the pinned v0.27.1 on (.buildkite/scripts/publish-release-images.sh)
 * and CUDA 12 before v0.24 (docs/getting_started/installation/gpu.cuda.inc.md: binaries compiled with CUDA 12.9
 * by default up to 0.23); tags in between are not classified. vLLM itself needs compute capability 7.5 from 0.23
 * on (same page) and 7.0 before.
 */
export function vllmImageCuda(image: string): ImageCuda | undefined {
  const row = imageRow('vllm');
  for (const known of [row.gpu, row.olderDrivers]) if (known?.image === image) return known.cuda;
  if (imageRepoName(image) !== 'vllm-openai') return undefined;
  const tag = imageTag(image) ?? '';
  const v = vllmVersion(tag);
  if (!v) return undefined;
  const suffix = /-cu(1[0-9])([0-9])(?:-|$)/.exec(tag);
  let major: 12 | 13 | undefined;
  let version: string;
  if (suffix) {
    const m = Number(suffix[1]);
    if (m !== 12 && m !== 13) return undefined;
    major = m;
    version = `${suffix[1]}.${suffix[2]}`;
  } else if (atLeast(v, [0, 27, 1])) {
    major = 13;
    version = '13.0';
  } else if (!atLeast(v, [0, 24, 0])) {
    major = 12;
    version = '12.x';
  } else {
    return undefined;
  }
  const vllmFloor = atLeast(v, [0, 23, 0]) ? 7.5 : 7.0;
  return {
    version, major, minDriver: CUDA_MAJORS[major].minDriver,
    minComputeCapability: Math.max(vllmFloor, CUDA_MAJORS[major].minComputeCapability),
    source: 'vllm-project/vllm .buildkite/scripts/publish-release-images.sh and docs/getting_started/installation/gpu.cuda.inc.md',
  };
}
export const VLLM_PORT = 8000;
/** The image runs as root and has no user of its own: the server runs as this uid/gid with HOME on an emptyDir. */
export const VLLM_USER = { uid: 1000, gid: 1000 } as const;
/** HOME of the server: every cache vLLM, PyTorch, Triton and FlashInfer write defaults to a path under it. */
export const VLLM_HOME = '/home/vllm';
/**
 * sizeLimit of that HOME: the compile caches (torch.compile / inductor, Triton kernels, FlashInfer's JIT kernels) and
 * vLLM's own cache root; model weights never land there (HF_HOME and the model store are volumes of their own).
 */
export const VLLM_HOME_SIZE = '10Gi';

/**
 * The OpenAI API paths routes publish (docs.vllm.ai "OpenAI-Compatible Server", Supported APIs; vllm/entrypoints/openai
 * api_server.py): chat completions, completions, the Responses API (with /v1/responses/<id> and its cancel), embeddings
 * and the model list clients read first.
 */
export const VLLM_PUBLIC_PATHS: readonly PublicPath[] = [
  { path: '/v1/chat/completions', match: 'Exact' },
  { path: '/v1/completions', match: 'Exact' },
  { path: '/v1/responses', match: 'PathPrefix' },
  { path: '/v1/embeddings', match: 'Exact' },
  { path: '/v1/models', match: 'Exact' },
];
/** Default request timeout of vLLM routes: a long streamed completion (thousands of tokens) fits in an hour. */
export const VLLM_ROUTE_TIMEOUT_SECONDS = 3600;
/** The variable vLLM reads its API key from when --api-key is not given (vllm/envs.py). */
export const VLLM_API_KEY_ENV = 'VLLM_API_KEY';

/** The tensor-parallel size: the spec's, else the GPU count (one engine over every GPU of the pod). */
export function tensorParallelSize(spec: ModelServingSpec): number {
  return parallelSizes(spec).tp;
}

function validate(spec: ModelServingSpec, image: string): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const gpus = spec.resources?.gpu?.count ?? 0;
  const m = spec.models[0];
  if (gpus === 0 && imageRepoName(image) === 'vllm-openai') {
    issues.push({ path: 'spec.resources.gpu', message: `is required: ${image} is a CUDA build of vLLM (set spec.resources.gpu.count, or spec.image to a CPU build)` });
  }
  const tp = m?.engine?.tensorParallelSize;
  const parallel = parallelismIssues(spec);
  issues.push(...parallel);
  if (tp !== undefined && gpus > 0 && tp !== gpus && !spec.multiNode && m?.engine?.pipelineParallelSize === undefined) {
    issues.push({
      path: 'spec.models[0].engine.tensorParallelSize',
      message: `(${tp}) must equal spec.resources.gpu.count (${gpus}): one vLLM engine shards the model over exactly tensorParallelSize GPUs, ` +
        (tp > gpus ? 'more than the pod has' : 'so the other GPUs of the pod would sit idle; run more replicas for more copies'),
    });
  }
  if (tp !== undefined && tp > 1 && isMig(spec)) {
    issues.push({ path: 'spec.models[0].engine.tensorParallelSize', message: 'tensor parallelism needs whole GPUs: a container sees at most one MIG device' });
  }
  if (spec.vllm?.apiKeySecret && spec.mode === 'batch') {
    issues.push({ path: 'spec.vllm.apiKeySecret', message: 'applies to modes online and edge: in mode batch the server answers only the client in its own pod, over loopback (its NetworkPolicy admits no other pod)' });
  }
  if (spec.repository.huggingface && m?.path !== undefined) {
    issues.push({ path: 'spec.models[0].path', message: 'applies to a local repository (pvc or uri); with repository.huggingface the model is repository.huggingface.modelId' });
  }
  return issues;
}

/**
 * The model, positionally (`vllm serve <model>`; `--model` is deprecated for `vllm serve` and prints "will be
 * removed", vllm/utils/argparse_utils.py): the Hugging Face id, or the model's directory in the local repository.
 */
function modelArgs(ctx: RuntimeContext): string[] {
  const hf = ctx.repository.huggingface;
  if (hf) return [hf.modelId, ...(hf.revision ? ['--revision', hf.revision] : [])];
  const m = ctx.models[0];
  return [`${PATHS.modelStore}/${m.path ?? m.name}`];
}

function engineArgs(ctx: RuntimeContext): string[] {
  const e = ctx.models[0].engine ?? {};
  const args = ['--tensor-parallel-size', String(tensorParallelSize(ctx.spec))];
  if (e.maxModelLen !== undefined) args.push('--max-model-len', String(e.maxModelLen));
  if (e.dtype !== undefined) args.push('--dtype', e.dtype);
  if (e.gpuMemoryUtilization !== undefined) args.push('--gpu-memory-utilization', String(e.gpuMemoryUtilization));
  if (e.maxNumSeqs !== undefined) args.push('--max-num-seqs', String(e.maxNumSeqs));
  if (e.quantization !== undefined) args.push('--quantization', e.quantization);
  if (e.pipelineParallelSize !== undefined) args.push('--pipeline-parallel-size', String(e.pipelineParallelSize));
  return args;
}

const HTTP = (sel: string) => `${sel},handler=~"/v1/.+"`;
const E2E = 'vllm:e2e_request_latency_seconds';
const TTFT = 'vllm:time_to_first_token_seconds';
const ITL = 'vllm:inter_token_latency_seconds';
/** The counter vllm:num_preemptions (prometheus_client adds _total). */
const PREEMPTIONS = 'vllm:num_preemptions_total';

export const vllm: ServingRuntime = {
  name: 'vllm',
  displayName: 'vLLM',
  formats: ['huggingface'],
  modelFields: ['path', 'engine', 'adapters'],
  // the CUDA builds and the CPU build (vllm/vllm-openai-cpu, publish-release-images.sh)
  imageNames: ['vllm-openai', 'vllm-openai-cpu'],
  maxModels: 1,
  user: VLLM_USER,
  // weights download + load + CUDA graph capture / torch.compile on a cold cache
  defaultStartupTimeoutSeconds: 1800,
  ports: [{ name: 'http', port: VLLM_PORT, appProtocol: 'http' }],
  httpPortName: 'http',
  // the OpenAI API (the model is named in the body): only paths under /v1, which --api-key / VLLM_API_KEY protects
  // in every release (docs/RUNTIMES.md); never /metrics, /health, /invocations or the dev and LoRA endpoints
  publicPaths: () => VLLM_PUBLIC_PATHS.map((p) => ({ ...p })),
  // a streamed chat completion is one response that lasts as long as the generation: a route timeout that covers
  // the whole request (Gateway API timeouts.request) must outlast it, and proxies must not buffer the events
  routeDefaults: { timeoutSeconds: VLLM_ROUTE_TIMEOUT_SECONDS, streaming: true },
  defaultImage: () => VLLM_IMAGE,
  imageCuda: vllmImageCuda,
  // memory, CPU and /dev/shm for each GPU the engine shards over (tensor-parallel workers are processes that
  // exchange tensors through /dev/shm)
  resourceDefaults: (gpuCount) => {
    const g = Math.max(1, gpuCount);
    return { cpu: { request: 2 * g, limit: 4 * g }, memoryBytes: g * (VLLM_MEMORY_PER_GPU + VLLM_SHM_PER_GPU), sharedMemoryBytes: g * VLLM_SHM_PER_GPU };
  },
  // the model's directory (a Hugging Face snapshot: config, weights, tokenizer)
  downloadIncludes: (models) => models.map((m) => `/${(m.path ?? m.name).replace(/\/+$/, '')}/**`),
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
  llm: VLLM_LLM,
  validate,
  configFiles: () => ({}),
  initSteps: () => [],
  multiNode: vllmMultiNode,
  tracing: vllmTracing,
  container(ctx) {
    const local = ctx.source === 'local';
    const apiKey = ctx.spec.vllm?.apiKeySecret;
    return {
      // the image's ENTRYPOINT is `vllm serve`: arguments only, the model first. It is PID 1 of its container and
      // handles SIGTERM (vllm/entrypoints/launcher.py serve_http: loop.add_signal_handler(SIGTERM) shuts it down)
      args: [
        ...modelArgs(ctx),
        '--served-model-name', ctx.models[0].name,
        '--host', '0.0.0.0',
        '--port', String(VLLM_PORT),
        ...engineArgs(ctx),
        ...VLLM_LLM.adapterArgs(ctx.models[0], localAdapters(ctx.models[0])),
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
        // the API key from its Secret: an env value keeps it out of the arguments (--api-key would show in ps)
        ...(apiKey ? [{ name: VLLM_API_KEY_ENV, valueFrom: { secretKeyRef: { name: apiKey.name, key: apiKey.key } } }] : []),
      ],
      // the port opens only after the engine is built (weights loaded, KV cache allocated)
      startupProbe: { httpGet: { path: '/health', port: 'http' } },
      readinessProbe: { httpGet: { path: '/health', port: 'http' } },
      // 503 once the engine died: restart
      livenessProbe: { httpGet: { path: '/health', port: 'http' } },
      writablePaths: [{ path: VLLM_HOME, sizeLimit: VLLM_HOME_SIZE }],
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
      `${TTFT}_bucket`, `${ITL}_bucket`, PREEMPTIONS,
      'vllm:num_requests_waiting', 'vllm:num_requests_running', 'vllm:kv_cache_usage_perc', 'http_requests_total', DCGM_METRICS[0],
    ],
    // finished_reason stop / length; abort is a client that went away
    requestRate: (sel, w = '5m') => `sum by (model_name) (rate(vllm:request_success_total{${sel},finished_reason!~"abort|error"}[${w}]))`,
    // vLLM has no failure counter: server errors of the OpenAI API (prometheus-fastapi-instrumentator, status 5xx;
    // finished_reason "error" is a request-level internal error that vLLM answers with 500, so it is counted here)
    errorRate: (sel, w = '5m') => `sum(rate(http_requests_total{${HTTP(sel)},status="5xx"}[${w}]))`,
    // served + failed by the server: 4xx (bad request, unknown model, client gone) are left out
    totalRate: (sel, w = '5m') => `sum(rate(http_requests_total{${HTTP(sel)},status=~"2xx|5xx"}[${w}])) > 0`,
    serverErrors: {
      counted: 'http_requests_total{status="5xx"} of the OpenAI API handlers (/v1/...), per server',
      excluded: 'status 4xx (invalid requests, unknown model, rate limits) and the /health, /metrics and other non-/v1 handlers (probes and scrapes); requests the client aborted are not failures (finished_reason abort)',
      source: 'vllm-project/vllm PRs #15657 / #15894 (HTTP metrics from prometheus-fastapi-instrumentator, status classes 2xx/4xx/5xx), vllm/v1/engine/__init__.py (FinishReason: error is always answered with 500)',
    },
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
    gpuMemoryOnMig: true,
    // a long answer takes long end to end: latency is per token (vllm/v1/metrics/loggers.py, histograms in seconds)
    tokenLatency: {
      timeToFirstTokenSeconds: (q, sel, w = '5m') => `histogram_quantile(${q}, sum by (model_name, le) (rate(${TTFT}_bucket{${sel}}[${w}])))`,
      interTokenLatencySeconds: (q, sel, w = '5m') => `histogram_quantile(${q}, sum by (model_name, le) (rate(${ITL}_bucket{${sel}}[${w}])))`,
    },
    // the KV cache is preallocated and filling it is normal: pressure is preempting running requests (their cache
    // is dropped and recomputed) or requests waiting while the cache is full
    cachePressure: {
      evictionRate: (sel, w = '5m') => `sum by (pod) (rate(${PREEMPTIONS}{${sel}}[${w}]))`,
      waitingRequests: (sel) => `sum by (pod) (vllm:num_requests_waiting{${sel}})`,
      cacheUsage: (sel) => `max by (pod) (vllm:kv_cache_usage_perc{${sel}})`,
    },
    inferenceCounter: 'vllm:request_success_total',
    pendingGauge: 'vllm:num_requests_waiting',
  },
};
