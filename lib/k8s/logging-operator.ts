/**
 * The part of the Logging Operator's `logging.banzaicloud.io/v1beta1` Flow and Output this project writes. There is
 * no npm model for them; these closed interfaces follow the upstream CRDs (kube-logging/logging-operator
 * `config/crd/bases/logging.banzaicloud.io_flows.yaml` and `_outputs.yaml`, 6.7.0 and later), so a typo in an object
 * literal typed with them is a compile error. Tests also validate the synthesized objects against the CRDs' served
 * openAPIV3Schema (test/support/crd-schema.ts) and the fuller mirror in test/support/logging-operator-types.ts.
 */

export const LOGGING_API_VERSION = 'logging.banzaicloud.io/v1beta1';

/** A value read from a Secret in the Output's namespace (operator-tools `secret.Secret`). */
export interface SecretValue {
  readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/** A Secret key the operator mounts as a file into Fluentd and passes by path (CA certificates). */
export interface MountedSecret {
  readonly mountFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } };
}

/** Flow spec.match[]: select (or exclude) pods by labels and container names in the Flow's namespace. */
export interface FlowMatch {
  readonly select?: { readonly labels?: Record<string, string>; readonly container_names?: readonly string[] };
}

/** fluent-plugin-concat (Flow filter `concat`); regexps are written `/.../`. */
export interface ConcatFilter {
  readonly multiline_start_regexp?: string;
  readonly multiline_end_regexp?: string;
  /** Seconds before a buffered record is flushed to `timeout_label`. */
  readonly flush_interval?: number;
  readonly timeout_label?: string;
  /** The joined record keeps the time of its first line (default false: the time of the closing line or of the flush). */
  readonly use_first_timestamp?: boolean;
}

/** Fluentd parser filter (Flow filter `parser`). */
export interface ParserFilter {
  readonly reserve_data?: boolean;
  readonly reserve_time?: boolean;
  readonly remove_key_name_field?: boolean;
  readonly emit_invalid_record_to_error?: boolean;
  readonly parse: {
    readonly type: 'regexp' | 'multi_format';
    readonly expression?: string;
    readonly patterns?: readonly { readonly format: 'regexp'; readonly expression: string }[];
  };
}

/** Fluentd record_transformer (Flow filter `record_transformer`): static fields. */
export interface RecordTransformerFilter {
  readonly records: readonly Record<string, string>[];
}

export type FlowFilter =
  | { readonly concat: ConcatFilter }
  | { readonly parser: ParserFilter }
  | { readonly record_transformer: RecordTransformerFilter };

export interface FlowSpec {
  readonly match?: readonly FlowMatch[];
  readonly filters?: readonly FlowFilter[];
  readonly localOutputRefs: readonly string[];
  /** A fixed Fluentd label (`@...`); with includeLabelInRouter false only relabelled events enter the Flow. */
  readonly flowLabel?: string;
  readonly includeLabelInRouter?: boolean;
  readonly loggingRef?: string;
}

/** fluent-plugin-elasticsearch / fluent-plugin-opensearch (the fields this project sets). */
export interface SearchOutput {
  readonly host: string;
  readonly port: number;
  readonly scheme: 'http' | 'https';
  readonly index_name: string;
  readonly include_timestamp: boolean;
  readonly suppress_type_name: boolean;
  readonly ssl_verify?: boolean;
  readonly ca_file?: MountedSecret;
  readonly user?: string;
  readonly password?: SecretValue;
}

/** fluent-plugin-grafana-loki (the fields this project sets). */
export interface LokiOutput {
  readonly url: string;
  readonly tenant?: string;
  readonly username?: SecretValue;
  readonly password?: SecretValue;
  readonly ca_cert?: MountedSecret;
  readonly insecure_tls?: boolean;
  /** Stream labels: label -> record accessor (`$.kubernetes.namespace_name`). */
  readonly labels: Record<string, string>;
  readonly extra_labels?: Record<string, string>;
}

export type OutputSpec =
  | { readonly elasticsearch: SearchOutput; readonly loggingRef?: string }
  | { readonly opensearch: SearchOutput; readonly loggingRef?: string }
  | { readonly loki: LokiOutput; readonly loggingRef?: string }
  | { readonly relabel: { readonly label: string }; readonly loggingRef?: string };
