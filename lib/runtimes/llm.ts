/**
 * What a runtime that serves LLMs offers beyond `ServingRuntime`: the facts the inference pool, its
 * endpoint picker, LoRA adapters, KV-cache autoscaling and the LLM dashboard need. A runtime without it
 * refuses spec.inferencePool, adapters and targetKvCacheUtilization (the rules name the runtimes that have it).
 */
import type { ModelSpec } from '../spec/schema/spec';

/** Series names of an LLM server (each labelled with the served model and scraped per pod). */
export interface LlmMetricNames {
  /** Histogram (seconds): time to first token. */
  readonly timeToFirstToken: string;
  /** Histogram (seconds): time between two output tokens of a request. */
  readonly interTokenLatency: string;
  /** Counter: output tokens generated. */
  readonly generationTokens: string;
  /** Counter: prompt tokens processed. */
  readonly promptTokens: string;
  /** Counter: requests preempted (their KV cache evicted, recomputed later). */
  readonly preemptions: string;
  /** Gauge: requests waiting for a batch slot. */
  readonly waiting: string;
  /** Gauge: requests in the running batch. */
  readonly running: string;
  /** Gauge 0-1: share of the KV cache in use. */
  readonly kvCacheUsage: string;
}

/** An adapter as the server sees it: its name and the local directory it was downloaded to. */
export interface LocalAdapter {
  readonly name: string;
  readonly path: string;
}

export interface LlmSupport {
  /** The endpoint picker's engine type for this server (its core-metrics-extractor `engineConfigs` name). */
  readonly pickerEngine: string;
  readonly metrics: LlmMetricNames;
  /** Requests one replica runs at once when the spec does not say (the in-flight target per replica when scaling on the picker). */
  maxConcurrentRequests(model: ModelSpec): number;
  /** Server arguments that serve `adapters` next to the base model (empty when there are none). */
  adapterArgs(model: ModelSpec, adapters: readonly LocalAdapter[]): string[];
}
