/**
 * The one small interface every serving runtime implements. The constructs never branch on a
 * runtime's name: everything runtime-specific (image, arguments, ports, probes, config files,
 * metric names, alert and scaling expressions) comes from here. Adding a runtime = adding one file.
 */
import type { ModelServingSpec, ModelSpec, RepositorySpec, RuntimeName } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';
import type { LlmSupport } from './llm';
import type { ImageCuda } from './images';

export type ModelFormat = ModelSpec['format'];

/** Where things are inside the server container. Fixed paths, the same for every runtime. */
export const PATHS = {
  /** The model repository as it comes from its source (PVC, or the download emptyDir). */
  modelStore: '/model-store',
  /** The runtime's generated configuration (a ConfigMap). */
  config: '/etc/model-serving',
  /** The repository assembled for the server (Triton: config.pbtxt + links to the model store). */
  repository: '/models',
  /** HF_HOME: the Hugging Face cache (a PVC when the spec names one, else an emptyDir). */
  hfHome: '/var/cache/huggingface',
} as const;

/** A container port the runtime listens on. */
export interface RuntimePort {
  readonly name: string;
  readonly port: number;
  /** `grpc` ports are plain TCP with an appProtocol hint. */
  readonly appProtocol?: 'http' | 'grpc';
  /**
   * An administration API (register/unregister/scale models): the NetworkPolicy admits no other pod to it;
   * operators reach it with `kubectl port-forward`. @default false
   */
  readonly management?: boolean;
}

/** A probe in runtime terms; the workload turns it into a Kubernetes probe. */
export type RuntimeProbe =
  | { readonly httpGet: { readonly path: string; readonly port: string } }
  | { readonly grpc: { readonly port: number; readonly service?: string } }
  | { readonly exec: { readonly command: string[] } };

/** Everything a runtime needs to know to render one track of one spec. */
export interface RuntimeContext {
  /** Base name of the objects of this track (`<name>` or `<name>-<track>`). */
  readonly name: string;
  readonly spec: ModelServingSpec;
  /** The models of this track (track version overrides applied). */
  readonly models: readonly ModelSpec[];
  readonly image: string;
  /** GPUs per pod (0 = CPU only). */
  readonly gpuCount: number;
  /** Whether the repository is local (PVC or downloaded) or pulled by the server itself (Hugging Face). */
  readonly source: 'local' | 'huggingface';
  /** The model source of this track. */
  readonly repository: RepositorySpec;
}

/** A step run before the server starts (e.g. assembling Triton's repository). */
export interface RuntimeInitStep {
  readonly name: string;
  /** `shell` steps run in the project's pinned busybox image. */
  readonly image: 'shell';
  readonly command: string[];
  /** Volume names (see workload) mounted at their standard paths; `repository` is writable. */
  readonly mounts: readonly ('model-store' | 'runtime-config' | 'repository')[];
}

/** A writable directory of the server (an emptyDir) and its size. */
export interface WritablePath {
  readonly path: string;
  /** The emptyDir's sizeLimit (a quantity): the kubelet evicts the pod when the directory grows past it. */
  readonly sizeLimit: string;
}

/**
 * What the server container runs. Its first process is the container's PID 1, which the kernel sends only the
 * signals it handles: it must handle SIGTERM, or the kubelet's SIGTERM is ignored and the server SIGKILLed at the
 * end of the grace period, mid-request. A server that installs no handler runs behind `sigtermWrapper`
 * (sigterm-wrapper.ts). No pod shares its process namespace: a container that holds credentials (a download, a
 * batch upload) would show its environment to the server's processes through /proc.
 */
export interface RuntimeContainer {
  readonly command?: string[];
  readonly args: string[];
  readonly env: ({ name: string; value: string } | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } })[];
  readonly startupProbe: RuntimeProbe;
  readonly readinessProbe: RuntimeProbe;
  readonly livenessProbe: RuntimeProbe;
  /**
   * Writable directories besides /tmp (emptyDirs, since the root filesystem is read-only), each with the emptyDir's
   * sizeLimit, which the server container also requests as ephemeral-storage.
   */
  readonly writablePaths: readonly WritablePath[];
  /** Whether the server reads the assembled repository (`/models`) rather than the model store. */
  readonly needsAssembledRepository: boolean;
}

/** Resource defaults of a runtime for a pod with `gpuCount` GPUs (bytes and cores). */
export interface RuntimeResourceDefaults {
  readonly cpu: { readonly request: number; readonly limit: number };
  /** Memory request and limit (the same: a model server's memory is not overcommitted). */
  readonly memoryBytes: number;
  /** Size of the memory-backed /dev/shm (it counts against the memory limit). */
  readonly sharedMemoryBytes: number;
}

/**
 * PromQL building blocks from the runtime's real metric names. `sel` is a label matcher list without
 * braces (e.g. `namespace="ml",job="x-metrics"`). Every expression returns per-model or aggregated series
 * as documented; `undefined` means the runtime does not expose that signal.
 */
export interface RuntimeMetrics {
  /** Named container port serving metrics and the HTTP path. */
  readonly portName: string;
  readonly path: string;
  /** The label naming the model on the runtime's series (Triton `model`, others `model_name`). */
  readonly modelLabel: string;
  /** Metric names the expressions use (documentation and tests). */
  readonly names: readonly string[];
  /** Successful inferences (or requests) per second, summed per model over the selected pods. */
  requestRate(sel: string, window?: string): string;
  /**
   * Server-side failures per second: what the server could not answer, never a client's mistake (bad input, unknown
   * model, cancelled request). `models` are the spec's models (Triton leaves ensembles out: their failures are their
   * steps' failures, counted again).
   */
  errorRate(sel: string, window?: string, models?: readonly ModelSpec[]): string;
  /**
   * The denominator of the error ratio: the requests the server served or failed itself (client errors and probe
   * requests left out), per second. Empty (not 0) where no request was counted, so the ratio is never x/0.
   */
  totalRate(sel: string, window?: string, models?: readonly ModelSpec[]): string;
  /**
   * What errorRate counts and leaves out, with the upstream source: the error alert's description and the docs.
   */
  readonly serverErrors: { readonly counted: string; readonly excluded: string; readonly source: string };
  /** 95th percentile request latency in seconds, or the mean where the runtime has no distribution. */
  latencySeconds(sel: string, window?: string): { expr: string; kind: 'p95' | 'mean' };
  /**
   * One latency quantile in seconds, per model (dashboards). Histograms give any quantile; Triton's summary
   * gives the ones its `summary_quantiles` flag configures. Absent where the runtime has only a mean.
   */
  latencyQuantileSeconds?(quantile: 0.5 | 0.9 | 0.95 | 0.99, sel: string, window?: string): string;
  /** Mean time a request waits in the queue, in seconds. */
  queueTimeSeconds?(sel: string, window?: string): string;
  /** Requests waiting, summed over the selected pods. */
  pendingRequests?(sel: string): string;
  /** GPU utilization 0..1 (runtime's own gauge, or DCGM exporter). */
  gpuUtilization(sel: string): string;
  /** GPU memory used / total, 0..1. */
  gpuMemoryUsedRatio(sel: string): string;
  /**
   * What gpuMemoryUsedRatio measures, for alert and dashboard text. A server that preallocates GPU memory
   * (vLLM) reports the share of its preallocated cache in use instead: its raw GPU memory is always near full.
   * @default - 'GPU memory'
   */
  readonly gpuMemorySignal?: string;
  /** Per-pod series the prometheus-adapter turns into the HPA's inference-rate Pods metric. */
  readonly inferenceCounter: string;
  /**
   * Label matchers (no braces) that keep only inference calls of `inferenceCounter` (TF Serving: `API!=""`, which
   * leaves out the readiness probe's metadata GETs). @default - none: every series of the counter is an inference
   */
  readonly inferenceCounterMatchers?: string;
  /**
   * Whether gpuMemoryUsedRatio also works on a MIG instance (a runtime-level signal such as vLLM's KV cache). Where
   * false, a MIG pod's memory comes from DCGM's frame-buffer gauges (the runtime's own GPU gauges are per whole GPU
   * or absent on MIG). @default false
   */
  readonly gpuMemoryOnMig?: boolean;
  /**
   * LLM token latencies (histograms, seconds, per model). Where present they replace the end-to-end latency alert,
   * whose value grows with the number of tokens generated. @default - none
   */
  readonly tokenLatency?: {
    timeToFirstTokenSeconds(quantile: number, sel: string, window?: string): string;
    interTokenLatencySeconds(quantile: number, sel: string, window?: string): string;
  };
  /**
   * A server that preallocates its accelerator memory as a cache (vLLM's KV cache): a full cache is normal, pressure
   * is evicting running requests or queueing new ones on a full cache. Where present it replaces the GPU-memory
   * alert. Each expression is per pod. @default - none
   */
  readonly cachePressure?: {
    /** Evictions (preemptions) per second. */
    evictionRate(sel: string, window?: string): string;
    /** Requests waiting for admission. */
    waitingRequests(sel: string): string;
    /** Share of the cache in use, 0..1. */
    cacheUsage(sel: string): string;
  };
  /** Per-pod queue-time signal for the adapter: [cumulative queue time counter (us), request counter]. */
  readonly queueTimeCounters?: readonly [string, string];
  /** Per-pod gauge of waiting requests for the adapter. */
  readonly pendingGauge?: string;
}

/**
 * How the batch client (mode batch) sends one model's input files to the server in its own pod
 * (docs/MODES.md). `body-per-file`: each input file is one request body, POSTed to `path`; the response
 * body is the result. `openai-batch`: each input file is JSONL in the OpenAI batch format that
 * `vllm run-batch` reads (`custom_id`, `method`, `url`, `body` per line); each body is POSTed to its `url`.
 */
export type BatchRequest = (
  | {
    readonly format: 'body-per-file';
    /** The request path on the HTTP port, e.g. `/v2/models/<m>/infer`. */
    readonly path: string;
    /** Content-Type of every request body. */
    readonly contentType: string;
    /** File-name suffixes of input files (others are not downloaded); empty = every file. */
    readonly inputSuffixes: readonly string[];
    /** Appended to an input's relative path to name its result ('' = the same name). */
    readonly resultSuffix: string;
    /** A GET path that answers 200 once the model serves. */
    readonly readyPath: string;
  }
  | {
    readonly format: 'openai-batch';
    /** The `url` values a line may name (the server's endpoints). */
    readonly urls: readonly string[];
    /** A GET path that answers 200 once the model serves. */
    readonly readyPath: string;
    /** Fields set on each request body that lacks them (e.g. the served model name). */
    readonly bodyDefaults?: Readonly<Record<string, string | number | boolean>>;
  }) & {
  /** Requests each pod keeps in flight when spec.batch.concurrency is not set. @default - 4 */
  readonly defaultConcurrency?: number;
};

/**
 * A path routes publish: `Exact` (only this path) or `PathPrefix` (this path and every path below it, by whole
 * segments: Kubernetes Ingress `Prefix`, Gateway API `PathPrefix`).
 */
export interface PublicPath {
  readonly path: string;
  readonly match: 'Exact' | 'PathPrefix';
}

/** Defaults of the routes to a runtime, where the spec sets nothing. */
export interface RouteDefaults {
  /** Request timeout of a route, in seconds: long enough for the longest response (a whole token stream). */
  readonly timeoutSeconds: number;
  /** Responses are streamed (server-sent events): proxies must pass each chunk on at once, not buffer the response. */
  readonly streaming: boolean;
}

/** An environment variable of the server container (a value, a Secret key or a pod field). */
export type RuntimeEnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly valueFrom: { readonly fieldRef: { readonly fieldPath: string } } };

/**
 * One replica spread over a group of pods (a LeaderWorkerSet, spec.multiNode). The pods learn the group from the
 * variables the LeaderWorkerSet controller injects (kubernetes-sigs/lws api/leaderworkerset/v1: LWS_LEADER_ADDRESS,
 * LWS_GROUP_SIZE, LWS_WORKER_INDEX); arguments refer to them as `$(NAME)`, which the kubelet expands.
 */
export interface MultiNodeGroup {
  /** Pods per group (spec.multiNode.nodes). */
  readonly size: number;
  /** `$(LWS_LEADER_ADDRESS)`: the leader pod's DNS name. */
  readonly leaderAddress: string;
  /** `$(LWS_WORKER_INDEX)`: 0 on the leader, 1..size-1 on the workers. */
  readonly workerIndex: string;
  /** Seconds a pod may wait for the others of its group (the startup budget). */
  readonly joinTimeoutSeconds: number;
}

/** What one pod of a group adds to the server container. */
export interface MultiNodeRole {
  readonly args: string[];
  readonly env: RuntimeEnvVar[];
}

/** spec.tracing as the runtime receives it. */
export interface TracingSettings {
  /** OTLP/HTTP traces endpoint URL. */
  readonly endpoint: string;
  /** Share of requests traced, (0, 1]. */
  readonly samplingRatio: number;
  /** OTEL_SERVICE_NAME (the spec name). */
  readonly serviceName: string;
}

/**
 * How a server writes its log lines, for log collectors (docs/OBSERVABILITY.md#logs). Patterns are regular
 * expressions in Ruby syntax for Onigmo, the engine of Fluentd and Fluent Bit, with named groups only (Fluent Bit
 * takes letters, digits and `_` in group names). A record is a first line and the lines that continue it.
 */
export interface RuntimeLogFormat {
  /** Short id, e.g. `triton-default`. */
  readonly id: string;
  /** Where the format is defined upstream (repository, path, version). */
  readonly source: string;
  /** Matches a line that starts a record (anchored with `\A`); any other line continues the previous record. */
  readonly startPattern: string;
  /**
   * A line that ends with a carriage return continues on the next line, whatever that line starts with (vLLM
   * prefixes every line of a multi-line message and ends all but the last with `\r`).
   * @default false
   */
  readonly carriageReturnContinues?: boolean;
  /**
   * Patterns for a whole record, tried in order (the first that matches wins). `models` is a regex alternation
   * of the spec's model names, already escaped, for formats that find the model in the message.
   */
  parsePatterns(models: string): string[];
  /** The lines never name the model: collectors add the spec's one model as the field `model`. @default false */
  readonly modelFromSpec?: boolean;
}

/** app.kubernetes.io/component of the Jobs that compile models (the Pulumi component runs them before the workloads). */
export const ENGINE_BUILD_COMPONENT = 'engine-build';
/** Labels of a build Job and its pod: the model it builds and the key of what it builds (`EngineBuild.key`). */
export const BUILD_MODEL_LABEL = 'model-serving/model';
export const BUILD_KEY_LABEL = 'model-serving/engine';

/**
 * A model compiled for the target GPU by a Job before the server starts (Triton TensorRT plans). The pods wait for
 * it in an init step. The Job (lib/model/engine-jobs.ts) is named after a hash of everything it runs, so a change
 * builds again; the wait step finds it by its labels (BUILD_MODEL_LABEL, BUILD_KEY_LABEL), not by its name.
 */
export interface EngineBuild {
  readonly model: string;
  readonly image: string;
  readonly key: string;
  readonly planFile: string;
  readonly versions: readonly number[];
  /**
   * The Job container command; it mounts the model store (writable) at PATHS.modelStore and has the pod's name in
   * the environment variable POD_NAME. Several pods may run it at once for the same plan file (rollout tracks that
   * share a repository, a retried pod): the command itself makes one of them build.
   */
  readonly command: string[];
  readonly timeoutSeconds: number;
}

export interface ServingRuntime {
  readonly name: RuntimeName;
  readonly displayName: string;
  /** A warning `model-serving lint` gives for every spec of this runtime (e.g. upstream maintenance status). @default - none */
  readonly notice?: string;
  /** Model formats this runtime serves. */
  readonly formats: readonly ModelFormat[];
  /** Optional fields of spec.models[] this runtime honours; any other one set is an error. */
  readonly modelFields: readonly (keyof ModelSpec)[];
  /** Image repository names of this runtime (used to catch a rollout track switching runtimes). */
  readonly imageNames: readonly string[];
  /** How many models one server may serve (vLLM: 1). */
  readonly maxModels?: number;
  /** The non-root uid/gid the server runs as (the image's own user where it has one; see docs/SECURITY.md). */
  readonly user: { readonly uid: number; readonly gid: number };
  readonly defaultStartupTimeoutSeconds: number;
  readonly ports: readonly RuntimePort[];
  /** The named port clients and the Ingress use. */
  readonly httpPortName: string;
  /**
   * The HTTP paths routes (Ingress, HTTPRoute) publish for `models` on the HTTP port: the runtime's inference
   * APIs and nothing else (no metrics, administration, model-control or server-wide health path). Each runtime
   * file cites the upstream source of its list. `versions` of a model are every version any track serves.
   */
  publicPaths(models: readonly ModelSpec[]): PublicPath[];
  /**
   * Route defaults the runtime's traffic needs (e.g. streamed LLM responses: a long request timeout and no
   * response buffering). @default - none: the Gateway's or the controller's own defaults
   */
  readonly routeDefaults?: RouteDefaults;
  defaultImage(gpu: boolean): string;
  /**
   * The CUDA build of `image` (an image of this runtime): its CUDA major and the lowest compute capability it
   * runs on. Undefined for CPU images and for tags whose build is not known (no GPU rule is applied then).
   */
  imageCuda(image: string): ImageCuda | undefined;
  /** @default - per GPU (one set without GPUs): 2 CPUs requested (limit 4), 8Gi of memory, 1Gi of /dev/shm */
  resourceDefaults?(gpuCount: number): RuntimeResourceDefaults;
  /**
   * rclone filter rules (`--include` patterns, anchored at the repository root) that select the files of
   * `models` in a downloaded repository: only the models and versions the spec serves are copied.
   */
  downloadIncludes(models: readonly ModelSpec[]): string[];
  /** Runtime-specific rules (after the generic ones passed). */
  validate(spec: ModelServingSpec, image: string): SpecIssue[];
  /** Files of the runtime's ConfigMap, key -> content. Keys are ConfigMap keys (no '/'). */
  configFiles(ctx: RuntimeContext): Record<string, string>;
  initSteps(ctx: RuntimeContext): RuntimeInitStep[];
  container(ctx: RuntimeContext): RuntimeContainer;
  readonly metrics: RuntimeMetrics;
  /** LLM serving: inference pool, LoRA adapters, KV-cache autoscaling, LLM metrics (lib/runtimes/llm.ts). @default - none */
  readonly llm?: LlmSupport;
  /** The format of the server's log lines for this spec (some runtimes switch formats with flags). */
  logFormat(spec: ModelServingSpec): RuntimeLogFormat;
  /** Models this track compiles before serving them (spec.models[].build). @default - none */
  engineBuilds?(ctx: RuntimeContext): EngineBuild[];
  /** How mode batch sends requests to `model`. @default - none: the runtime refuses mode batch */
  batchRequest?(model: ModelSpec, ctx: RuntimeContext): BatchRequest;
  /**
   * How one engine spans a group of pods (spec.multiNode). The leader serves the API and the probes; the workers
   * run no server, join the leader's engine and get no probes. @default - none: the runtime refuses spec.multiNode
   */
  readonly multiNode?: {
    leader(ctx: RuntimeContext, group: MultiNodeGroup): MultiNodeRole;
    worker(ctx: RuntimeContext, group: MultiNodeGroup): MultiNodeRole;
  };
  /**
   * OpenTelemetry tracing (spec.tracing): server arguments and environment. The constructs add the service name
   * and the Kubernetes resource attributes (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES).
   * @default - none: the runtime refuses spec.tracing
   */
  tracing?(ctx: RuntimeContext, t: TracingSettings): { args: string[]; env: RuntimeEnvVar[] };
}
