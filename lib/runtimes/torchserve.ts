/**
 * TorchServe. Facts from pytorch/serve at tag v0.12.0 (docker/Dockerfile, docker/build_image.sh,
 * docker/dockerd-entrypoint.sh, ts/arg_parser.py, ts/model_server.py, ts/configs/metrics.yaml,
 * frontend/server/src/main/java/org/pytorch/serve/{util/ConfigManager,util/TokenAuthorization,ServerInitializer,
 * util/NettyUtils}.java, frontend/server/src/main/resources/log4j2.xml); see docs/RUNTIMES.md.
 */
import { TORCHSERVE_LOG } from './torchserve-logs';
import type { ModelServingSpec } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import { PATHS, ServingRuntime } from './types';
import { TS_PORTS, torchserveProperties } from './torchserve-config';
import { defaultImageOf, imageRow } from './images';
import { sigtermWrapper } from './sigterm-wrapper';

export const TORCHSERVE_IMAGE = defaultImageOf('torchserve', false);
export const TORCHSERVE_GPU_IMAGE = defaultImageOf('torchserve', true);

/**
 * The server's command: `torchserve` behind the SIGTERM wrapper (sigterm-wrapper.ts), which runs `torchserve --stop
 * --foreground` on SIGTERM: that sends SIGTERM to the frontend JVM (its shutdown hook closes the servers,
 * ModelServer.java) and waits up to 60 s. The `torchserve` CLI itself installs no signal handler
 * (ts/model_server.py: Popen, then wait): as PID 1 it would ignore SIGTERM, and killed by it, it would leave the JVM
 * to the SIGKILL that ends the container. The wrapper, as PID 1, also reaps the model workers the JVM leaves.
 */
export const TORCHSERVE_WRAPPER = sigtermWrapper('torchserve', 'torchserve --stop --foreground');

/**
 * For `model-serving lint`: upstream stopped maintaining TorchServe (README notice added 2025-02-28,
 * pytorch/serve #3395); 0.12.0 (2024-09) is the last release.
 */
export const TORCHSERVE_MAINTENANCE_NOTICE =
  'TorchServe is in limited maintenance since 2025-02-28: no further releases, bug fixes or security patches ' +
  '(pytorch/serve README); 0.12.0 is the last release. Vulnerabilities in the image will not be fixed upstream.';

/**
 * The image's user `model-server`: `useradd -m model-server` on ubuntu:20.04 (CPU) and
 * nvidia/cuda:12.1.0-base-ubuntu20.04 (GPU; build_image.sh -g -cv cu121), neither of which has another regular user, so uid/gid 1000.
 */
export const TORCHSERVE_USER = { uid: 1000, gid: 1000 } as const;
/** The image's WORKDIR and the user's HOME; an emptyDir here takes logs, caches and the token key file. */
export const TORCHSERVE_HOME = '/home/model-server';

/**
 * The startup probe's check, run by the image's Python (its venv is first on PATH, docker/Dockerfile): every model
 * named in argv has at least its minWorkers workers READY, read from the management API's describe call
 * (`GET /models/<name>`: a list of DescribeModelResponse, `workers[].status` READY when the worker has loaded
 * the model; ManagementRequestHandler.handleDescribeModel, ApiUtils.getModelDescription at v0.12.0). Unlike
 * /ping, which answers 500 while a model lacks workers, it never makes TorchServe count a 5xx: a loading pod
 * adds nothing to Requests5XX, the error ratio's numerator. Exits 1 without output until then.
 */
export const TORCHSERVE_STARTED = [
  'import json, sys, urllib.request',
  'try:',
  '    for m in sys.argv[1:]:',
  `        with urllib.request.urlopen('http://127.0.0.1:${TS_PORTS.management}/models/' + m, timeout=5) as r:`,
  '            d = json.load(r)[0]',
  "        if sum(w.get('status') == 'READY' for w in d.get('workers', [])) < max(1, d.get('minWorkers', 1)):",
  '            sys.exit(1)',
  'except Exception:',
  '    sys.exit(1)',
].join('\n');
/**
 * sizeLimit of that home: the five log files of log4j2.xml (v0.12.0), each rolled at 100 MB and once a day into a
 * gzipped file kept in the same directory, and the token key file. Logs past it evict the pod (it restarts with an
 * empty directory).
 */
export const TORCHSERVE_HOME_SIZE = '4Gi';

function validate(spec: ModelServingSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  if (spec.torchserve?.tokenAuthorization === true) {
    issues.push({
      path: 'spec.torchserve.tokenAuthorization',
      message: 'cannot be true: with token authorization TorchServe answers /ping only with the inference key, which it generates at random in each pod (key_file.json) and expires after 60 minutes, so neither the kubelet probes nor clients behind the Service can hold it; keep it false and restrict access with spec.networkPolicy',
    });
  }
  spec.models.forEach((m, i) => {
    if (m.path !== undefined && !m.path.endsWith('.mar')) {
      issues.push({ path: `spec.models[${i}].path`, message: `must name the model archive, ending in .mar (got "${m.path}")` });
    }
  });
  return issues;
}

const sum = (metric: string, sel: string, w: string) => `sum by (model_name) (rate(${metric}{${sel}}[${w}]))`;

export const torchserve: ServingRuntime = {
  name: 'torchserve',
  displayName: 'TorchServe',
  notice: TORCHSERVE_MAINTENANCE_NOTICE,
  formats: ['mar'],
  modelFields: ['path', 'batchSize', 'maxBatchDelayMs', 'workers', 'marVersion'],
  imageNames: ['torchserve'],
  user: TORCHSERVE_USER,
  defaultStartupTimeoutSeconds: 600,
  ports: [
    { name: 'http', port: TS_PORTS.inference, appProtocol: 'http' },
    { name: 'management', port: TS_PORTS.management, appProtocol: 'http', management: true },
    { name: 'metrics', port: TS_PORTS.metrics, appProtocol: 'http' },
    { name: 'grpc', port: TS_PORTS.grpcInference, appProtocol: 'grpc' },
    { name: 'grpc-management', port: TS_PORTS.grpcManagement, appProtocol: 'grpc', management: true },
  ],
  httpPortName: 'http',
  // frontend InferenceRequestHandler.java (v0.12.0): /predictions/<m>[/<version>[/<path>...]] is inference; the
  // management (8081) and metrics (8082) ports are never routed, nor /ping, /api-description and the workflow APIs
  publicPaths: (models) => models.map((m) => ({ path: `/predictions/${m.name}`, match: 'PathPrefix' as const })),
  // mode batch: each input file (an image, a text, a JSON document) is the raw body the handler receives as
  // `body`; frontend InferenceRequestHandler.java (predictions/<m>, any non-form content type)
  batchRequest: (model) => ({
    format: 'body-per-file',
    path: `/predictions/${model.name}`,
    contentType: 'application/octet-stream',
    inputSuffixes: [],
    resultSuffix: '.out',
    readyPath: '/ping',
  }),
  defaultImage: (gpu) => (gpu ? TORCHSERVE_GPU_IMAGE : TORCHSERVE_IMAGE),
  imageCuda: (image) => (image === imageRow('torchserve').gpu.image ? imageRow('torchserve').gpu.cuda : undefined),
  // the model archives: <name>.mar, or the model's path
  downloadIncludes: (models) => models.map((m) => `/${m.path ?? `${m.name}.mar`}`),
  validate,
  configFiles: (ctx) => ({ 'config.properties': torchserveProperties(ctx.models, ctx.gpuCount) }),
  initSteps: () => [],
  container: (ctx) => ({
    // the image's entrypoint backgrounds the server (torchserve --start) and tails /dev/null
    command: ['sh', '-c', TORCHSERVE_WRAPPER, 'torchserve'],
    args: ['--start', '--foreground', `--ts-config=${PATHS.config}/config.properties`, '--ncs'],
    env: [
      // the image sets TEMP=/home/model-server/tmp, hidden by the emptyDir on the home directory; the CLI exits
      // when TEMP is not a directory, and passes it to the JVM as java.io.tmpdir
      { name: 'TEMP', value: '/tmp' },
      { name: 'LOG_LOCATION', value: `${TORCHSERVE_HOME}/logs` },
      { name: 'METRICS_LOCATION', value: `${TORCHSERVE_HOME}/logs` },
    ],
    // /ping answers 500 until every model has its workers, and each 500 counts in Requests5XX: the startup probe
    // reads the management API instead, so a loading pod adds no server error
    startupProbe: { exec: { command: ['python3', '-c', TORCHSERVE_STARTED, ...ctx.models.map((m) => m.name)] } },
    readinessProbe: { httpGet: { path: '/ping', port: 'http' } },
    // liveness asks the frontend only: a model whose workers restart is not ready, but the JVM is alive
    livenessProbe: { httpGet: { path: '/metrics', port: 'metrics' } },
    writablePaths: [{ path: TORCHSERVE_HOME, sizeLimit: TORCHSERVE_HOME_SIZE }],
    needsAssembledRepository: false,
  }),
  logFormat: () => TORCHSERVE_LOG,
  metrics: {
    portName: 'metrics',
    path: '/metrics',
    modelLabel: 'model_name',
    names: [
      'ts_inference_requests_total', 'ts_inference_latency_microseconds', 'ts_queue_latency_microseconds',
      'Requests2XX', 'Requests4XX', 'Requests5XX', 'GPUUtilization', 'GPUMemoryUtilization',
    ],
    // counted when a request arrives (InferenceRequestHandler): requests, not successes
    requestRate: (sel, w = '5m') => sum('ts_inference_requests_total', sel, w),
    // no per-model error counter exists: the frontend counts responses by status class over every API and port
    // (NettyUtils.sendHttpResponse), so 5xx are the server's failures: 503 no worker or queue full, 500 a handler
    // error, 507; 4xx (bad request, unknown model) are left out
    errorRate: (sel, w = '5m') => `sum(rate(Requests5XX{${sel}}[${w}]))`,
    // the 2XX counter also counts every metrics scrape and probe: inference requests (counted on arrival, so failed
    // ones too) are the denominator; none counted gives no ratio
    totalRate: (sel, w = '5m') => `sum(rate(ts_inference_requests_total{${sel}}[${w}])) > 0`,
    serverErrors: {
      counted: 'Requests5XX: every 5xx answer of the frontend (503 when a model has no free worker or its queue is full, 500 when the handler fails, 507), per server',
      excluded: 'Requests4XX (bad requests, unknown models) and Requests2XX, whose count includes metrics scrapes and probes; the ratio is taken over ts_inference_requests_total. A loading pod adds none: its startup probe reads the management API, not /ping; after startup a failing /ping (500 while a model has lost its workers) counts as a 5xx',
      source: 'pytorch/serve v0.12.0 frontend/server/src/main/java/org/pytorch/serve/util/NettyUtils.java (sendHttpResponse), http/HttpRequestHandler.java, http/api/rest/InferenceRequestHandler.java (predict), ts/configs/metrics.yaml',
    },
    // both latency metrics are cumulative microsecond COUNTERS: a mean, not a quantile
    latencySeconds: (sel, w = '5m') => ({
      expr: `${sum('ts_inference_latency_microseconds', sel, w)} / ${sum('ts_inference_requests_total', sel, w)} / 1e6`,
      kind: 'mean',
    }),
    queueTimeSeconds: (sel, w = '5m') => `${sum('ts_queue_latency_microseconds', sel, w)} / ${sum('ts_inference_requests_total', sel, w)} / 1e6`,
    // TorchServe's own system metrics (ts/metrics/system_metrics.py, percent, every metric_time_interval = 60 s)
    gpuUtilization: (sel) => `avg by (pod) (GPUUtilization{${sel}}) / 100`,
    gpuMemoryUsedRatio: (sel) => `max by (pod, DeviceId) (GPUMemoryUtilization{${sel}}) / 100`,
    inferenceCounter: 'ts_inference_requests_total',
    queueTimeCounters: ['ts_queue_latency_microseconds', 'ts_inference_requests_total'],
  },
};
