/**
 * Rules of LLM serving (docs/LLM.md): spec.inferencePool, scale to zero, the KV-cache target and LoRA adapters.
 * Runtime facts come from the runtime's `llm` support (lib/runtimes/llm.ts), never from its name.
 */
import type { ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';
import { getRuntime, RUNTIME_REGISTRY } from '../runtimes/registry';
import { checkImage } from './image';
import { checkObjectStoreUri } from './uri';
import { activationDelaySeconds, requestHoldSeconds, scalesToZero, startupSeconds, COLD_START_MARGIN_SECONDS } from './llm-plan';

/** Runtimes with LLM support, for messages. */
function llmRuntimes(): string {
  return RUNTIME_REGISTRY.filter((r) => r.llm).map((r) => r.name).join(', ') || 'none';
}

function checkPool(list: IssueList, spec: ModelServingSpec): void {
  const p = spec.inferencePool;
  if (!p) return;
  const mode = spec.mode ?? 'online';
  if (!getRuntime(spec.runtime).llm) {
    list.add('spec.inferencePool', `is supported by runtime ${llmRuntimes()} only (runtime is ${spec.runtime}): the endpoint picker reads an LLM server's queue and KV-cache metrics`);
  }
  if (mode !== 'online') list.add('spec.inferencePool', `applies to mode online only (mode is ${mode})`);
  if (!spec.gateway) {
    list.add('spec.inferencePool', 'needs spec.gateway: only a Gateway API HTTPRoute can route to an InferencePool (backendRef group inference.networking.k8s.io, kind InferencePool)');
  }
  if (spec.ingress) {
    list.add('spec.ingress', 'cannot be used with spec.inferencePool: an Ingress routes to the Service, around the endpoint picker (no prefix-cache or KV-cache routing, no hold while scaled to zero); use spec.gateway only (its hostnames replace ingress.host)');
  }
  checkImage(list, 'spec.inferencePool.picker.image', p.picker?.image);
}

function checkScaleToZero(list: IssueList, spec: ModelServingSpec): void {
  const a = spec.autoscaling;
  if (!a || (a.minReplicas ?? 1) !== 0) return;
  const runtime = getRuntime(spec.runtime);
  if (!spec.inferencePool) {
    if (runtime.llm) {
      list.add('spec.autoscaling.minReplicas', `0 needs spec.inferencePool for runtime ${spec.runtime}: at zero replicas the Service has no endpoint and a Service cannot hold a request, ` +
        'so the first request would get a 503 while the model starts (minutes for an LLM); the inference pool\'s endpoint picker holds requests until a pod is ready');
    }
    return;
  }
  if (!scalesToZero(spec)) return;
  const startup = startupSeconds(spec, runtime);
  const activation = activationDelaySeconds(spec);
  const own = spec.inferencePool.requestHoldSeconds;
  if (own !== undefined && own <= startup + activation) {
    list.add('spec.inferencePool.requestHoldSeconds', `(${own}) must be longer than a cold start: startupTimeoutSeconds (${startup}) + ${activation}s for the autoscaler to see the first held request ` +
      '(one scrape of the picker and one autoscaler evaluation); the picker would drop held requests before the first pod is ready');
  }
  // the HTTPRoute's request timeout: spec.gateway.timeoutSeconds, else the runtime's route default (lib/constructs/ingress.ts)
  const hold = requestHoldSeconds(spec, runtime);
  const timeout = spec.gateway?.timeoutSeconds;
  const routeDefault = runtime.routeDefaults?.timeoutSeconds;
  const holdText = own !== undefined ? `the picker's hold (${hold}s, spec.inferencePool.requestHoldSeconds)`
    : `the picker's hold (${hold}s: startupTimeoutSeconds ${startup} + ${COLD_START_MARGIN_SECONDS}s for scheduling and the image pull + ${activation}s for the autoscaler)`;
  if (spec.gateway && timeout === undefined && routeDefault === undefined) {
    list.add('spec.gateway.timeoutSeconds', `is required with autoscaling.minReplicas 0 and spec.inferencePool: set it to at least ${holdText}, or the Gateway may end a request that waits for a cold start (its default request timeout can be much shorter)`);
  } else if (spec.gateway && timeout === undefined && routeDefault! < hold) {
    list.add('spec.gateway.timeoutSeconds', `is required with autoscaling.minReplicas 0 and spec.inferencePool: the route's default request timeout for runtime ${spec.runtime} (${routeDefault}s) is shorter than ${holdText}, so the Gateway would end requests still waiting for a cold start; set it to at least ${hold}`);
  } else if (timeout !== undefined && timeout < hold) {
    list.add('spec.gateway.timeoutSeconds', `(${timeout}) must be at least ${holdText}: the Gateway would end requests still waiting for a cold start`);
  }
  if (spec.monitoring?.serviceMonitor === false) {
    list.add('spec.monitoring.serviceMonitor', 'false leaves the endpoint picker unscraped, but autoscaling.minReplicas 0 scales up from zero on its held requests: keep the ServiceMonitor');
  }
}

function checkKvCache(list: IssueList, spec: ModelServingSpec): void {
  const t = spec.autoscaling?.targetKvCacheUtilization;
  if (t === undefined) return;
  if (!getRuntime(spec.runtime).llm) {
    list.add('spec.autoscaling.targetKvCacheUtilization', `needs a KV-cache gauge, which runtime ${spec.runtime} does not expose (runtimes that do: ${llmRuntimes()})`);
  }
  if (t < 0.001) list.add('spec.autoscaling.targetKvCacheUtilization', `(${t}) must be at least 0.001: the HPA compares custom metrics in thousandths`);
}

function checkAdapters(list: IssueList, spec: ModelServingSpec): void {
  spec.models.forEach((m, i) => {
    const base = `spec.models[${i}]`;
    const adapters = m.adapters ?? [];
    if (!adapters.length) {
      for (const f of ['maxLoras', 'maxLoraRank'] as const) {
        if (m.engine?.[f] !== undefined) list.add(`${base}.engine.${f}`, `applies only with ${base}.adapters (it sizes the GPU memory reserved for LoRA adapters)`);
      }
      return;
    }
    const seen = new Map<string, number>();
    adapters.forEach((a, j) => {
      const p = `${base}.adapters[${j}]`;
      const prev = seen.get(a.name);
      if (prev !== undefined) list.add(`${p}.name`, `duplicate adapter name "${a.name}" (also ${base}.adapters[${prev}])`);
      else seen.set(a.name, j);
      if (a.name === m.name) list.add(`${p}.name`, `"${a.name}" is the base model's served name: requests naming it could not reach the adapter`);
      const sources = [a.huggingface, a.uri].filter((x) => x !== undefined).length;
      if (sources !== 1) list.add(p, `set exactly one of huggingface or uri (found ${sources})`);
      if (a.uri !== undefined) for (const msg of checkObjectStoreUri(a.uri, ['s3', 'gs', 'https'])) list.add(`${p}.uri`, msg);
      if (a.credentialsSecret !== undefined && a.uri === undefined) list.add(`${p}.credentialsSecret`, 'applies to uri only');
    });
  });
}

/** Every LLM rule of one spec. */
export function checkLlm(list: IssueList, spec: ModelServingSpec): void {
  checkPool(list, spec);
  checkScaleToZero(list, spec);
  checkKvCache(list, spec);
  checkAdapters(list, spec);
}
