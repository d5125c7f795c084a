/**
 * TypeScript model of the endpoint picker's configuration file, `llm-d.ai/v1alpha1` EndpointPickerConfig (a file
 * the picker reads, not a Kubernetes object; no CRD or npm model exists).
 *
 * Written by hand from the Go types of the pinned release:
 *   github.com/llm-d/llm-d-router v0.10.0 apix/config/v1alpha1/endpointpickerconfig_types.go
 *
 * The picker decodes the file strictly (pkg/epp/config/loader/configloader.go: serializer.EnableStrict), so every
 * interface is closed. `parameters` is a json.RawMessage: any JSON.
 */

export interface PluginSpec {
  name?: string;
  type: string;
  parameters?: unknown;
}

export interface SchedulingPlugin {
  pluginRef: string;
  weight?: number;
}

export interface SchedulingProfile {
  name: string;
  plugins: SchedulingPlugin[];
}

export interface SaturationDetectorConfig {
  pluginRef?: string;
}

export interface DiscoveryConfig {
  pluginRef: string;
}

export interface DataLayerExtractor {
  pluginRef: string;
}

export interface DataLayerSource {
  pluginRef: string;
  extractors: DataLayerExtractor[];
}

export interface DataLayerConfig {
  injectDefaults?: boolean;
  sources?: DataLayerSource[];
  discovery?: DiscoveryConfig;
  crossReplicaSyncerPluginRef?: string;
  /** metav1.Duration, e.g. `1s`. */
  crossReplicaSyncInterval?: string;
}

export interface ParserConfig {
  pluginRef: string;
}

export interface RequestHandlerConfig {
  parsers?: ParserConfig[];
}

/** resource.Quantity: a string or a number. */
export type Quantity = string | number;

export interface PriorityBandConfig {
  priority: number;
  maxBytes?: Quantity;
  maxRequests?: Quantity;
  fairnessPolicyRef?: string;
  orderingPolicyRef?: string;
}

export interface FlowControlConfig {
  maxBytes?: Quantity;
  maxRequests?: Quantity;
  /** metav1.Duration. */
  defaultRequestTTL?: string;
  defaultPriorityBand?: PriorityBandConfig;
  defaultNegativePriorityBand?: PriorityBandConfig;
  priorityBands?: PriorityBandConfig[];
  usageLimitPolicyPluginRef?: string;
  saturationDetector?: SaturationDetectorConfig;
  enableEviction?: boolean;
}

export interface IEndpointPickerConfig {
  apiVersion: 'llm-d.ai/v1alpha1';
  kind: 'EndpointPickerConfig';
  featureGates?: string[];
  plugins: PluginSpec[];
  schedulingProfiles: SchedulingProfile[];
  dataLayer?: DataLayerConfig;
  flowControl?: FlowControlConfig;
  requestHandler?: RequestHandlerConfig;
  /** Deprecated: flowControl.saturationDetector. */
  saturationDetector?: SaturationDetectorConfig;
  /** Deprecated: requestHandler.parsers. */
  parser?: ParserConfig;
}

/**
 * Plugin types registered by the picker at v0.10.0 (`cmd/epp/runner/runner.go` registerInTreePlugins) that a vLLM
 * pool's configuration may use here; an unknown type stops the picker ("plugin type '...' is not registered").
 */
export const KNOWN_PLUGIN_TYPES = [
  'queue-scorer', 'kv-cache-utilization-scorer', 'prefix-cache-scorer', 'lora-affinity-scorer',
  'max-score-picker', 'single-profile-handler', 'metrics-data-source', 'core-metrics-extractor',
] as const;

/** Feature gates the configuration may name (`pkg/epp/flowcontrol/config.go` FeatureGate). */
export const KNOWN_FEATURE_GATES = ['flowControl'] as const;
