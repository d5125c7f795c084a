/**
 * NVIDIA Triton Inference Server. Facts (ports, flags, probes, metric names) documented in docs/RUNTIMES.md,
 * checked against triton-inference-server/server (src/command_line_parser.cc, src/main.cc,
 * docs/user_guide/metrics.md) and core (src/metrics.cc).
 */
import type { ModelServingSpec, ModelSpec } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import { imageTag } from '../spec/image';
import { sameRepositoryFiles } from '../spec/repository-identity';
import { PATHS, RuntimeContext, ServingRuntime, RuntimeInitStep } from './types';
import { tritonModelConfig, TRT_ENGINE_CACHE, trtEngineCacheSize } from './triton-config';
import { ensembleIssues } from './triton-ensemble';
import { CUDA_MAJORS, defaultImageOf, imageRow, ImageCuda } from './images';
import { versionedIncludes } from './download';
import { tritonTracing } from './triton-tracing';
import { tritonLogFormat } from './triton-logs';
import { engineBuildIssues, linkEngineLines, tritonEngineBuilds, waitForEnginesScript } from './triton-engine';

/** Last NGC release whose image ships the TensorFlow backend (Triton 2.55.0; server build.py, PR #8068). */
export const LAST_TRITON_WITH_TENSORFLOW = '25.02';
export const TRITON_IMAGE = defaultImageOf('triton', true);
/**
 * First releases built with CUDA 13: 25.08 (Triton 2.60.0; server build.py copies libcudart.so.13) for the
 * `-py3` and `-vllm-python-py3` images, 25.11 for `-trtllm-python-py3` (docs/introduction/compatibility.md:
 * 25.08-25.10 trtllm rows are CUDA 12.9). The rows begin at 24.04 (CUDA 12.3): older tags are not classified.
 */
const FIRST_CUDA13 = { default: '25.08', trtllm: '25.11' } as const;
const FIRST_CLASSIFIED_RELEASE = '24.04';
/**
 * TensorRT accelerator precisions per backend, with the first release accepting each (undefined = all):
 * onnxruntime_backend src/onnxruntime.cc maps FP16/INT8 and, since r26.02 (PR #328), BF16; anything else fails
 * the model load. tensorflow_backend src/tensorflow.cc (r25.02) accepts FP32 and FP16 only.
 */
export const TENSORRT_PRECISIONS: Record<'onnx' | 'savedmodel', Partial<Record<string, string | undefined>>> = {
  onnx: { FP32: undefined, FP16: undefined, INT8: undefined, BF16: '26.02' },
  savedmodel: { FP32: undefined, FP16: undefined },
};
/**
 * Administrative APIs fenced by spec.triton.adminKeySecret (docs/customization_guide/inference_protocols.md);
 * health, metadata and inference stay open for probes and clients. The HTTP option landed on 2023-11-03 (server 4b481a6).
 */
export const RESTRICTED_APIS = 'model-repository,model-config,shared-memory,statistics,trace,logging';
const ADMIN_KEY_ENV = 'TRITON_ADMIN_KEY';
/** First NGC release known to have --http-restricted-api (the HTTP option landed 2023-11-03). */
const FIRST_RESTRICTED_API_RELEASE = '24.01';
/** The per-model endpoints routes publish (server src/http_server.cc HTTPAPIServer::Handle). */
export const TRITON_PUBLIC_APIS = ['infer', 'generate', 'generate_stream', 'ready'] as const;
/** Seconds Triton waits for in-flight requests after SIGTERM (--exit-timeout-secs). */
export const TRITON_EXIT_TIMEOUT_SECONDS = 30;

/** The release (YY.MM) of an NGC tritonserver tag such as 25.02-py3, or undefined for other tags. */
export function tritonRelease(image: string): string | undefined {
  const m = /^(\d{2})\.(\d{2})(-|$)/.exec(imageTag(image) ?? '');
  return m ? `${m[1]}.${m[2]}` : undefined;
}

const sum = (metric: string, sel: string, w: string, by = 'model') => `sum by (${by}) (rate(${metric}{${sel}}[${w}]))`;
/** Failure reasons the server is responsible for (core src/infer_stats.h FailureReason): all but CANCELED. */
const SERVER_FAILURES = 'reason!="CANCELED"';
/** A matcher leaving out the ensemble models: an ensemble's failure is its failing step's, counted twice. */
function notEnsembles(models: readonly ModelSpec[]): string {
  const names = models.filter((m) => m.format === 'ensemble').map((m) => m.name);
  // model names may hold '.', a regex metacharacter: `\\.` in a PromQL string is the regex `\.`
  return names.length ? `,model!~"${names.map((n) => n.replace(/\./g, '\\\\.')).join('|')}"` : '';
}

/** Shell for the busybox init step: link each model's directory entries next to its generated config.pbtxt. */
function assembleScript(ctx: RuntimeContext): string {
  const lines = [
    'set -eu',
    'link_model() {',
    '  name="$1"; src="$2"; shift 2',
    `  [ -d "$src" ] || { echo "model $name: directory $src not found in the model repository" >&2; exit 1; }`,
    `  mkdir -p "${PATHS.repository}/$name"`,
    `  ln -sf "${PATHS.config}/$name.config.pbtxt" "${PATHS.repository}/$name/config.pbtxt"`,
    '  for e in "$src"/*; do',
    '    [ -e "$e" ] || continue',
    '    b="$(basename "$e")"',
    '    [ "$b" = config.pbtxt ] && continue',
    `    ln -sf "$e" "${PATHS.repository}/$name/$b"`,
    '  done',
    '  for v in "$@"; do',
    `    [ -e "${PATHS.repository}/$name/$v" ] || { echo "model $name: version directory $v not found in $src" >&2; exit 1; }`,
    '  done',
    '}',
  ];
  for (const m of ctx.models) {
    if (m.format === 'ensemble') {
      // an ensemble has no files of its own, but Triton needs a version directory
      lines.push(`mkdir -p "${PATHS.repository}/${m.name}/1"`,
        `ln -sf "${PATHS.config}/${m.name}.config.pbtxt" "${PATHS.repository}/${m.name}/config.pbtxt"`);
    } else if (m.build?.tensorrt) {
      // a built model: each version directory holds only the plan built for this GPU and image
      lines.push(`mkdir -p "${PATHS.repository}/${m.name}"`, `ln -sf "${PATHS.config}/${m.name}.config.pbtxt" "${PATHS.repository}/${m.name}/config.pbtxt"`, ...linkEngineLines(ctx, m));
    } else {
      lines.push(`link_model "${m.name}" "${PATHS.modelStore}/${m.path ?? m.name}"${(m.versions ?? []).map((v) => ` ${v}`).join('')}`);
    }
  }
  lines.push(`echo "model repository assembled: ${ctx.models.map((m) => m.name).join(' ')}"`);
  return lines.join('\n');
}

function validate(spec: ModelServingSpec, image: string): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const gpu = (spec.resources?.gpu?.count ?? 0) > 0;
  const names = new Set(spec.models.map((m) => m.name));
  const release = tritonRelease(image);
  if (spec.triton?.adminKeySecret && release !== undefined && release < FIRST_RESTRICTED_API_RELEASE) {
    issues.push({ path: 'spec.triton.adminKeySecret', message: `Triton ${release} has no --http-restricted-api; use an image of ${FIRST_RESTRICTED_API_RELEASE} or newer` });
  }
  spec.models.forEach((m, i) => {
    const p = `spec.models[${i}]`;
    if (m.format === 'savedmodel' && release !== undefined && release > LAST_TRITON_WITH_TENSORFLOW) {
      issues.push({ path: `${p}.format`, message: `Triton ${release} has no TensorFlow backend (the last image with it is ${LAST_TRITON_WITH_TENSORFLOW}); serve SavedModels with runtime: tfserving, or pin spec.image to nvcr.io/nvidia/tritonserver:${LAST_TRITON_WITH_TENSORFLOW}-py3` });
    }
    if (m.optimization?.tensorrt && !['onnx', 'savedmodel'].includes(m.format)) {
      issues.push({ path: `${p}.optimization.tensorrt`, message: `the TensorRT accelerator applies to formats onnx and savedmodel (format is ${m.format}; a tensorrt plan already is TensorRT)` });
    }
    const trt = m.optimization?.tensorrt;
    if (trt && (m.format === 'onnx' || m.format === 'savedmodel')) {
      const allowed = TENSORRT_PRECISIONS[m.format];
      const backend = m.format === 'onnx' ? 'ONNX Runtime' : 'TensorFlow';
      if (!(trt.precision in allowed)) {
        issues.push({ path: `${p}.optimization.tensorrt.precision`, message: `the ${backend} backend's TensorRT accelerator accepts ${Object.keys(allowed).join(', ')} (got ${trt.precision}); any other precision fails the model load, which stops Triton` });
      } else {
        const since = allowed[trt.precision];
        if (since && release !== undefined && release < since) {
          issues.push({ path: `${p}.optimization.tensorrt.precision`, message: `${trt.precision} needs Triton ${since} or newer (the ${backend} backend accepts precision_mode ${trt.precision} since r${since}); ${image} accepts ${Object.keys(allowed).filter((k) => !allowed[k] || allowed[k]! <= release).join(', ')}, and a model that fails to load stops Triton` });
        }
      }
    }
    if (m.optimization?.tensorrt && !gpu) issues.push({ path: `${p}.optimization.tensorrt`, message: 'the TensorRT accelerator needs a GPU (set spec.resources.gpu)' });
    if (m.instanceGroup?.kind === 'GPU' && !gpu) issues.push({ path: `${p}.instanceGroup.kind`, message: 'GPU instances need a GPU (set spec.resources.gpu, or kind: CPU)' });
    if (m.format === 'tensorrt' && !gpu) issues.push({ path: `${p}.format`, message: 'a TensorRT plan runs on a GPU only (set spec.resources.gpu)' });
    // with a DRA claim the plans are refused at spec.resources.gpu.claim (lib/spec/rules-platform.ts)
    if (m.format === 'tensorrt' && gpu && !spec.resources?.gpu?.product && !spec.resources?.gpu?.claim) {
      issues.push({ path: 'spec.resources.gpu.product', message: `is required for model ${JSON.stringify(m.name)} (${p}, format tensorrt): a TensorRT plan loads only on the GPU architecture and TensorRT version it was built for; name the GPU product the plan was built on` });
    }
    if (m.dynamicBatching && !(m.maxBatchSize && m.maxBatchSize > 0)) {
      issues.push({ path: `${p}.dynamicBatching`, message: 'dynamic batching needs maxBatchSize > 0' });
    }
    for (const b of m.dynamicBatching?.preferredBatchSizes ?? []) {
      if (m.maxBatchSize && b > m.maxBatchSize) issues.push({ path: `${p}.dynamicBatching.preferredBatchSizes`, message: `preferred batch size ${b} exceeds maxBatchSize (${m.maxBatchSize})` });
    }
    for (const f of ['numBatchThreads', 'maxEnqueuedBatches'] as const) {
      if (m.dynamicBatching?.[f] !== undefined) issues.push({ path: `${p}.dynamicBatching.${f}`, message: 'is a TF Serving batching parameter; Triton does not use it' });
    }
    if (m.format === 'ensemble') {
      if (!m.ensemble) issues.push({ path: `${p}.ensemble`, message: 'is required for format ensemble (the steps)' });
      if (!m.inputs?.length || !m.outputs?.length) issues.push({ path: p, message: 'an ensemble must declare its inputs and outputs' });
      if (m.instanceGroup) issues.push({ path: `${p}.instanceGroup`, message: 'an ensemble has no instances (its steps do)' });
      if (m.optimization) issues.push({ path: `${p}.optimization`, message: 'an ensemble has no optimization (its steps do)' });
      if (m.versions) issues.push({ path: `${p}.versions`, message: 'an ensemble has one version; set the step versions in ensemble.steps[].version' });
      m.ensemble?.steps.forEach((s, j) => {
        if (s.model === m.name) issues.push({ path: `${p}.ensemble.steps[${j}].model`, message: 'an ensemble cannot call itself' });
        else if (!names.has(s.model)) issues.push({ path: `${p}.ensemble.steps[${j}].model`, message: `model "${s.model}" is not in spec.models` });
      });
    } else if (m.ensemble) {
      issues.push({ path: `${p}.ensemble`, message: `applies to format ensemble only (format is ${m.format})` });
    }
  });
  if (!issues.some((i) => /\.ensemble\.steps\[\d+\]\.model$/.test(i.path))) issues.push(...ensembleIssues(spec.models));
  issues.push(...tensorrtTrackIssues(spec));
  issues.push(...engineBuildIssues(spec, image));
  return issues;
}

/**
 * A rollout track that changes the image but keeps the repository would load TensorRT plans built for another
 * TensorRT version (each NGC release ships its own): refused, naming the track's image. "Keeps" is judged by
 * the files the repository names (lib/spec/repository-identity.ts), not by how the field is written.
 */
function tensorrtTrackIssues(spec: ModelServingSpec): SpecIssue[] {
  // a plan built by spec.models[].build is built per track, with the track's image (lib/runtimes/triton-engine.ts)
  const plans = spec.models.filter((m) => m.format === 'tensorrt' && !m.build).map((m) => JSON.stringify(m.name));
  const r = spec.rollout;
  if (!plans.length || !r) return [];
  const main = spec.image ?? TRITON_IMAGE;
  const tracks: [string, NonNullable<typeof r.canary>][] = r.strategy === 'canary'
    ? (r.canary ? [['spec.rollout.canary', r.canary]] : [])
    : Object.entries(r.tracks ?? {}).map(([n, t]) => [`spec.rollout.tracks.${n}`, t]);
  return tracks
    .filter(([, t]) => t.image !== undefined && t.image !== main && (t.repository === undefined || sameRepositoryFiles(t.repository, spec.repository)))
    .map(([path, t]) => ({
      path: `${path}.image`,
      message: `(${t.image}) differs from ${spec.image ? 'spec.image' : 'the default image'} (${main}) but the track serves the same repository: the TensorRT plans of ${plans.join(', ')} were built for the TensorRT version of one image and do not load on another; give this track its own repository (${path}.repository) with plans built for its image`,
    }));
}

/** The CUDA build of a Triton image, from its NGC release (undefined for releases before 24.04 and unknown tags). */
export function tritonImageCuda(image: string): ImageCuda | undefined {
  const row = imageRow('triton');
  for (const known of [row.gpu, row.olderDrivers]) if (known?.image === image) return known.cuda;
  const release = tritonRelease(image);
  if (release === undefined || release < FIRST_CLASSIFIED_RELEASE) return undefined;
  const first = /trtllm/.test(imageTag(image) ?? '') ? FIRST_CUDA13.trtllm : FIRST_CUDA13.default;
  const major = release >= first ? 13 : 12;
  return {
    version: `${major}.x`,
    major,
    minDriver: CUDA_MAJORS[major].minDriver,
    minComputeCapability: CUDA_MAJORS[major].minComputeCapability,
    source: major === 13 ? `Triton ${first} and later are built with CUDA 13` : `Triton ${FIRST_CLASSIFIED_RELEASE} to ${first} (exclusive) are built with CUDA 12`,
  };
}

export const triton: ServingRuntime = {
  name: 'triton',
  displayName: 'NVIDIA Triton Inference Server',
  formats: ['onnx', 'tensorrt', 'torchscript', 'savedmodel', 'python', 'ensemble'],
  modelFields: ['path', 'versions', 'maxBatchSize', 'inputs', 'outputs', 'dynamicBatching', 'instanceGroup', 'optimization', 'ensemble', 'build'],
  imageNames: ['tritonserver'],
  // the NGC image has the user triton-server (uid 1000)
  user: { uid: 1000, gid: 1000 },
  defaultStartupTimeoutSeconds: 600,
  ports: [
    { name: 'http', port: 8000, appProtocol: 'http' },
    { name: 'grpc', port: 8001, appProtocol: 'grpc' },
    { name: 'metrics', port: 8002, appProtocol: 'http' },
  ],
  httpPortName: 'http',
  // server src/http_server.cc (v2.60.0 to v2.71.0) model_regex_: /v2/models/<m>[/versions/<v>][/infer|generate|
  // generate_stream|ready|config|stats|trace/setting], matched in full. Inference (infer, generate, generate_stream)
  // and the model's own readiness only: config, stats and trace/setting are admin APIs (restricted categories
  // model-config, statistics, trace), and the bare /v2/models/<m> (metadata) is left out too, so that no route
  // is a prefix of an admin path even where a proxy turns exact paths into prefixes
  publicPaths: (models) => models.flatMap((m) => [undefined, ...(m.versions ?? [])].flatMap((v) =>
    TRITON_PUBLIC_APIS.map((api) => ({ path: `/v2/models/${m.name}${v === undefined ? '' : `/versions/${v}`}/${api}`, match: 'Exact' as const })))),
  // mode batch: each input file is one KServe v2 JSON inference request (server src/http_server.cc model_regex_)
  batchRequest: (model) => ({
    format: 'body-per-file',
    path: `/v2/models/${model.name}/infer`,
    contentType: 'application/json',
    inputSuffixes: ['.json'],
    resultSuffix: '',
    readyPath: `/v2/models/${model.name}/ready`,
  }),
  defaultImage: (gpu) => defaultImageOf('triton', gpu),
  imageCuda: tritonImageCuda,
  // <model>/<version>/ of each served version and the model directory's own files (e.g. label files); every
  // version when the spec serves the latest (Triton picks the highest number it finds)
  downloadIncludes: (models) => versionedIncludes(models.filter((m) => m.format !== 'ensemble')),
  validate,
  tracing: tritonTracing,
  configFiles(ctx) {
    const gpu = ctx.gpuCount > 0;
    return Object.fromEntries(ctx.models.map((m) => [`${m.name}.config.pbtxt`, tritonModelConfig(m, gpu)]));
  },
  initSteps(ctx): RuntimeInitStep[] {
    const wait = waitForEnginesScript(ctx);
    return [
      ...(wait ? [{ name: 'wait-for-engines', image: 'shell' as const, command: ['sh', '-c', wait], mounts: ['model-store' as const] }] : []),
      { name: 'assemble-repository', image: 'shell', command: ['sh', '-c', assembleScript(ctx)], mounts: ['model-store', 'runtime-config', 'repository'] },
    ];
  },
  engineBuilds: tritonEngineBuilds,
  container(ctx) {
    const declared = ctx.models.every((m) => m.inputs?.length && m.outputs?.length);
    const admin = ctx.spec.triton?.adminKeySecret;
    const args = [
      `--model-repository=${PATHS.repository}`,
      '--model-control-mode=explicit',
      ...ctx.models.map((m) => `--load-model=${m.name}`),
      '--strict-readiness=true',
      // every config.pbtxt is generated complete: Triton must not guess missing fields
      ...(declared ? ['--disable-auto-complete-config'] : []),
      '--http-port=8000',
      '--grpc-port=8001',
      '--metrics-port=8002',
      '--allow-metrics=true',
      `--allow-gpu-metrics=${ctx.gpuCount > 0}`,
      // p95 latency for alerts: nv_inference_request_summary_us / nv_inference_queue_summary_us
      '--metrics-config=summary_latencies=true',
      '--metrics-config=summary_quantiles=0.5:0.05,0.9:0.01,0.95:0.001,0.99:0.001',
      `--exit-timeout-secs=${TRITON_EXIT_TIMEOUT_SECONDS}`,
      // the kubelet expands $(TRITON_ADMIN_KEY) from the container env: the key never appears in the manifest
      ...(admin ? [`--http-restricted-api=${RESTRICTED_APIS}:admin-key=$(${ADMIN_KEY_ENV})`,
        `--grpc-restricted-protocol=${RESTRICTED_APIS}:admin-key=$(${ADMIN_KEY_ENV})`] : []),
    ];
    return {
      // PID 1 of its container: src/triton_signal.cc traps SIGINT and SIGTERM and stops the server gracefully
      // (--exit-timeout-secs)
      command: ['tritonserver'],
      args,
      env: admin ? [{ name: ADMIN_KEY_ENV, valueFrom: { secretKeyRef: { name: admin.name, key: admin.key } } }] : [],
      // the HTTP endpoint opens only after the startup models loaded: the startup probe carries the load time
      startupProbe: { httpGet: { path: '/v2/health/live', port: 'http' } },
      readinessProbe: { httpGet: { path: '/v2/health/ready', port: 'http' } },
      livenessProbe: { httpGet: { path: '/v2/health/live', port: 'http' } },
      // ONNX models on the TensorRT accelerator keep their built engines here (trt_engine_cache_path): a
      // restarted container reuses them instead of rebuilding every engine; sized from the track's model size
      writablePaths: ctx.models.some((m) => m.format === 'onnx' && m.optimization?.tensorrt)
        ? [{ path: TRT_ENGINE_CACHE, sizeLimit: trtEngineCacheSize(ctx.repository.modelSize) }] : [],
      needsAssembledRepository: true,
    };
  },
  logFormat: tritonLogFormat,
  metrics: {
    portName: 'metrics',
    path: '/metrics',
    modelLabel: 'model',
    names: [
      'nv_inference_count', 'nv_inference_request_success', 'nv_inference_request_failure', 'nv_inference_queue_duration_us',
      'nv_inference_request_summary_us', 'nv_inference_pending_request_count', 'nv_gpu_utilization',
      'nv_gpu_memory_used_bytes', 'nv_gpu_memory_total_bytes',
    ],
    requestRate: (sel, w = '5m') => sum('nv_inference_request_success', sel, w),
    errorRate: (sel, w = '5m', models = []) => sum('nv_inference_request_failure', `${sel},${SERVER_FAILURES}${notEnsembles(models)}`, w),
    totalRate: (sel, w = '5m') =>
      `(${sum('nv_inference_request_success', sel, w)} + ${sum('nv_inference_request_failure', `${sel},${SERVER_FAILURES}`, w)}) > 0`,
    serverErrors: {
      counted: 'nv_inference_request_failure with reason BACKEND (the model failed to execute), REJECTED (queue timeout expired: overload) or OTHER (pre-execution failures, failed responses)',
      excluded: 'reason CANCELED (the client cancelled the request), and every failure of an ensemble model (an ensemble counts each failure of its steps again, as reason OTHER). Requests refused before they reach the model (bad input shapes or types, unknown model, full queue) are counted by no reason',
      source: 'triton-inference-server/core src/infer_stats.h (FailureReason), src/metric_model_reporter.cc (reason label), src/dynamic_batch_scheduler.cc, src/ensemble_scheduler/ensemble_scheduler.cc, src/tritonserver.cc (TRITONSERVER_ServerInferAsync), branch r26.06',
    },
    latencySeconds: (sel) => ({ expr: `max by (model) (nv_inference_request_summary_us{${sel},quantile="0.95"}) / 1e6`, kind: 'p95' }),
    // a summary over a 60 s window per pod (prometheus-cpp default max_age): the worst pod, not an average
    latencyQuantileSeconds: (q, sel) => `max by (model) (nv_inference_request_summary_us{${sel},quantile="${q}"}) / 1e6`,
    queueTimeSeconds: (sel, w = '5m') => `${sum('nv_inference_queue_duration_us', sel, w)} / ${sum('nv_inference_request_success', sel, w)} / 1e6`,
    pendingRequests: (sel) => `sum by (model) (nv_inference_pending_request_count{${sel}})`,
    gpuUtilization: (sel) => `avg by (pod) (nv_gpu_utilization{${sel}})`,
    gpuMemoryUsedRatio: (sel) => `max by (pod, gpu_uuid) (nv_gpu_memory_used_bytes{${sel}} / nv_gpu_memory_total_bytes{${sel}})`,
    inferenceCounter: 'nv_inference_count',
    queueTimeCounters: ['nv_inference_queue_duration_us', 'nv_inference_request_success'],
    pendingGauge: 'nv_inference_pending_request_count',
  },
};
