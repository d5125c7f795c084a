/**
 * TensorFlow Serving. Facts from tensorflow/serving at tag 2.19.1 (model_servers/main.cc, server.cc,
 * http_server.cc, http_rest_api_handler.cc, servables/tensorflow/util.cc, util/prometheus_exporter.cc,
 * tools/docker/Dockerfile{,.gpu}); see docs/RUNTIMES.md.
 */
import { TFSERVING_LOG } from './tfserving-logs';
import type { ModelServingSpec } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import { PATHS, ServingRuntime } from './types';
import { dcgmGpuMemoryUsedRatio, dcgmGpuUtilization, DCGM_METRICS } from './dcgm';
import {
  TFS_METRICS_PATH, tfsBatching, tfsBatchingConfig, tfsBatchingIssues, tfsModelConfig, tfsMonitoringConfig,
  tfsReadinessScript,
} from './tfserving-config';

export const TFSERVING_IMAGE = 'tensorflow/serving:2.19.1';
export const TFSERVING_GPU_IMAGE = 'tensorflow/serving:2.19.1-gpu';
/** The binary's ports: gRPC (--port) and REST (--rest_api_port, off unless set). */
export const TFS_GRPC_PORT = 8500;
export const TFS_REST_PORT = 8501;
/**
 * The images have no user of their own (they run as root): the server runs as this uid/gid. It writes only
 * under HOME (set to /tmp, an emptyDir); models and config are read-only mounts readable by any uid.
 */
export const TFSERVING_USER = { uid: 1000, gid: 1000 } as const;

const REQUESTS = ':tensorflow:serving:request_count';
const LATENCY = ':tensorflow:serving:request_latency';
/** `API` is empty on GET requests (status and metadata, the readiness probe's among them): inference only. */
const INFERENCE = 'API!=""';

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
  // no modelRoutePrefix: REST URLs glue the verb to the model segment (/v1/models/<m>:predict), and Ingress and
  // HTTPRoute prefixes match whole segments, so no path prefix selects one model
  defaultImage: (gpu) => (gpu ? TFSERVING_GPU_IMAGE : TFSERVING_IMAGE),
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
      // the image's entrypoint script adds --model_name/--model_base_path for a single model: run the binary
      command: ['tensorflow_model_server'],
      args: [
        `--port=${TFS_GRPC_PORT}`,
        `--rest_api_port=${TFS_REST_PORT}`,
        `--model_config_file=${PATHS.config}/models.config`,
        `--monitoring_config_file=${PATHS.config}/monitoring.config`,
        ...(batching ? ['--enable_batching=true', `--batching_parameters_file=${PATHS.config}/batching.config`] : []),
        // the standard grpc.health.v1 service (2.15.1+) for the kubelet's native gRPC probes
        '--enable_grpc_healthcheck_service=true',
      ],
      env: [{ name: 'HOME', value: '/tmp' }],
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
    // status is the canonical error code name (error::Code_Name): OK, NOT_FOUND, INVALID_ARGUMENT, ...
    errorRate: (sel, w = '5m') => `sum by (model_name) (rate(${REQUESTS}{${sel},status!="OK"}[${w}]))`,
    totalRate: (sel, w = '5m') => `sum by (model_name) (rate(${REQUESTS}{${sel}}[${w}]))`,
    latencySeconds: (sel, w = '5m') => ({
      expr: `histogram_quantile(0.95, sum by (model_name, le) (rate(${LATENCY}_bucket{${sel},${INFERENCE}}[${w}]))) / 1e6`,
      kind: 'p95',
    }),
    latencyQuantileSeconds: (q, sel, w = '5m') =>
      `histogram_quantile(${q}, sum by (model_name, le) (rate(${LATENCY}_bucket{${sel},${INFERENCE}}[${w}]))) / 1e6`,
    gpuUtilization: dcgmGpuUtilization,
    gpuMemoryUsedRatio: dcgmGpuMemoryUsedRatio,
    inferenceCounter: REQUESTS,
  },
};
