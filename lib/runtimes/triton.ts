/**
 * NVIDIA Triton Inference Server. Facts (ports, flags, probes, metric names) from docs/RUNTIME_FACTS.md,
 * checked against triton-inference-server/server (src/command_line_parser.cc, src/main.cc,
 * docs/user_guide/metrics.md) and core (src/metrics.cc).
 */
import type { ModelServingSpec } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import { imageTag } from '../spec/image';
import { PATHS, RuntimeContext, ServingRuntime, RuntimeInitStep } from './types';
import { tritonModelConfig } from './triton-config';
import { tritonLogFormat } from './triton-logs';
import { engineBuildIssues, linkEngineLines, tritonEngineBuilds, waitForEnginesScript } from './triton-engine';

/** Last NGC release whose image ships the TensorFlow backend (Triton 2.55.0; server build.py, PR #8068). */
export const LAST_TRITON_WITH_TENSORFLOW = '25.02';
export const TRITON_IMAGE = 'nvcr.io/nvidia/tritonserver:25.08-py3';
/**
 * Administrative APIs fenced by spec.triton.adminKeySecret (docs/customization_guide/inference_protocols.md);
 * health, metadata and inference stay open for probes and clients. The HTTP option landed on 2023-11-03 (server 4b481a6).
 */
export const RESTRICTED_APIS = 'model-repository,model-config,shared-memory,statistics,trace,logging';
const ADMIN_KEY_ENV = 'TRITON_ADMIN_KEY';
/** First NGC release known to have --http-restricted-api (the HTTP option landed 2023-11-03). */
const FIRST_RESTRICTED_API_RELEASE = '24.01';
/** Seconds Triton waits for in-flight requests after SIGTERM (--exit-timeout-secs). */
export const TRITON_EXIT_TIMEOUT_SECONDS = 30;

/** The release (YY.MM) of an NGC tritonserver tag such as 25.02-py3, or undefined for other tags. */
export function tritonRelease(image: string): string | undefined {
  const m = /^(\d{2})\.(\d{2})(-|$)/.exec(imageTag(image) ?? '');
  return m ? `${m[1]}.${m[2]}` : undefined;
}

const sum = (metric: string, sel: string, w: string, by = 'model') => `sum by (${by}) (rate(${metric}{${sel}}[${w}]))`;

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
    if (m.optimization?.tensorrt && !gpu) issues.push({ path: `${p}.optimization.tensorrt`, message: 'the TensorRT accelerator needs a GPU (set spec.resources.gpu)' });
    if (m.instanceGroup?.kind === 'GPU' && !gpu) issues.push({ path: `${p}.instanceGroup.kind`, message: 'GPU instances need a GPU (set spec.resources.gpu, or kind: CPU)' });
    if (m.format === 'tensorrt' && !gpu) issues.push({ path: `${p}.format`, message: 'a TensorRT plan runs on a GPU only (set spec.resources.gpu)' });
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
      if (m.versions) issues.push({ path: `${p}.versions`, message: 'an ensemble has one version; set the step versions in ensemble.steps[].version' });
      m.ensemble?.steps.forEach((s, j) => {
        if (s.model === m.name) issues.push({ path: `${p}.ensemble.steps[${j}].model`, message: 'an ensemble cannot call itself' });
        else if (!names.has(s.model)) issues.push({ path: `${p}.ensemble.steps[${j}].model`, message: `model "${s.model}" is not in spec.models` });
      });
    } else if (m.ensemble) {
      issues.push({ path: `${p}.ensemble`, message: `applies to format ensemble only (format is ${m.format})` });
    }
  });
  issues.push(...engineBuildIssues(spec, image));
  return issues;
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
  modelRoutePrefix: (model) => `/v2/models/${model}`,
  // mode batch: each input file is one KServe v2 JSON inference request (server src/http_server.cc model_regex_)
  batchRequest: (model) => ({
    format: 'body-per-file',
    path: `/v2/models/${model.name}/infer`,
    contentType: 'application/json',
    inputSuffixes: ['.json'],
    resultSuffix: '',
    readyPath: `/v2/models/${model.name}/ready`,
  }),
  defaultImage: () => TRITON_IMAGE,
  validate,
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
      command: ['tritonserver'],
      args,
      env: admin ? [{ name: ADMIN_KEY_ENV, valueFrom: { secretKeyRef: { name: admin.name, key: admin.key } } }] : [],
      // the HTTP endpoint opens only after the startup models loaded: the startup probe carries the load time
      startupProbe: { httpGet: { path: '/v2/health/live', port: 'http' } },
      readinessProbe: { httpGet: { path: '/v2/health/ready', port: 'http' } },
      livenessProbe: { httpGet: { path: '/v2/health/live', port: 'http' } },
      writablePaths: [],
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
    errorRate: (sel, w = '5m') => sum('nv_inference_request_failure', sel, w),
    totalRate: (sel, w = '5m') => `(${sum('nv_inference_request_success', sel, w)} + ${sum('nv_inference_request_failure', sel, w)})`,
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
