/**
 * The steps of a batch pod around the model server (docs/MODES.md):
 *   init  download-inputs  rclone: lists the input, keeps this pod's shard, downloads it
 *   init  server           the runtime's server as a native sidecar (pod.ts), started before the client
 *   init  client           python: waits for the model, sends every input, writes every result
 *   main  upload-results   rclone: uploads the results; when it exits, the kubelet stops the server
 */
import { k8s } from 'cdk8s-plus-28';
import type * as api from '../k8s/api';
import type { ModelSpec } from '../spec/schema/spec';
import type { BatchRequest } from '../runtimes/types';
import type { ServingContext, Track } from '../model/context';
import { DOWNLOAD_IMAGE, RCLONE_ENV, RCLONE_S3_PROVIDER_SCRIPT, rcloneRemote } from '../model/rclone';
import { restrictedContainerSecurity } from '../model/security';
import { splitUri } from '../spec/uri';
import { CLIENT_PY, EXIT_REJECTED } from './client-py';
import { startupBudgetSeconds } from '../model/resources';
import { HELPER_IMAGES } from '../runtimes/images';

/** Pinned image of the client: CPython 3.12 on Debian bookworm, standard library only. */
export const BATCH_CLIENT_IMAGE = HELPER_IMAGES.batchClient.image;
export const BATCH_PATHS = { input: '/batch/input', output: '/batch/output', client: '/etc/model-serving-batch' } as const;
export const DEFAULT_CONCURRENCY = 4;
/** The schema's maximum of spec.batch.concurrency (one client thread per request in flight). */
export const MAX_CONCURRENCY = 4096;
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 600;
/** Set by the Job controller on every pod of an Indexed Job (Kubernetes 1.24+). */
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
/** Set by the Job controller on every pod of a Job (Kubernetes 1.27+). */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';

const RCLONE_FLAGS = '--retries=3 --low-level-retries=10 --transfers=8 --checkers=16 --stats=30s --stats-one-line -v';
const q = (v: string) => k8s.Quantity.fromString(v);
const STEP_RESOURCES: k8s.ResourceRequirements = {
  requests: { cpu: q('250m'), memory: q('256Mi') },
  limits: { cpu: q('2'), memory: q('1Gi') },
};
const CLIENT_RESOURCES: k8s.ResourceRequirements = {
  requests: { cpu: q('250m'), memory: q('256Mi') },
  limits: { cpu: q('1'), memory: q('1Gi') },
};

/** The model that receives the batch requests. */
export function batchModel(ctx: ServingContext, track: Track): ModelSpec {
  const name = ctx.spec.batch?.model;
  return track.models.find((m) => m.name === name) ?? track.models[0];
}

/** The runtime's request shape for the batch model (the rules refuse mode batch for a runtime without one). */
export function batchRequest(ctx: ServingContext, track: Track): BatchRequest {
  if (!ctx.runtime.batchRequest) throw new Error(`runtime ${ctx.runtime.name} has no batch request`);
  return ctx.runtime.batchRequest(batchModel(ctx, track), ctx.runtimeContext(track));
}

/** File-name suffixes of the inputs the client sends. */
export function inputSuffixes(req: BatchRequest): readonly string[] {
  return req.format === 'openai-batch' ? ['.jsonl'] : req.inputSuffixes;
}

/** The ClientConfig ConfigMap data: the client program and its settings. */
export function clientFiles(ctx: ServingContext, track: Track): Record<string, string> {
  const b = ctx.spec.batch!;
  const req = batchRequest(ctx, track);
  const http = ctx.runtime.ports.find((p) => p.name === ctx.runtime.httpPortName)!;
  const { defaultConcurrency: _unused, ...request } = req;
  const settings = {
    port: http.port,
    inputDir: BATCH_PATHS.input,
    outputDir: BATCH_PATHS.output,
    concurrency: b.concurrency ?? Math.min(req.defaultConcurrency ?? DEFAULT_CONCURRENCY, MAX_CONCURRENCY),
    requestTimeoutSeconds: b.requestTimeoutSeconds ?? DEFAULT_REQUEST_TIMEOUT_SECONDS,
    readyTimeoutSeconds: startupBudgetSeconds(ctx.spec, ctx.runtime, track.repository),
    request: { ...request, inputSuffixes: inputSuffixes(req) },
  };
  return { 'client.py': CLIENT_PY, 'client.json': `${JSON.stringify(settings, null, 2)}\n` };
}

/** Shell of download-inputs: list the input, keep every SHARDS-th file from the SHARD-th, download those. */
export function downloadScript(suffixes: readonly string[]): string {
  const include = suffixes.map((s) => ` --include '*${s}'`).join('');
  return [
    'set -eu',
    // the credentials Secret may replace the S3 provider, as for the model download (model-repository.ts)
    'src="$SOURCE"',
    RCLONE_S3_PROVIDER_SCRIPT,
    `rclone lsf -R --files-only${include} "$src" > /tmp/inputs.listed`,
    'LC_ALL=C sort /tmp/inputs.listed > /tmp/inputs.all',
    `awk -v n="$SHARDS" -v i="$SHARD" '(NR - 1) % n == i' /tmp/inputs.all > /tmp/inputs.shard`,
    'echo "shard $SHARD of $SHARDS: $(wc -l < /tmp/inputs.shard) of $(wc -l < /tmp/inputs.all) input files"',
    'if [ -s /tmp/inputs.shard ]; then',
    `  rclone copy "$src" ${BATCH_PATHS.input} --files-from-raw /tmp/inputs.shard --no-traverse ${RCLONE_FLAGS}`,
    'fi',
  ].join('\n');
}

/** Shell of upload-results: upload everything the client wrote, then fail (exit 3) if requests were rejected. */
export function uploadScript(s3: boolean): string {
  return [
    'set -eu',
    'src="$DEST"',
    RCLONE_S3_PROVIDER_SCRIPT,
    // a writer with PutObject only cannot create the bucket, which rclone tries first on S3 (rclone/rclone#4703)
    `rclone copy ${BATCH_PATHS.output} "$src" --exclude '/.status/**' --exclude '*.partial'${s3 ? ' --s3-no-check-bucket' : ''} ${RCLONE_FLAGS}`,
    `if [ -s ${BATCH_PATHS.output}/.status/rejected ]; then`,
    `  echo "the model server rejected $(cat ${BATCH_PATHS.output}/.status/rejected) request(s); their error records were uploaded next to the results" >&2`,
    `  exit ${EXIT_REJECTED}`,
    'fi',
  ].join('\n');
}

export interface BatchStepsOptions {
  /** Name of the ClientConfig ConfigMap. */
  readonly clientConfigMapName: string;
  /** Number of shards (the Job's completions). */
  readonly shards: number;
  /** Write under <output>/<job name>/ (a CronJob: one directory per run). */
  readonly perRunOutput: boolean;
}

/** Init containers before and after the server, the main container and the volumes of a batch pod. */
export interface BatchSteps {
  readonly before: api.Container[];
  readonly after: api.Container[];
  readonly containers: api.Container[];
  readonly volumes: api.Volume[];
}

export function batchSteps(ctx: ServingContext, track: Track, o: BatchStepsOptions): BatchSteps {
  const b = ctx.spec.batch!;
  const sec = restrictedContainerSecurity(ctx);
  const secret = b.credentialsSecret ?? ctx.spec.repository.credentialsSecret;
  const envFrom = secret ? { envFrom: [{ secretRef: { name: secret } }] } : {};
  const shard: k8s.EnvVar[] = [
    { name: 'SHARD', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` } } },
    { name: 'SHARDS', value: String(o.shards) },
  ];
  const tmp = { name: 'tmp', mountPath: '/tmp' };
  const common = { imagePullPolicy: 'IfNotPresent', securityContext: sec, terminationMessagePolicy: 'FallbackToLogsOnError' };
  const output = b.output.replace(/\/+$/, '');
  const download: api.Container = {
    name: 'download-inputs',
    image: DOWNLOAD_IMAGE,
    ...common,
    command: ['sh', '-c', downloadScript(inputSuffixes(batchRequest(ctx, track)))],
    env: [...RCLONE_ENV, { name: 'SOURCE', value: rcloneRemote(b.input) }, ...shard],
    ...envFrom,
    resources: STEP_RESOURCES,
    volumeMounts: [{ name: 'batch-input', mountPath: BATCH_PATHS.input }, tmp],
  };
  const client: api.Container = {
    name: 'client',
    image: BATCH_CLIENT_IMAGE,
    ...common,
    command: ['python3', `${BATCH_PATHS.client}/client.py`, `${BATCH_PATHS.client}/client.json`],
    env: [{ name: 'PYTHONDONTWRITEBYTECODE', value: '1' }, { name: 'PYTHONUNBUFFERED', value: '1' }],
    resources: CLIENT_RESOURCES,
    volumeMounts: [
      { name: 'batch-client', mountPath: BATCH_PATHS.client, readOnly: true },
      { name: 'batch-input', mountPath: BATCH_PATHS.input, readOnly: true },
      { name: 'batch-output', mountPath: BATCH_PATHS.output },
      tmp,
    ],
  };
  const upload: api.Container = {
    name: 'upload-results',
    image: DOWNLOAD_IMAGE,
    ...common,
    command: ['sh', '-c', uploadScript(splitUri(output).scheme === 's3')],
    env: [
      ...RCLONE_ENV,
      ...(o.perRunOutput ? [{ name: 'JOB_NAME', valueFrom: { fieldRef: { fieldPath: `metadata.labels['${JOB_NAME_LABEL}']` } } }] : []),
      // $(JOB_NAME) is expanded by the kubelet from the variable above
      { name: 'DEST', value: rcloneRemote(o.perRunOutput ? `${output}/$(JOB_NAME)` : output) },
    ],
    ...envFrom,
    resources: STEP_RESOURCES,
    volumeMounts: [{ name: 'batch-output', mountPath: BATCH_PATHS.output, readOnly: true }, tmp],
  };
  return {
    before: [download],
    after: [client],
    containers: [upload],
    volumes: [
      { name: 'batch-client', configMap: { name: o.clientConfigMapName } },
      { name: 'batch-input', emptyDir: {} },
      { name: 'batch-output', emptyDir: {} },
    ],
  };
}
