/**
 * Spec fields for LLM serving (docs/LLM.md): the inference pool with its endpoint picker, LoRA adapters,
 * the vLLM LoRA engine limits and the KV-cache autoscaling target. Each group is spread into its parent
 * object with one line, so the parent files change by one line each.
 */
import { Type } from '@sinclair/typebox';
import { Obj, Opt, PositiveInt, MODEL_NAME_PATTERN, Quantity } from './common';

/** Ranks vLLM accepts for --max-lora-rank (vllm/config/lora.py `MaxLoRARanks`). */
export const MAX_LORA_RANKS = [1, 8, 16, 32, 64, 128, 256, 320, 512] as const;
/** vLLM's defaults for --max-loras and --max-lora-rank (vllm/config/lora.py `LoRAConfig`). */
export const VLLM_LORA_DEFAULTS = { maxLoras: 1, maxLoraRank: 16 } as const;

/**
 * Size assumed for an adapter without `size`: a rank-16 adapter of every projection of an 8B model is about 80 MB in
 * 16-bit weights, a rank-64 adapter of a 70B model about 1.7 GB (rank x (in + out features) per module and layer).
 */
export const ADAPTER_DEFAULT_SIZE = '1Gi';

const Adapter = Obj({
  name: Type.String({ pattern: MODEL_NAME_PATTERN, description: 'The name clients put in the OpenAI `model` field to use this adapter (vLLM --lora-modules name).' }),
  huggingface: Opt(Obj({
    modelId: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)?$', description: 'Hugging Face repository of the adapter, e.g. org/sql-lora.' }),
    revision: Opt(Type.String({ pattern: '^[A-Za-z0-9_./-]+$', description: 'Branch, tag or commit of the adapter repository. @default - main' })),
  }, { description: 'Download the adapter from the Hugging Face Hub (with repository.huggingface.tokenSecret when the base model has one).' })),
  uri: Opt(Type.String({ description: 's3://, gs:// or https:// URI of the adapter directory (adapter_config.json and weights), downloaded like repository.uri. Never put credentials in it.' })),
  credentialsSecret: Opt(Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 253, description: 'Secret with the object-store credentials of uri, passed to its download container as environment variables. @default - repository.credentialsSecret' })),
  size: Opt(Quantity(`Expected size of the adapter's files, e.g. 200Mi. The adapters of a model share one emptyDir whose sizeLimit is the sum of their sizes plus a fifth, and the server requests that much ephemeral-storage; a download past it gets the pod evicted. @default - ${ADAPTER_DEFAULT_SIZE} per adapter`)),
}, { description: 'A LoRA adapter: exactly one of huggingface or uri.' });

/** Fields added to `spec.models[]`. */
export const ModelLlmFields = {
  adapters: Opt(Type.Array(Adapter, {
    minItems: 1,
    maxItems: 64,
    description: 'vllm: LoRA adapters served next to the base model (vLLM --enable-lora --lora-modules); each is downloaded into the pod before the server starts and is routable by its name. @default - none',
  })),
};

/** Fields added to `spec.models[].engine`. */
export const EngineLoraFields = {
  maxLoras: Opt(PositiveInt(`vllm --max-loras: adapters in one batch (each takes GPU memory). Needs adapters. @default - ${VLLM_LORA_DEFAULTS.maxLoras} (vLLM default)`)),
  maxLoraRank: Opt(Type.Union(MAX_LORA_RANKS.map((r) => Type.Literal(r)), { description: `vllm --max-lora-rank: the largest rank of the adapters (a larger rank reserves more GPU memory). Needs adapters. @default - ${VLLM_LORA_DEFAULTS.maxLoraRank} (vLLM default)` })),
};

/** Fields added to `spec.autoscaling`. */
export const AutoscalingLlmFields = {
  targetKvCacheUtilization: Opt(Type.Number({
    exclusiveMinimum: 0,
    maximum: 1,
    description: 'vllm: average share of the KV cache in use per pod (vllm:kv_cache_usage_perc, 0-1) the autoscaler keeps; above it requests queue and get preempted. engine hpa: a Pods metric served by prometheus-adapter (rule in <name>-metrics-adapter-rule); engine keda: a prometheus trigger. @default - none',
  })),
};

/** Fields added to the spec root. */
export const LlmSchemas = {
  inferencePool: Opt(Obj({
    picker: Opt(Obj({
      image: Opt(Type.String({ minLength: 1, description: 'Endpoint picker image, pinned by tag or digest. @default - ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0' })),
      replicas: Opt(Type.Integer({ minimum: 1, maximum: 5, description: 'Picker replicas; more than one runs with leader election (one active replica, the others on standby). @default - 1' })),
      secureServing: Opt(Type.Boolean({ description: 'Whether the picker serves its ext_proc gRPC port (9002) over TLS, with a self-signed certificate it makes at start (llm-d-router --secure-serving). Keep true for Gateways that connect with TLS (kgateway, NGINX Gateway Fabric, GKE; Istio with a DestinationRule tls SIMPLE, insecureSkipVerify); false for Gateways that speak plaintext gRPC to it (agentgateway; Istio without that DestinationRule). See docs/LLM.md. @default - true (the picker\'s default)' })),
    }, { description: 'The endpoint picker (llm-d-router) that chooses a pod for each request.' })),
    failureMode: Opt(Type.Union([Type.Literal('FailClose'), Type.Literal('FailOpen')], {
      description: 'What the Gateway does when the picker does not answer (InferencePool endpointPickerRef.failureMode): FailClose refuses the request; FailOpen sends it to a pod of its own choice (no hold while scaled to zero). @default - FailClose (the InferencePool default)',
    })),
    requestHoldSeconds: Opt(Type.Integer({
      minimum: 1,
      maximum: 86400,
      description: 'How long the picker holds a request while no pod can take it (flow control defaultRequestTTL): with autoscaling.minReplicas 0 this must be longer than the startup budget plus the autoscaler\'s delay. @default - with minReplicas 0: the startup budget (startupTimeoutSeconds, else the runtime\'s default plus the load and download time of repository.modelSize, as the startupProbe) + 600 (scheduling, a GPU node, image pull) + the autoscaler\'s delay (one scrape of the picker, monitoring.interval or 15 s, plus one evaluation: keda.pollingInterval or 30 s, or the HPA\'s 15 s); else 60 (the picker\'s default)',
    })),
  }, { description: 'runtime vllm, with spec.gateway: route through a Gateway API Inference Extension InferencePool (inference.networking.k8s.io/v1) and an endpoint picker that picks the pod by prefix cache, KV cache and queue; the HTTPRoute targets the pool instead of the Service; a canary gets its own pool and picker. Allows autoscaling.minReplicas 0. See docs/LLM.md. @default - none: the HTTPRoute targets the Service' })),
};
