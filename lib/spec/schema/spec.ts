/**
 * The ModelServing spec: ONE schema value. The TypeScript types (`Static`), the JSON Schema
 * (`model-serving schema`), the documented defaults and the single-field validation all come from it.
 */
import { Type } from '@sinclair/typebox';
import type { ModelServingSpec } from './generated-types';
import {
  Obj, Opt, Enum, StringMap, AnnotationMap, Quantity, RequestLimit, Duration, DnsLabel, PositiveInt, NonNegativeInt, Int64, Percent, MODEL_NAME_PATTERN, INT32_MAX,
} from './common';
import { ModelSchema } from './model';
import { TrafficSchemas } from './traffic';
import { ScalingSchemas } from './scaling';
import { LlmSchemas } from './llm';
import { PodSchemas } from './pod';
import { PlatformSchemas, GpuClaimSchema, ImageSourceSchema } from './platform';
import { LoggingSchemas } from './logging';

export const API_VERSION = 'model-serving/v1alpha1';
/** An Indexed Job allows at most 100000 parallel pods (batch validation). */
const MAX_INDEXED_JOB_PARALLELISM = 100000;
export const KIND = 'ModelServing';
export const RUNTIMES = ['triton', 'tfserving', 'torchserve', 'vllm'] as const;

const SecretKeyRef = Obj({ name: DnsLabel('Secret name.', 253), key: Type.String({ minLength: 1 }) });

const EnvVar = Obj({
  name: Type.String({ pattern: '^[-._a-zA-Z][-._a-zA-Z0-9]*$', description: 'Variable name.' }),
  value: Opt(Type.String()),
  secretKeyRef: Opt(SecretKeyRef),
  configMapKeyRef: Opt(SecretKeyRef),
}, { description: 'An environment variable: exactly one of value, secretKeyRef, configMapKeyRef.' });

const Toleration = Obj({
  key: Opt(Type.String()),
  operator: Opt(Type.Union([Type.Literal('Exists'), Type.Literal('Equal')])),
  value: Opt(Type.String()),
  effect: Opt(Type.Union([Type.Literal('NoSchedule'), Type.Literal('PreferNoSchedule'), Type.Literal('NoExecute')])),
  tolerationSeconds: Opt(NonNegativeInt('Seconds a pod stays bound to a node after a matching NoExecute taint appears (effect NoExecute only; at most int32, as larger values overflow the taint manager\'s timer). @default - forever')),
});

const PvcSource = Obj({
  claimName: Opt(DnsLabel('An existing PersistentVolumeClaim holding the model repository.', 253)),
  subPath: Opt(Type.String({ pattern: '^([A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*)?$', description: 'Directory inside the volume that is the repository root. @default - the volume root' })),
  readOnly: Opt(Type.Boolean({ description: 'false lets the TensorRT build Job (spec.models[].build) write plans into the claim; serving pods always mount it read-only. @default - true: the claim is mounted read-only everywhere' })),
  create: Opt(Obj({
    size: Quantity('Requested capacity, e.g. 100Gi.'),
    storageClassName: Opt(Type.String({ description: '@default - the cluster default StorageClass' })),
    accessMode: Opt(Type.Union([Type.Literal('ReadOnlyMany'), Type.Literal('ReadWriteMany'), Type.Literal('ReadWriteOnce'), Type.Literal('ReadWriteOncePod')], { description: '@default - ReadOnlyMany' })),
  }, { description: 'Create a PersistentVolumeClaim named <name>-models instead of using claimName.' })),
}, { description: 'Model repository on a PersistentVolumeClaim: claimName, or create.' });

const Repository = Obj({
  pvc: Opt(PvcSource),
  image: Opt(ImageSourceSchema),
  uri: Opt(Type.String({ description: 's3://, gs:// or https:// URI of the repository; an init container downloads it before the server starts. Never put credentials in it.' })),
  credentialsSecret: Opt(DnsLabel('Secret with the object-store credentials (uri only), passed to the download container as environment variables.', 253)),
  huggingface: Opt(Obj({
    modelId: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)?$', description: 'Hugging Face model id, e.g. meta-llama/Llama-3.1-8B-Instruct.' }),
    revision: Opt(Type.String({ pattern: '^[A-Za-z0-9_./-]+$', description: 'Branch, tag or commit. @default - main' })),
    tokenSecret: Opt(DnsLabel('Secret whose key `token` is the Hugging Face token, passed as HF_TOKEN.', 253)),
    cacheClaimName: Opt(DnsLabel('PersistentVolumeClaim for HF_HOME so restarts do not re-download. @default - an emptyDir (downloads again on every restart)', 253)),
  }, { description: 'vllm: download the model from the Hugging Face Hub.' })),
  modelSize: Opt(Quantity('Expected total size of the model files the pods serve, e.g. 16Gi. A download (uri, or the Hugging Face cache without cacheClaimName) goes to a volume with this size plus a fifth as its sizeLimit, and the server requests that much ephemeral-storage; the startupProbe allows 10 s more per GiB to load it (40 s per GiB when the server downloads from the Hub); the TensorRT engine cache of ONNX models (triton) gets the same size plus a fifth, at least 10Gi. @default - downloads assume 20Gi; the startup budget is the runtime\'s default')),
}, { description: 'Where the models come from: exactly one of pvc, image, uri, huggingface.' });

const Resources = Obj({
  cpu: Opt(RequestLimit('CPU', { request: '2 per GPU (one set without GPUs), lowered to an explicit limit', limit: '4 per GPU (one set without GPUs), raised to an explicit request' })),
  memory: Opt(RequestLimit('Memory', { request: 'the memory limit', limit: '8Gi per GPU (vllm: 10Gi per GPU; one set without GPUs), raised to an explicit request and to twice an explicit sharedMemorySize' })),
  gpu: Opt(Obj({
    count: PositiveInt('GPUs per pod (a whole number).'),
    resourceName: Opt(Type.String({ pattern: '^([a-z0-9.-]+/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', description: 'Extended resource name, e.g. a MIG profile nvidia.com/mig-1g.5gb. @default - nvidia.com/gpu' })),
    product: Opt(Type.String({ pattern: '^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$', maxLength: 63, description: 'Required node label nvidia.com/gpu.product (GPU Feature Discovery), e.g. NVIDIA-L4; it must be a GPU the CUDA build of the image supports (docs/RUNTIMES.md). @default - any GPU' })),
    claim: Opt(GpuClaimSchema),
  }, { description: 'GPUs. @default - no GPU (CPU only)' })),
}, { description: 'Container resources; every container gets requests and limits.' });

const Track = Obj({
  image: Opt(Type.String({ description: 'Image for this track. @default - spec.image' })),
  models: Opt(Type.Array(Obj({
    name: Type.String({ pattern: MODEL_NAME_PATTERN }),
    versions: Opt(Type.Array(Int64(1, 'version'), { minItems: 1, uniqueItems: true })),
  }), { description: 'Per-model version overrides for this track.' })),
  repository: Opt(Repository),
});

const CanaryTrack = Obj({
  ...Track.properties,
  replicas: Opt(PositiveInt('Replicas of the canary track (under spec.autoscaling: the floor of its autoscaler). @default - enough for the weight: ceil(weight% of spec.replicas, or of spec.autoscaling.minReplicas), at least 1')),
}, { description: 'canary: the canary track (image, model versions, repository, size).' });

const Rollout = Obj({
  strategy: Type.Union([Type.Literal('blueGreen'), Type.Literal('canary')]),
  active: Opt(Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 10, description: 'blueGreen: the track the stable Service selects.' })),
  primary: Opt(Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 10, description: 'blueGreen: the track that runs as the Deployment of the spec without a rollout (<name>, pods labelled model-serving/track: stable), so that turning blue-green on or off keeps it serving (docs/TRAFFIC.md). @default - the first track name in alphabetical order' })),
  tracks: Opt(Type.Record(Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 10 }), Track, { description: 'blueGreen: exactly two tracks.' })),
  weight: Opt(Type.Integer({ minimum: 0, maximum: 100, description: 'canary: percent of traffic sent to the canary track.' })),
  canary: Opt(CanaryTrack),
}, { description: 'Blue-green or canary rollout. @default - one Deployment' });

export const SpecSchema = Obj({
  runtime: Enum(RUNTIMES, { description: 'Serving runtime.' }),
  image: Opt(Type.String({ minLength: 1, description: "Server image, pinned by tag or digest. @default - a pinned image per runtime; ':latest' or no tag is rejected" })),
  mode: Opt(Type.Union([Type.Literal('online'), Type.Literal('batch'), Type.Literal('edge')], { description: 'online: Deployment; batch: Job/CronJob; edge: DaemonSet. @default - online' })),
  models: Type.Array(ModelSchema, { minItems: 1, description: 'Models to serve (vllm: exactly one).' }),
  repository: Repository,
  replicas: Opt(NonNegativeInt('Pod count when no autoscaling is set. @default - 1')),
  resources: Opt(Resources),
  nodeSelector: Opt(StringMap('Node labels the pods require.')),
  tolerations: Opt(Type.Array(Toleration, { description: '@default - with a GPU: tolerate nvidia.com/gpu:NoSchedule' })),
  env: Opt(Type.Array(EnvVar, { description: 'Extra environment variables for the server container. An entry named like a generated variable replaces it (e.g. TF_FORCE_GPU_ALLOW_GROWTH on TF Serving GPU pods) and keeps its place in this list, after the runtime\'s and the repository\'s variables; one the library fills from a Secret (TRITON_ADMIN_KEY, HF_TOKEN, VLLM_API_KEY) is refused, and so is a name listed twice.' })),
  extraArgs: Opt(Type.Array(Type.String(), { description: 'Extra server arguments, appended after the generated ones. @default - none' })),
  startupTimeoutSeconds: Opt(PositiveInt('How long the startupProbe lets the server download and load its models before the kubelet restarts it. @default - 600 (vllm: 1800), plus 10 s per GiB of repository.modelSize (40 s per GiB from the Hugging Face Hub)')),
  sharedMemorySize: Opt(Quantity('Size of the memory-backed /dev/shm emptyDir (counts against the memory limit, so it must be below it). @default - 1Gi per GPU (vllm: 2Gi per GPU; one set without GPUs), lowered to half of an explicit memory limit')),
  serviceAccountName: Opt(DnsLabel('Use this existing ServiceAccount. @default - a ServiceAccount <name> is created', 253)),
  torchserve: Opt(Obj({
    tokenAuthorization: Opt(Type.Boolean({ description: 'TorchServe token authorization (on by default upstream since 0.11.1). Only false is supported: the kubelet probes and clients cannot hold the per-pod, expiring keys TorchServe generates (docs/RUNTIMES.md). @default - false: disable_token_authorization=true is written to config.properties' })),
  }, { description: 'runtime torchserve only.' })),
  triton: Opt(Obj({
    adminKeySecret: Opt(Obj({
      name: DnsLabel('Secret name.', 253),
      key: Type.String({ minLength: 1, description: 'Key of the Secret holding the header value.' }),
    }, { description: 'Restrict Triton\'s administrative APIs (model-repository load/unload, model-config, shared-memory, statistics, trace, logging) on HTTP and gRPC to requests that carry the header admin-key (gRPC: triton-grpc-protocol-admin-key) with this Secret\'s value (Triton --http-restricted-api / --grpc-restricted-protocol). Health, metadata and inference stay open. @default - not restricted: the routes publish only the inference paths, and the NetworkPolicy limits who reaches the rest' })),
  }, { description: 'runtime triton only.' })),
  ...PodSchemas,
  vllm: Opt(Obj({
    apiKeySecret: Opt(Obj({
      name: DnsLabel('Secret name.', 253),
      key: Type.String({ minLength: 1, description: 'Key of the Secret holding the API key.' }),
    }, { description: "Require this API key (Authorization: Bearer <key>) on vLLM's OpenAI API: the Secret's value reaches the server as VLLM_API_KEY. /health (the probes) and /metrics (the scrape) stay open (docs/RUNTIMES.md). @default - no API key: the routes and the NetworkPolicy limit who reaches the server" })),
  }, { description: 'runtime vllm only.' })),
  ...TrafficSchemas,
  ...ScalingSchemas,
  ...LlmSchemas,
  ...PlatformSchemas,
  ...LoggingSchemas,
  monitoring: Opt(Obj({
    interval: Opt(Duration('Scrape interval. @default - 15s')),
    serviceMonitor: Opt(Type.Boolean({ description: 'Emit a ServiceMonitor. @default - true' })),
    prometheusRule: Opt(Type.Boolean({ description: 'Emit a PrometheusRule with recording rules and alerts. @default - true' })),
    dashboard: Opt(Type.Boolean({ description: 'Emit a Grafana dashboard ConfigMap. @default - true' })),
    alerts: Opt(Obj({
      p95LatencySeconds: Opt(Type.Number({ exclusiveMinimum: 0, description: 'Alert when p95 (or mean, where the runtime has no histogram) request latency exceeds this (not runtime vllm, whose alerts are per token). @default - 1' })),
      timeToFirstTokenP95Seconds: Opt(Type.Number({ exclusiveMinimum: 0, description: 'Alert when the p95 time to first token (vllm:time_to_first_token_seconds) exceeds this (runtime vllm only). @default - 2' })),
      interTokenLatencyP95Seconds: Opt(Type.Number({ exclusiveMinimum: 0, description: 'Alert when the p95 time between two output tokens (vllm:inter_token_latency_seconds) exceeds this (runtime vllm only). @default - 0.2' })),
      maxErrorRatePercent: Opt(Percent('Alert when failed requests exceed this share. @default - 1')),
      maxQueueTimeSeconds: Opt(Type.Number({ exclusiveMinimum: 0, description: 'Alert when mean queue time per request exceeds this (runtimes with a queue-time metric only; set on another runtime it is an error). @default - 0.5' })),
      minGpuUtilizationPercent: Opt(Percent('Alert when GPU utilization stays below this (wasted GPUs). @default - 30; 0 turns it off')),
      maxGpuMemoryPercent: Opt(Percent('Alert when GPU memory use exceeds this. With runtime vllm, whose KV cache fills its preallocated memory by design, it is the KV-cache use above which waiting requests count as cache pressure. @default - 90')),
      runbookBaseUrl: Opt(Type.String({ pattern: '^https?://[^\\s]+$', description: 'Each alert gets runbook_url <base>/<AlertName>. @default - https://github.com/<repository>/blob/v<version>/docs/OBSERVABILITY.md#<alertname in lower case>: the alert\'s runbook section in the docs of the installed release (repository and version from this package\'s package.json)' })),
    })),
  }, { description: 'Prometheus Operator scraping, alerts and dashboard.' })),
  rollout: Opt(Rollout),
  batch: Opt(Obj({
    schedule: Opt(Type.String({ description: 'Five-field cron schedule: present makes a CronJob, absent a Job.' })),
    timeZone: Opt(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$', maxLength: 64, description: 'IANA time zone of the schedule (CronJob timeZone), e.g. Europe/Berlin. @default - the time zone of the kube-controller-manager' })),
    parallelism: Opt(Type.Integer({ minimum: 1, maximum: MAX_INDEXED_JOB_PARALLELISM, description: 'Pods that run at once (an Indexed Job allows at most 100000). @default - 1' })),
    completions: Opt(Type.Integer({ minimum: 1, maximum: MAX_INDEXED_JOB_PARALLELISM, description: 'Shards of the input (an Indexed Job: pod i processes every completions-th input file from the i-th). @default - equal to parallelism' })),
    backoffLimit: Opt(Type.Integer({ minimum: 0, maximum: INT32_MAX, description: 'Pod failures (restartPolicy Never) or container restarts (OnFailure) tolerated before the Job fails. @default - 2' })),
    input: Type.String({ description: 'Object-store URI the job reads (s3://, gs://, https://).' }),
    output: Type.String({ description: 'Object-store URI the job writes (s3://, gs://); a CronJob writes each run under <output>/<job name>/.' }),
    credentialsSecret: Opt(DnsLabel('Secret with credentials for input/output. @default - repository.credentialsSecret', 253)),
    model: Opt(Type.String({ pattern: MODEL_NAME_PATTERN, description: 'The model in spec.models that receives the requests. @default - the only model (required when spec.models has several)' })),
    concurrency: Opt(Type.Integer({ minimum: 1, maximum: 4096, description: 'Requests each pod keeps in flight, one client thread each (fills the server\'s dynamic batches). @default - 4; vllm: 2 x engine.maxNumSeqs (512 when unset), the number vllm run-batch keeps in flight' })),
    requestTimeoutSeconds: Opt(Type.Integer({ minimum: 1, maximum: INT32_MAX, description: 'Longest time one request may take before it is retried. @default - 600' })),
    ttlSecondsAfterFinished: Opt(Type.Integer({ minimum: 0, maximum: INT32_MAX, description: 'Seconds a finished Job (and its pods and logs) is kept. @default - 86400' })),
    activeDeadlineSeconds: Opt(Type.Integer({ minimum: 1, maximum: INT32_MAX, description: 'Seconds the whole Job may run before it is failed. @default - no deadline' })),
    restartPolicy: Opt(Type.Union([Type.Literal('Never'), Type.Literal('OnFailure')], { description: 'Never: a failed pod is replaced (and evictions do not count against backoffLimit); OnFailure: containers restart in place. @default - Never' })),
    concurrencyPolicy: Opt(Type.Union([Type.Literal('Forbid'), Type.Literal('Replace'), Type.Literal('Allow')], { description: 'CronJob only. @default - Forbid (a run is skipped while the previous one is still running)' })),
  }, { description: 'mode: batch.' })),
  edge: Opt(Obj({
    nodeSelector: StringMap('Labels of the edge nodes that run one replica each.'),
    tolerations: Opt(Type.Array(Toleration, { description: 'Tolerations for edge node taints.' })),
    hostPathCache: Opt(Type.String({ pattern: '^/[A-Za-z0-9_./-]*$', description: 'Host directory used as the local model cache (repository.uri only): a restart downloads only changed files. Prepare it on each node, writable by the runtime\'s user (docs/MODES.md). @default - an emptyDir (every start downloads everything)' })),
  }, { description: 'mode: edge.' })),
  security: Opt(Obj({
    unsafe: Opt(Obj({
      runAsRoot: Opt(Type.Boolean({ description: 'Run the server as root. @default - false' })),
      writableRootFilesystem: Opt(Type.Boolean({ description: '@default - false' })),
      allowPrivilegeEscalation: Opt(Type.Boolean({ description: '@default - false' })),
      automountServiceAccountToken: Opt(Type.Boolean({ description: '@default - false' })),
      plainTextSecretEnv: Opt(Type.Boolean({ description: 'Allow spec.env literals whose names look like secrets (*_KEY, *TOKEN, *SECRET, *PASSWORD): their values are written into every manifest in plain text. @default - false: such a variable must use secretKeyRef' })),
    }, { description: 'Escape hatches from the restricted pod-security defaults; each one set is reported by `model-serving lint`.' })),
  })),
});

export const MetadataSchema = Obj({
  name: DnsLabel('Name of every generated object (DNS-1123 label, at most 52 characters to leave room for suffixes).', 52),
  namespace: Opt(DnsLabel('Namespace. @default - default')),
  labels: Opt(StringMap('Copied onto every object, after the app.kubernetes.io/* ones.')),
  annotations: Opt(AnnotationMap('Copied onto every object.')),
});

export const DocumentSchema = Obj({
  apiVersion: Type.Literal(API_VERSION),
  kind: Type.Literal(KIND),
  metadata: MetadataSchema,
  spec: SpecSchema,
}, { title: 'ModelServing' });

// The TypeScript types are generated from the schema with each field's description as JSDoc
// (lib/spec/typegen.ts; `npm run generate`); test/spec-types.test.ts checks they equal Static<typeof SpecSchema>.
export type { ModelServingDocument, ModelServingMetadata, ModelServingSpec } from './generated-types';
export type ModelSpec = ModelServingSpec['models'][number];
export type RuntimeName = ModelServingSpec['runtime'];
export type RepositorySpec = ModelServingSpec['repository'];
export type TrackSpec = NonNullable<NonNullable<ModelServingSpec['rollout']>['tracks']>[string];
export type CanaryTrackSpec = NonNullable<NonNullable<ModelServingSpec['rollout']>['canary']>;
