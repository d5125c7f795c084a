/**
 * vLLM's LLM facts (docs/LLM.md): metric names (vllm-project/vllm `vllm/v1/metrics/loggers.py`; prometheus_client
 * adds `_total` to counters), the LoRA flags (`vllm/entrypoints/openai/cli_args.py` LoRAParserAction,
 * `vllm/config/lora.py` LoRAConfig) and the endpoint picker's engine name for vLLM (llm-d/llm-d-router v0.10.0
 * `pkg/epp/framework/plugins/datalayer/extractor/metrics/factories.go`).
 */
import type { ModelSpec } from '../spec/schema/spec';
import type { LlmSupport, LocalAdapter } from './llm';

/**
 * max_num_seqs when the spec does not set it: 256, the OpenAI server's default below 70 GiB of GPU memory and
 * on A100 (vllm `engine/arg_utils.py` get_batch_defaults).
 */
export const VLLM_DEFAULT_MAX_NUM_SEQS = 256;

/**
 * `--lora-modules name=path ...`: one flag followed by every adapter. vLLM's LoRAParserAction replaces the list on
 * each occurrence of the flag, so a second `--lora-modules` would drop the first adapters. `name=path` is the
 * format it reads when an item has `=` and no `,` (adapter names and our paths have neither).
 */
function adapterArgs(model: ModelSpec, adapters: readonly LocalAdapter[]): string[] {
  if (!adapters.length) return [];
  const e = model.engine ?? {};
  return [
    '--enable-lora',
    '--lora-modules', ...adapters.map((a) => `${a.name}=${a.path}`),
    ...(e.maxLoras !== undefined ? ['--max-loras', String(e.maxLoras)] : []),
    ...(e.maxLoraRank !== undefined ? ['--max-lora-rank', String(e.maxLoraRank)] : []),
  ];
}

export const VLLM_LLM: LlmSupport = {
  pickerEngine: 'vllm',
  metrics: {
    timeToFirstToken: 'vllm:time_to_first_token_seconds',
    interTokenLatency: 'vllm:inter_token_latency_seconds',
    generationTokens: 'vllm:generation_tokens_total',
    promptTokens: 'vllm:prompt_tokens_total',
    preemptions: 'vllm:num_preemptions_total',
    waiting: 'vllm:num_requests_waiting',
    running: 'vllm:num_requests_running',
    kvCacheUsage: 'vllm:kv_cache_usage_perc',
  },
  maxConcurrentRequests: (model) => model.engine?.maxNumSeqs ?? VLLM_DEFAULT_MAX_NUM_SEQS,
  adapterArgs,
};
