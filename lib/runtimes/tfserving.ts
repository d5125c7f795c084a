/**
 * TensorFlow Serving. Facts from tensorflow/serving at tag 2.20.0 (model_servers/main.cc, server.cc,
 * http_server.cc, http_rest_api_handler.cc, servables/tensorflow/util.cc, util/prometheus_exporter.cc,
 * tools/docker/Dockerfile{,.gpu}); see docs/RUNTIMES.md.
 */
import { TFSERVING_LOG } from './tfserving-logs';
import type { ModelServingSpec } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import { PATHS, ServingRuntime } from './types';
import { CUDA_MAJORS, defaultImageOf, imageRow, ImageCuda } from './images';
import { versionedIncludes } from './download';
import { sigtermWrapper } from './sigterm-wrapper';
import { dcgmGpuMemoryUsedRatio, dcgmGpuUtilization, DCGM_METRICS } from './dcgm';
import {
  TFS_METRICS_PATH, tfsBatching, tfsBatchingConfig, tfsBatchingIssues, tfsModelConfig, tfsMonitoringConfig,
  tfsReadinessScript,
} from './tfserving-config';

export const TFSERVING_IMAGE = defaultImageOf('tfserving', false);
export const TFSERVING_GPU_IMAGE = defaultImageOf('tfserving', true);
/**
 * The GPU image of the previous pin: CUDA 12.2 (2.19.1 tools/docker/Dockerfile.gpu, nvidia/cuda:12.2.0-base-ubuntu20.04).
 * Its floor is the build's own: tools/docker/Dockerfile.devel-gpu builds the binary with --config=cuda_clang, and
 * 2.19.1's .bazelrc gives that config TF_CUDA_COMPUTE_CAPABILITIES="sm_50,sm_60,sm_70,sm_80,compute_90", so
 * Maxwell (5.0) and newer run it; 2.20.0's .bazelrc starts at sm_60 (lib/runtimes/images.ts).
 */
const KNOWN_GPU_IMAGES: Record<string, ImageCuda> = {
  'tensorflow/serving:2.19.1-gpu': {
    version: '12.2', major: 12, minDriver: CUDA_MAJORS[12].minDriver, minComputeCapability: 5.0,
    source: 'tensorflow/serving 2.19.1 tensorflow_serving/tools/docker/Dockerfile.gpu (FROM nvidia/cuda:12.2.0-base-ubuntu20.04); Dockerfile.devel-gpu builds with --config=cuda_clang; .bazelrc cuda_clang TF_CUDA_COMPUTE_CAPABILITIES="sm_50,sm_60,sm_70,sm_80,compute_90"',
  },
};

/** The CUDA build of a TF Serving image: known for the pinned -gpu tags only. */
export function tfservingImageCuda(image: string): ImageCuda | undefined {
  const row = imageRow('tfserving');
  return image === row.gpu.image ? row.gpu.cuda : KNOWN_GPU_IMAGES[image];
}
/** The binary's ports: gRPC (--port) and REST (--rest_api_port, off unless set). */
export const TFS_GRPC_PORT = 8500;
export const TFS_REST_PORT = 8501;
/**
 * The images have no user of their own (they run as root): the server runs as this uid/gid. It writes only
 * under HOME (set to /tmp, an emptyDir); models and config are read-only mounts readable by any uid.
 */
export const TFSERVING_USER = { uid: 1000, gid: 1000 } as const;

/**
 * The server's command: `tensorflow_model_server` behind the SIGTERM wrapper (sigterm-wrapper.ts), which passes
 * SIGTERM on to it. The binary installs no SIGTERM handler (2.20.0: the only `signal()` call ignores SIGPIPE, in
 * util/net_http/server/internal/evhttp_server.cc; main.cc and server.cc wait for termination), so as PID 1 it would
 * ignore the kubelet's SIGTERM; not as PID 1 it takes SIGTERM's default action and exits. The image's own entrypoint
 * (tools/docker/Dockerfile: a bash script that runs the binary without exec) leaves bash as a PID 1 without a trap.
 */
export const TFSERVING_WRAPPER = sigtermWrapper('tensorflow_model_server', 'kill -TERM "$server"');

/** The REST verbs routes publish (model_servers/http_rest_api_util.cc kPredictionApiGegex). */
export const TFS_PUBLIC_VERBS = ['predict', 'classify', 'regress'] as const;

const REQUESTS = ':tensorflow:serving:request_count';
const LATENCY = ':tensorflow:serving:request_latency';
/**
 * `API` is the REST verb (`predict`, `classify`, `regress`, as the client spelled it) or the gRPC method (`Predict`,
 * `Classify`, `Regress`); it is empty on GET requests (model status and metadata, the readiness probe's among them):
 * `API!=""` keeps inference calls only (2.20.0 model_servers/http_server.cc ProcessRequest, http_rest_api_util.cc
 * kPredictionApiGegex / kModelStatusApiRegex, prediction_service_impl.cc).
 */
const INFERENCE = 'API!=""';
/**
 * Canonical status codes (the `status` label, error::Code_Name) that are the server's failures: the ones TF Serving
 * answers with HTTP 5xx (2.20.0 model_servers/http_server.cc ToHTTPStatusCode) plus RESOURCE_EXHAUSTED (429: the
 * batching queue is full, an overload). OK, NOT_FOUND (the probe's answer while a version loads) and the client
 * statuses are left out.
 */
export const TFS_SERVER_STATUSES = ['UNKNOWN', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'DEADLINE_EXCEEDED', 'UNIMPLEMENTED', 'RESOURCE_EXHAUSTED'] as const;
const SERVER_FAILURE = `status=~"${TFS_SERVER_STATUSES.join('|')}"`;
/** Environment that stops TensorFlow from taking nearly all GPU memory at start (tensorflow gpu_bfc_allocator.cc). */
export const TFS_GPU_ENV = { name: 'TF_FORCE_GPU_ALLOW_GROWTH', value: 'true' } as const;

function validate(spec: ModelServingSpec): SpecIssue[] {
  return tfsBatchingIssues(spec.models);
}

export const tfserving: ServingRuntime = {
  name: 'tfserving',
  displayName: 'TensorFlow Serving',
  formats: ['savedmodel'],
  modelFields: ['path', 'versions', 'maxBatchSize', 'dynamicBatching'],
  imageNames: ['serving'],
  user: TFSERVING_USER,
  defaultStartupTimeoutSeconds: 600,
  ports: [
    { name: 'grpc', port: TFS_GRPC_PORT, appProtocol: 'grpc' },
    { name: 'http', port: TFS_REST_PORT, appProtocol: 'http' },
  ],
  httpPortName: 'http',
  // model_servers/http_rest_api_util.cc (2.19.1, 2.20.0): POST /v1/models/<m>[/versions/<v>]:(classify|regress|predict)
  // and GET /v1/models/<m>[/versions/<v>] (status), matched in full; the metrics path (monitoring config) and the
  // model metadata stay private. The verb is glued to the model segment, so each is an exact path
  publicPaths: (models) => models.flatMap((m) => [undefined, ...(m.versions ?? [])].flatMap((v) => {
    const base = `/v1/models/${m.name}${v === undefined ? '' : `/versions/${v}`}`;
    return [base, ...TFS_PUBLIC_VERBS.map((verb) => `${base}:${verb}`)].map((path) => ({ path, match: 'Exact' as const }));
  })),
  defaultImage: (gpu) => (gpu ? TFSERVING_GPU_IMAGE : TFSERVING_IMAGE),
  imageCuda: tfservingImageCuda,
  // base_path/<version>/ of each served version (saved_model.pb, variables/); every version for "latest"
  downloadIncludes: (models) => versionedIncludes(models),
  // mode batch: each input file is one REST predict body ({"instances": ...} or {"inputs": ...});
  // model_servers/http_rest_api_handler.cc prediction_api_regex_ and modelstatus_api_regex_
  batchRequest: (model) => ({
    format: 'body-per-file',
    path: `/v1/models/${model.name}:predict`,
    contentType: 'application/json',
    inputSuffixes: ['.json'],
    resultSuffix: '',
    // /v1/models/<m> answers 200 in any version state; the metadata of a version only once it is AVAILABLE
    readyPath: `/v1/models/${model.name}/metadata`,
  }),
  validate,
  configFiles(ctx) {
    const batching = tfsBatching(ctx.models);
    return {
      'models.config': tfsModelConfig(ctx.models),
      'monitoring.config': tfsMonitoringConfig(),
      ...(batching ? { 'batching.config': tfsBatchingConfig(batching) } : {}),
    };
  },
  initSteps: () => [],
  container(ctx) {
    const batching = tfsBatching(ctx.models);
    return {
      // the image's entrypoint script adds --model_name/--model_base_path for a single model: run the binary,
      // behind the wrapper that passes SIGTERM on
      command: ['sh', '-c', TFSERVING_WRAPPER, 'tensorflow_model_server'],
      args: [
        `--port=${TFS_GRPC_PORT}`,
        `--rest_api_port=${TFS_REST_PORT}`,
        `--model_config_file=${PATHS.config}/models.config`,
        `--monitoring_config_file=${PATHS.config}/monitoring.config`,
        ...(batching ? ['--enable_batching=true', `--batching_parameters_file=${PATHS.config}/batching.config`] : []),
        // the standard grpc.health.v1 service (2.15.1+) for the kubelet's native gRPC probes
        '--enable_grpc_healthcheck_service=true',
      ],
      // TensorFlow preallocates nearly all GPU memory at start (serving#249, #1929), so the GPU-memory alert would fire
      // forever: allow growth makes the allocator take memory as the models need it (it keeps its peak, never returns it)
      env: [{ name: 'HOME', value: '/tmp' }, ...(ctx.gpuCount > 0 ? [{ ...TFS_GPU_ENV }] : [])],
      // the ports open once every model has one version AVAILABLE (ServerCore::Create waits): gRPC health then
      // answers SERVING, so it carries the load time; it is not model-aware afterwards
      startupProbe: { grpc: { port: TFS_GRPC_PORT } },
      // every configured version must be AVAILABLE (a second version may still be loading after startup)
      readinessProbe: { exec: { command: ['bash', '-c', tfsReadinessScript(ctx.models, TFS_REST_PORT)] } },
      livenessProbe: { grpc: { port: TFS_GRPC_PORT } },
      writablePaths: [],
      needsAssembledRepository: false,
    };
  },
  logFormat: () => TFSERVING_LOG,
  metrics: {
    portName: 'http',
    path: TFS_METRICS_PATH,
    modelLabel: 'model_name',
    names: [REQUESTS, `${LATENCY}_bucket`, `${LATENCY}_count`, ...DCGM_METRICS],
    // a histogram's _count only counts successes (RecordRequestLatency runs on OK only)
    requestRate: (sel, w = '5m') => `sum by (model_name) (rate(${LATENCY}_count{${sel},${INFERENCE}}[${w}]))`,
    // request_count has no API label: every REST request that names a model counts, the probe's metadata GETs too
    // (OK, or NOT_FOUND while a version loads); only the server's statuses are failures
    errorRate: (sel, w = '5m') => `sum by (model_name) (rate(${REQUESTS}{${sel},${SERVER_FAILURE}}[${w}]))`,
    // successful inference calls + server failures: probe GETs and client errors are in neither
    totalRate: (sel, w = '5m') =>
      `(sum by (model_name) (rate(${LATENCY}_count{${sel},${INFERENCE}}[${w}])) + sum by (model_name) (rate(${REQUESTS}{${sel},${SERVER_FAILURE}}[${w}]))) > 0`,
    serverErrors: {
      counted: `:tensorflow:serving:request_count with status ${TFS_SERVER_STATUSES.join(', ')} (HTTP 5xx, and 429 for a full batching queue)`,
      excluded: 'status OK and every client status: INVALID_ARGUMENT, NOT_FOUND (also the readiness probe\'s answer while a version loads), FAILED_PRECONDITION, OUT_OF_RANGE, ALREADY_EXISTS, ABORTED, PERMISSION_DENIED, UNAUTHENTICATED, CANCELLED',
      source: 'tensorflow/serving 2.20.0 servables/tensorflow/util.cc (RecordModelRequestCount: status = error::Code_Name), model_servers/http_server.cc (ToHTTPStatusCode)',
    },
    latencySeconds: (sel, w = '5m') => ({
      expr: `histogram_quantile(0.95, sum by (model_name, le) (rate(${LATENCY}_bucket{${sel},${INFERENCE}}[${w}]))) / 1e6`,
      kind: 'p95',
    }),
    latencyQuantileSeconds: (q, sel, w = '5m') =>
      `histogram_quantile(${q}, sum by (model_name, le) (rate(${LATENCY}_bucket{${sel},${INFERENCE}}[${w}]))) / 1e6`,
    gpuUtilization: dcgmGpuUtilization,
    // with TF_FORCE_GPU_ALLOW_GROWTH the allocator's pool grows to the peak need and is never given back
    gpuMemoryUsedRatio: dcgmGpuMemoryUsedRatio,
    gpuMemorySignal: 'GPU memory held by TensorFlow (its peak need since start)',
    // inference calls only: request_count would count the readiness probe's metadata GETs
    inferenceCounter: `${LATENCY}_count`,
    inferenceCounterMatchers: INFERENCE,
  },
};
