/**
 * TF Serving's generated files, in protobuf text format (tensorflow/serving at 2.19.1):
 * `models.config` (ModelServerConfig, config/model_server_config.proto), `batching.config`
 * (BatchingParameters, servables/tensorflow/session_bundle_config.proto: wrapper-typed fields) and
 * `monitoring.config` (MonitoringConfig, config/monitoring_config.proto).
 */
import type { ModelSpec } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import { PATHS } from './types';

/** Prometheus endpoint on the REST port (util/prometheus_exporter.cc kPrometheusPath). */
export const TFS_METRICS_PATH = '/monitoring/prometheus/metrics';

/** Batching parameters written when the spec leaves them out (the schema's documented defaults). */
export const TFS_BATCHING_DEFAULTS = { batchTimeoutMicros: 1000, numBatchThreads: 4, maxEnqueuedBatches: 100 } as const;

/** The server-wide batching parameters of one spec. */
export interface TfsBatching {
  readonly maxBatchSize: number;
  readonly batchTimeoutMicros: number;
  readonly numBatchThreads: number;
  readonly maxEnqueuedBatches: number;
}

const q = (s: string) => JSON.stringify(s);

/** Directory of one model's versions (`<base_path>/<version>/saved_model.pb`). */
export function tfsBasePath(m: ModelSpec): string {
  return `${PATHS.modelStore}/${m.path ?? m.name}`;
}

/** `models.config`: every model with its base path and version policy (latest 1 unless `versions` is set). */
export function tfsModelConfig(models: readonly ModelSpec[]): string {
  const out = ['model_config_list {'];
  for (const m of models) {
    const policy = m.versions
      ? `specific { ${m.versions.map((v) => `versions: ${v}`).join(' ')} }`
      : 'latest { num_versions: 1 }';
    out.push(
      '  config {',
      `    name: ${q(m.name)}`,
      `    base_path: ${q(tfsBasePath(m))}`,
      '    model_platform: "tensorflow"',
      `    model_version_policy { ${policy} }`,
      '  }',
    );
  }
  out.push('}');
  return out.join('\n') + '\n';
}

/** True when a model asks for server-side batching. */
export function wantsBatching(m: ModelSpec): boolean {
  return (m.maxBatchSize ?? 0) > 0 || m.dynamicBatching !== undefined;
}

function batchingOf(m: ModelSpec): TfsBatching {
  const d = m.dynamicBatching ?? {};
  return {
    maxBatchSize: m.maxBatchSize ?? 0,
    batchTimeoutMicros: d.maxQueueDelayMicroseconds ?? TFS_BATCHING_DEFAULTS.batchTimeoutMicros,
    numBatchThreads: d.numBatchThreads ?? TFS_BATCHING_DEFAULTS.numBatchThreads,
    maxEnqueuedBatches: d.maxEnqueuedBatches ?? TFS_BATCHING_DEFAULTS.maxEnqueuedBatches,
  };
}

const FIELD_PATH: Record<keyof TfsBatching, string> = {
  maxBatchSize: 'maxBatchSize',
  batchTimeoutMicros: 'dynamicBatching.maxQueueDelayMicroseconds',
  numBatchThreads: 'dynamicBatching.numBatchThreads',
  maxEnqueuedBatches: 'dynamicBatching.maxEnqueuedBatches',
};

/**
 * TF Serving batches server-wide: `--enable_batching` batches every model with one parameter set. So batching
 * is on when a model asks for it, and then every model must ask for it with the same values.
 */
export function tfsBatchingIssues(models: readonly ModelSpec[]): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const first = models.findIndex(wantsBatching);
  models.forEach((m, i) => {
    const p = `spec.models[${i}]`;
    if (m.dynamicBatching && !((m.maxBatchSize ?? 0) > 0)) {
      issues.push({ path: `${p}.dynamicBatching`, message: 'dynamic batching needs maxBatchSize > 0 (TF Serving max_batch_size)' });
    }
    if (m.dynamicBatching?.preferredBatchSizes !== undefined) {
      issues.push({ path: `${p}.dynamicBatching.preferredBatchSizes`, message: 'is a Triton setting; TF Serving forms batches of any size up to maxBatchSize' });
    }
  });
  if (first < 0 || issues.length) return issues;
  const ref = batchingOf(models[first]);
  models.forEach((m, i) => {
    if (i === first) return;
    const p = `spec.models[${i}]`;
    if (!wantsBatching(m)) {
      issues.push({ path: `${p}.maxBatchSize`, message: `TF Serving batching is server-wide: spec.models[${first}] turns on --enable_batching, which batches every model; set the same maxBatchSize (${ref.maxBatchSize}) and dynamicBatching here` });
      return;
    }
    const own = batchingOf(m);
    for (const k of Object.keys(FIELD_PATH) as (keyof TfsBatching)[]) {
      if (own[k] !== ref[k]) {
        issues.push({ path: `${p}.${FIELD_PATH[k]}`, message: `(${own[k]}) must equal spec.models[${first}].${FIELD_PATH[k]} (${ref[k]}): TF Serving has one batching parameters file for all models` });
      }
    }
  });
  return issues;
}

/** The server-wide batching parameters, or undefined when no model batches. Assumes tfsBatchingIssues passed. */
export function tfsBatching(models: readonly ModelSpec[]): TfsBatching | undefined {
  const m = models.find(wantsBatching);
  return m ? batchingOf(m) : undefined;
}

/** `batching.config`: BatchingParameters with its wrapper-typed fields. */
export function tfsBatchingConfig(b: TfsBatching): string {
  return [
    `max_batch_size { value: ${b.maxBatchSize} }`,
    `batch_timeout_micros { value: ${b.batchTimeoutMicros} }`,
    `num_batch_threads { value: ${b.numBatchThreads} }`,
    `max_enqueued_batches { value: ${b.maxEnqueuedBatches} }`,
  ].join('\n') + '\n';
}

/** `monitoring.config`: without it TF Serving exports no metrics at all. */
export function tfsMonitoringConfig(): string {
  return `prometheus_config {\n  enable: true\n  path: ${q(TFS_METRICS_PATH)}\n}\n`;
}

/**
 * REST paths that answer 200 only while the model version is AVAILABLE: GetModelMetadata takes a servable
 * handle (servables/tensorflow/get_model_metadata_impl.cc), and the manager hands out handles for available
 * servables only, else NOT_FOUND -> HTTP 404 (core/basic_manager.cc, model_servers/http_server.cc).
 * `GET /v1/models/<m>` (the status API) answers 200 in every version state, so it cannot tell.
 */
export function tfsReadinessPaths(models: readonly ModelSpec[]): string[] {
  return models.flatMap((m) => (m.versions
    ? m.versions.map((v) => `/v1/models/${m.name}/versions/${v}/metadata`)
    : [`/v1/models/${m.name}/metadata`]));
}

/**
 * bash (the image's entrypoint shell; the image has no curl or wget) script for an exec probe: one HTTP/1.0
 * GET per path over /dev/tcp, every status line must say 200.
 */
export function tfsReadinessScript(models: readonly ModelSpec[], port: number): string {
  return [
    `for p in ${tfsReadinessPaths(models).join(' ')}; do`,
    `  exec 3<>/dev/tcp/127.0.0.1/${port} || exit 1`,
    `  printf 'GET %s HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' "$p" >&3`,
    '  read -r _ code _ <&3 || exit 1',
    '  exec 3<&-',
    '  [ "$code" = 200 ] || { echo "$p answered ${code:-nothing}: the version is not AVAILABLE" >&2; exit 1; }',
    'done',
  ].join('\n');
}
