/**
 * `llm-d.ai/v1alpha1` EndpointPickerConfig: the endpoint picker's configuration FILE (read with `--config-file`,
 * mounted from a ConfigMap), never a Kubernetes object. Closed interfaces for the part this project writes,
 * from the Go types at the pinned picker release (llm-d/llm-d-router v0.10.0
 * `apix/config/v1alpha1/endpointpickerconfig_types.go`). The picker decodes the file strictly (unknown fields are
 * errors: `pkg/epp/config/loader/configloader.go`), so a typo here would stop the picker at start-up.
 */

export const EPP_CONFIG_API_VERSION = 'llm-d.ai/v1alpha1';
export const EPP_CONFIG_KIND = 'EndpointPickerConfig';

/** plugins[]: a plugin instance; `name` defaults to `type`. */
export interface EppPluginSpec {
  readonly type: string;
  readonly name?: string;
}

/** schedulingProfiles[].plugins[]: a reference to a plugin instance, with a weight for scorers. */
export interface EppSchedulingPlugin {
  readonly pluginRef: string;
  readonly weight?: number;
}

export interface EppSchedulingProfile {
  readonly name: string;
  readonly plugins: readonly EppSchedulingPlugin[];
}

/** flowControl: honoured only with the `flowControl` feature gate. */
export interface EppFlowControlConfig {
  /** Global cap on the bytes of held requests (resource.Quantity). */
  readonly maxBytes?: string;
  /** How long a request may wait in the queue (metav1.Duration, e.g. `2400s`); default 60s. */
  readonly defaultRequestTTL?: string;
}

export interface EndpointPickerConfig {
  readonly apiVersion: typeof EPP_CONFIG_API_VERSION;
  readonly kind: typeof EPP_CONFIG_KIND;
  readonly featureGates?: readonly string[];
  readonly plugins: readonly EppPluginSpec[];
  readonly schedulingProfiles: readonly EppSchedulingProfile[];
  readonly flowControl?: EppFlowControlConfig;
}
