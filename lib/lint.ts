/**
 * Warnings for legal but risky choices (`model-serving lint`). A valid spec may still be a bad idea in
 * production: these say which field, why, and what to do instead.
 */
import type { ModelServingDocument } from './spec/schema/spec';
import type { SpecIssue } from './spec/errors';
import { hpaCpuTarget } from './spec/rules-scaling';
import { capacityPlan } from './plan';
import { getRuntime } from './runtimes/registry';
import { lintTraffic } from './lint-traffic';
import { lintImageCuda } from './lint-gpu';
import { looksLikeSecretName } from './spec/rules-secrets';
import { isZeroIntOrPercent } from './spec/rules-input';
import { trackEntries } from './spec/rules-rollout';
import { activationDelaySeconds, COLD_START_MARGIN_SECONDS, scalesToZero, startupSeconds } from './spec/llm-plan';
import { DEFAULT_MODEL_SIZE, downloadsIntoPod, downloadVolumeSize } from './model/resources';

/** Optional capacity inputs for the plan-based checks. */
export interface LintOptions {
  /** Peak requests per second the service must carry. */
  readonly peakRps?: number;
  /** Requests per second one replica sustains. */
  readonly replicaRps?: number;
  /** Target utilization of a replica at peak. @default 0.7 (DEFAULT_TARGET_UTILIZATION) */
  readonly targetUtilization?: number;
}

/** The OpenTelemetry collector's OTLP/gRPC port (opentelemetry-collector receiver/otlpreceiver: grpc 4317, http 4318). */
export const OTLP_GRPC_PORT = '4317';
/** The path the collector's OTLP/HTTP receiver takes traces on (traces_url_path). */
export const OTLP_TRACES_PATH = '/v1/traces';

/**
 * Why a tracing endpoint likely receives nothing. Both runtimes POST OTLP/HTTP protobuf to the URL exactly as given:
 * Triton hands it to opentelemetry-cpp's OtlpHttpExporterOptions.url, vLLM to opentelemetry-python's HTTP
 * OTLPSpanExporter(endpoint=...), neither appends /v1/traces (docs/SCALE_OUT.md).
 */
export function tracingEndpointProblems(endpoint: string): string[] {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return [];
  }
  const out: string[] = [];
  if (url.port === OTLP_GRPC_PORT) {
    out.push(`port ${OTLP_GRPC_PORT} is the OpenTelemetry collector's OTLP/gRPC port, and both runtimes send OTLP/HTTP: use the collector's OTLP/HTTP receiver (port 4318 by default), e.g. http://otel-collector.observability:4318${OTLP_TRACES_PATH}`);
  }
  if (url.pathname !== OTLP_TRACES_PATH) {
    out.push(`path ${JSON.stringify(url.pathname)} is not ${OTLP_TRACES_PATH}: both runtimes post spans to the URL exactly as given (nothing is appended), and the collector's OTLP/HTTP receiver takes traces on ${OTLP_TRACES_PATH} unless its traces_url_path says otherwise; end the URL with ${OTLP_TRACES_PATH}`);
  }
  return out;
}

export function lintDocument(doc: ModelServingDocument, options: LintOptions = {}): SpecIssue[] {
  const w: SpecIssue[] = [];
  const spec = doc.spec;
  const mode = spec.mode ?? 'online';
  const add = (path: string, message: string) => w.push({ path, message });
  const minReplicas = spec.autoscaling ? (spec.autoscaling.minReplicas ?? 1) : (spec.replicas ?? 1);

  if (mode === 'online' && minReplicas === 0) {
    // scale to zero: a budget has nothing to protect at zero, and the autoscaler's floor is what the PDB would follow
    add('spec.autoscaling.minReplicas', spec.disruption
      ? 'scales to zero: while idle the model is offline and the first request waits for a cold start; above zero a single replica goes offline on a node drain or a rollout (maxSurge 0)'
      : 'scales to zero: no PodDisruptionBudget is made, while idle the model is offline and the first request waits for a cold start; above zero a single replica goes offline on a node drain or a rollout (maxSurge 0)');
  } else if (mode === 'online' && minReplicas <= 1) {
    add(spec.autoscaling ? 'spec.autoscaling.minReplicas' : 'spec.replicas', spec.disruption
      ? 'one replica: a node drain or a rollout (maxSurge 0) takes the model offline; use at least 2'
      : 'one replica: no PodDisruptionBudget is made, and a node drain or a rollout (maxSurge 0) takes the model offline; use at least 2');
  }
  if (scalesToZero(spec) && spec.inferencePool?.failureMode === 'FailOpen') {
    // InferencePool endpointPickerRef.failureMode: FailOpen = the Gateway routes on its own when the picker is non-responsive
    add('spec.inferencePool.failureMode', 'FailOpen with autoscaling.minReplicas 0: the Gateway routes past a picker that does not answer (a held request, once the Gateway\'s ext_proc timeout passes; ' +
      'a restarting picker), and at zero replicas the pool has no pod, so the first requests after scaling to zero can fail instead of waiting for a cold start; use FailClose');
  }
  if (spec.autoscaling && spec.replicas !== undefined) {
    add('spec.replicas', 'is not used while spec.autoscaling is set (the autoscaler owns the replica count); remove it');
  }
  if ((spec.resources?.gpu?.count ?? 0) > 0 && !spec.resources?.gpu?.product && !spec.nodeSelector && !spec.resources?.gpu?.claim?.selectors?.length && mode !== 'edge') {
    add('spec.resources.gpu', 'no GPU product (nvidia.com/gpu.product) and no nodeSelector: on a cluster with mixed GPU types the pods land on any GPU; set resources.gpu.product');
  }
  if (spec.tracing && spec.runtime === 'vllm') {
    add('spec.tracing', 'vLLM exits at start with --otlp-traces-endpoint unless its image has the OpenTelemetry packages (vLLM\'s `otel` extra: opentelemetry-sdk, -api, -exporter-otlp, -semantic-conventions-ai); build your image with them (docs/SCALE_OUT.md)');
  }
  if (spec.tracing) for (const m of tracingEndpointProblems(spec.tracing.endpoint)) add('spec.tracing.endpoint', m);
  if (spec.multiNode && spec.repository.huggingface) {
    add('spec.repository.huggingface', 'with spec.multiNode every pod of every group downloads the model; a ReadOnlyMany claim or an image volume avoids nodes x downloads');
  }
  const notice = getRuntime(spec.runtime).notice;
  if (notice) add('spec.runtime', notice);
  for (const [k, v] of Object.entries(spec.security?.unsafe ?? {})) {
    if (!v) continue;
    if (k === 'plainTextSecretEnv') {
      const names = (spec.env ?? []).filter((e) => e.value !== undefined && e.value !== '' && looksLikeSecretName(e.name)).map((e) => e.name);
      add(`spec.security.unsafe.${k}`, `allows plain-text secrets in spec.env${names.length ? ` (${names.join(', ')})` : ''}: their values are in every manifest, in git and in \`kubectl get -o yaml\`; use secretKeyRef`);
    } else add(`spec.security.unsafe.${k}`, 'deviates from the restricted pod-security defaults; make sure this is needed');
  }
  if (spec.repository.huggingface && !spec.repository.huggingface.cacheClaimName) {
    add('spec.repository.huggingface.cacheClaimName', 'not set: every pod restart downloads the model from the Hugging Face Hub again');
  }
  // the download volume's sizeLimit (and ephemeral-storage request) assumes DEFAULT_MODEL_SIZE without repository.modelSize
  const hostPathCache = spec.edge?.hostPathCache !== undefined;
  for (const [base, repo] of [['spec.repository', spec.repository] as const, ...trackEntries(spec).flatMap(([p, t]) => (t.repository ? [[`${p}.repository`, t.repository] as const] : []))]) {
    if (repo.modelSize !== undefined || !downloadsIntoPod(repo, hostPathCache)) continue;
    add(`${base}.modelSize`, `not set: the ${repo.uri !== undefined ? 'download' : 'Hugging Face cache'} volume is sized for ${DEFAULT_MODEL_SIZE} of model files (sizeLimit and ephemeral-storage request ${downloadVolumeSize(repo)}); ` +
      'a larger model fills it and the kubelet evicts the pod; set it to the size of the model files');
  }
  if (spec.repository.uri && !spec.repository.credentialsSecret && spec.repository.uri.startsWith('s3://')) {
    add('spec.repository.credentialsSecret', 'not set: the download relies on ambient credentials (IRSA / instance role); set it if the bucket is private and no role is bound');
  }
  if (spec.monitoring?.prometheusRule !== false && !spec.monitoring?.alerts?.runbookBaseUrl && mode !== 'batch') {
    add('spec.monitoring.alerts.runbookBaseUrl', 'not set: alerts link to the runbooks in this package\'s docs; point them at your own runbooks');
  }
  if (spec.edge?.hostPathCache) {
    add('spec.edge.hostPathCache', `a hostPath volume: every edge node needs the directory ${spec.edge.hostPathCache} owned by the server's uid, and the namespace needs the privileged Pod Security level (baseline forbids hostPath)`);
  }
  const ru = spec.rollingUpdate;
  if (mode === 'online' && ru?.maxSurge !== undefined && !isZeroIntOrPercent(ru.maxSurge) && (spec.resources?.gpu?.count ?? 0) > 0) {
    add('spec.rollingUpdate.maxSurge', 'a surge pod needs a spare GPU during every rollout; make sure the GPU quota has room (model-serving plan --gpu-quota)');
  }
  if (spec.verticalAutoscaling && (spec.verticalAutoscaling.updateMode ?? 'Off') !== 'Off' && hpaCpuTarget(spec) === undefined && spec.autoscaling) {
    add('spec.verticalAutoscaling.updateMode', 'the VPA evicts pods to resize them; on GPU servers each eviction reloads the model');
  }
  const own = spec.inferencePool?.requestHoldSeconds;
  if (own !== undefined && scalesToZero(spec)) {
    // the rules refuse a hold no longer than the startup budget and the autoscaler's delay; the default hold adds the margin too
    const startup = startupSeconds(spec, getRuntime(spec.runtime));
    const activation = activationDelaySeconds(spec);
    if (own < startup + activation + COLD_START_MARGIN_SECONDS) {
      add('spec.inferencePool.requestHoldSeconds', `(${own}) leaves ${own - startup - activation}s for scheduling, a GPU node coming up and the image pull before the startup budget (startupTimeoutSeconds ${startup}) and the autoscaler's ${activation}s; ` +
        `the default hold allows ${COLD_START_MARGIN_SECONDS}s for them (${startup + activation + COLD_START_MARGIN_SECONDS}s in all): on a cold start the picker may drop held requests before the first pod is ready`);
    }
  }
  w.push(...lintTraffic(doc));
  w.push(...lintImageCuda(doc));
  if (options.peakRps !== undefined && options.replicaRps !== undefined) {
    const need = capacityPlan({ peakRps: options.peakRps, replicaRps: options.replicaRps, targetUtilization: options.targetUtilization }).peakReplicas;
    const max = spec.autoscaling?.maxReplicas ?? spec.replicas ?? 1;
    if (max < need) {
      add(spec.autoscaling ? 'spec.autoscaling.maxReplicas' : 'spec.replicas',
        `(${max}) is below the ${need} replicas the plan needs for ${options.peakRps} rps at ${options.replicaRps} rps per replica`);
    }
  }
  return w;
}
