/**
 * TypeScript mirror of the Logging Operator's Flow and Output (`logging.banzaicloud.io/v1beta1`) for the strict
 * (unknown-field) layer of test/support/k8s-validate.ts. Derived mechanically from the served openAPIV3Schema of
 * kube-logging/logging-operator `config/crd/bases/logging.banzaicloud.io_flows.yaml` and `_outputs.yaml`
 * (commit 51679aa50c20c8bfa2807862cef32bca4bd0cd0e; same as 6.7.0 for these fields): every field of Flow.spec with
 * the filters this project writes (concat, parser, record_transformer), and the Output kinds it writes
 * (elasticsearch, opensearch, loki, relabel); required and optional as in the CRD. Interfaces are closed, so an
 * extra property is a compile error; the full schema is checked by test/support/crd-schema.ts.
 */
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap' with { 'resolution-mode': 'import' };

/** kubernetes-models' ObjectMeta. */
export type ObjectMeta = NonNullable<IConfigMap['metadata']>;

/** operator-tools `secret.Secret`: a value, or a Secret key read (valueFrom) or mounted as a file (mountFrom). */
export interface Secret {
  mountFrom?: {
    secretKeyRef?: {
      key: string;
      name?: string;
      optional?: boolean;
    };
  };
  value?: string;
  valueFrom?: {
    secretKeyRef?: {
      key: string;
      name?: string;
      optional?: boolean;
    };
  };
}

/** The Fluentd buffer section of an output. */
export type Buffer = {
  chunk_full_threshold?: string;
  chunk_limit_records?: number;
  chunk_limit_size?: string;
  compress?: string;
  delayed_commit_timeout?: string;
  disable_chunk_backup?: boolean;
  disabled?: boolean;
  flush_at_shutdown?: boolean;
  flush_interval?: string;
  flush_mode?: string;
  flush_thread_burst_interval?: string;
  flush_thread_count?: number;
  flush_thread_interval?: string;
  overflow_action?: string;
  path?: string;
  queue_limit_length?: number;
  queued_chunks_limit_size?: number;
  retry_exponential_backoff_base?: string;
  retry_forever?: boolean;
  retry_max_interval?: string;
  retry_max_times?: number;
  retry_randomize?: boolean;
  retry_secondary_threshold?: string;
  retry_timeout?: string;
  retry_type?: string;
  retry_wait?: string;
  tags?: string;
  timekey?: string;
  timekey_use_utc?: boolean;
  timekey_wait?: string;
  timekey_zone?: string;
  total_limit_size?: string;
  type?: string;
};

export type FlowSpec = {
  filters?: Array<{
    concat?: {
      continuous_line_regexp?: string;
      flush_interval?: number;
      keep_partial_key?: boolean;
      keep_partial_metadata?: string;
      key?: string;
      multiline_end_regexp?: string;
      multiline_start_regexp?: string;
      n_lines?: number;
      partial_cri_logtag_key?: string;
      partial_cri_stream_key?: string;
      partial_key?: string;
      partial_metadata_format?: string;
      partial_value?: string;
      separator?: string;
      stream_identity_key?: string;
      timeout_label?: string;
      use_first_timestamp?: boolean;
      use_partial_cri_logtag?: boolean;
      use_partial_metadata?: string;
    };
    parser?: {
      emit_invalid_record_to_error?: boolean;
      hash_value_field?: string;
      inject_key_prefix?: string;
      key_name?: string;
      parse?: {
        custom_pattern_path?: Secret;
        delimiter?: string;
        delimiter_pattern?: string;
        estimate_current_event?: boolean;
        expression?: string;
        format?: string;
        format_firstline?: string;
        format_key?: string;
        grok_failure_key?: string;
        grok_name_key?: string;
        grok_pattern?: string;
        grok_patterns?: Array<{
          keep_time_key?: boolean;
          name?: string;
          pattern: string;
          time_format?: string;
          time_key?: string;
          timezone?: string;
        }>;
        keep_time_key?: boolean;
        keys?: string;
        label_delimiter?: string;
        local_time?: boolean;
        multiline?: string[];
        multiline_start_regexp?: string;
        null_empty_string?: boolean;
        null_value_pattern?: string;
        patterns?: Array<{
          custom_pattern_path?: Secret;
          estimate_current_event?: boolean;
          expression?: string;
          format?: string;
          format_name?: string;
          grok_failure_key?: string;
          grok_name_key?: string;
          grok_pattern?: string;
          grok_patterns?: Array<{
            keep_time_key?: boolean;
            name?: string;
            pattern: string;
            time_format?: string;
            time_key?: string;
            timezone?: string;
          }>;
          keep_time_key?: boolean;
          local_time?: boolean;
          multiline_start_regexp?: string;
          null_empty_string?: boolean;
          null_value_pattern?: string;
          time_format?: string;
          time_key?: string;
          time_type?: string;
          timezone?: string;
          type?: string;
          types?: string;
          utc?: boolean;
        }>;
        time_format?: string;
        time_key?: string;
        time_type?: string;
        timezone?: string;
        type?: string;
        types?: string;
        utc?: boolean;
      };
      parsers?: Array<{
        custom_pattern_path?: Secret;
        delimiter?: string;
        delimiter_pattern?: string;
        estimate_current_event?: boolean;
        expression?: string;
        format?: string;
        format_firstline?: string;
        format_key?: string;
        grok_failure_key?: string;
        grok_name_key?: string;
        grok_pattern?: string;
        grok_patterns?: Array<{
          keep_time_key?: boolean;
          name?: string;
          pattern: string;
          time_format?: string;
          time_key?: string;
          timezone?: string;
        }>;
        keep_time_key?: boolean;
        keys?: string;
        label_delimiter?: string;
        local_time?: boolean;
        multiline?: string[];
        multiline_start_regexp?: string;
        null_empty_string?: boolean;
        null_value_pattern?: string;
        patterns?: Array<{
          custom_pattern_path?: Secret;
          estimate_current_event?: boolean;
          expression?: string;
          format?: string;
          format_name?: string;
          grok_failure_key?: string;
          grok_name_key?: string;
          grok_pattern?: string;
          grok_patterns?: Array<{
            keep_time_key?: boolean;
            name?: string;
            pattern: string;
            time_format?: string;
            time_key?: string;
            timezone?: string;
          }>;
          keep_time_key?: boolean;
          local_time?: boolean;
          multiline_start_regexp?: string;
          null_empty_string?: boolean;
          null_value_pattern?: string;
          time_format?: string;
          time_key?: string;
          time_type?: string;
          timezone?: string;
          type?: string;
          types?: string;
          utc?: boolean;
        }>;
        time_format?: string;
        time_key?: string;
        time_type?: string;
        timezone?: string;
        type?: string;
        types?: string;
        utc?: boolean;
      }>;
      remove_key_name_field?: boolean;
      replace_invalid_sequence?: boolean;
      reserve_data?: boolean;
      reserve_time?: boolean;
    };
    record_transformer?: {
      auto_typecast?: boolean;
      enable_ruby?: boolean;
      keep_keys?: string;
      records?: { [key: string]: string }[];
      remove_keys?: string;
      renew_record?: boolean;
      renew_time_key?: string;
    };
  }>;
  flowLabel?: string;
  globalOutputRefs?: string[];
  includeLabelInRouter?: boolean;
  localOutputRefs?: string[];
  loggingRef?: string;
  match?: Array<{
    exclude?: {
      container_names?: string[];
      hosts?: string[];
      labels?: { [key: string]: string };
      namespace_labels?: { [key: string]: string };
    };
    select?: {
      container_names?: string[];
      hosts?: string[];
      labels?: { [key: string]: string };
    };
  }>;
  outputRefs?: string[];
  selectors?: { [key: string]: string };
};

/** Output.spec: the kinds this project writes (any other kind is refused by the strict check). */
export type OutputSpec = {
  elasticsearch?: {
    api_key?: Secret;
    application_name?: string;
    buffer?: Buffer;
    bulk_message_request_threshold?: string;
    ca_file?: Secret;
    client_cert?: Secret;
    client_key?: Secret;
    client_key_pass?: Secret;
    compression_level?: string;
    content_type?: string;
    custom_headers?: string;
    customize_template?: string;
    data_stream_enable?: boolean;
    data_stream_ilm_name?: string;
    data_stream_ilm_policy?: string;
    data_stream_ilm_policy_overwrite?: boolean;
    data_stream_name?: string;
    data_stream_template_name?: string;
    data_stream_template_use_index_patterns_wildcard?: boolean;
    default_elasticsearch_version?: string;
    deflector_alias?: string;
    enable_ilm?: boolean;
    exception_backup?: boolean;
    fail_on_detecting_es_version_retry_exceed?: boolean;
    fail_on_putting_template_retry_exceed?: boolean;
    flatten_hashes?: boolean;
    flatten_hashes_separator?: string;
    host?: string;
    hosts?: string;
    http_backend?: string;
    id_key?: string;
    ignore_exceptions?: string;
    ilm_policy?: string;
    ilm_policy_id?: string;
    ilm_policy_overwrite?: boolean;
    include_index_in_url?: boolean;
    include_tag_key?: boolean;
    include_timestamp?: boolean;
    index_date_pattern?: string;
    index_name?: string;
    index_prefix?: string;
    log_es_400_reason?: boolean;
    logstash_dateformat?: string;
    logstash_format?: boolean;
    logstash_prefix?: string;
    logstash_prefix_separator?: string;
    max_retry_get_es_version?: string;
    max_retry_putting_template?: string;
    password?: Secret;
    path?: string;
    pipeline?: string;
    port?: number;
    prefer_oj_serializer?: boolean;
    reconnect_on_error?: boolean;
    reload_after?: string;
    reload_connections?: boolean;
    reload_on_failure?: boolean;
    remove_keys?: string;
    remove_keys_on_update?: string;
    remove_keys_on_update_key?: string;
    request_timeout?: string;
    resurrect_after?: string;
    retry_tag?: string;
    rollover_index?: boolean;
    routing_key?: string;
    scheme?: string;
    slow_flush_log_threshold?: string;
    sniffer_class_name?: string;
    ssl_max_version?: string;
    ssl_min_version?: string;
    ssl_verify?: boolean;
    ssl_version?: string;
    suppress_doc_wrap?: boolean;
    suppress_type_name?: boolean;
    tag_key?: string;
    target_index_key?: string;
    target_type_key?: string;
    template_file?: Secret;
    template_name?: string;
    template_overwrite?: boolean;
    templates?: string;
    time_key?: string;
    time_key_format?: string;
    time_parse_error_tag?: string;
    time_precision?: string;
    type_name?: string;
    unrecoverable_error_types?: string;
    use_legacy_template?: boolean;
    user?: string;
    utc_index?: boolean;
    validate_client_version?: boolean;
    verify_es_version_at_startup?: boolean;
    with_transporter_log?: boolean;
    write_operation?: string;
  };
  opensearch?: {
    application_name?: string;
    buffer?: Buffer;
    bulk_message_request_threshold?: string;
    ca_file?: Secret;
    catch_transport_exception_on_retry?: boolean;
    client_cert?: Secret;
    client_key?: Secret;
    client_key_pass?: Secret;
    compression_level?: string;
    custom_headers?: string;
    customize_template?: string;
    data_stream_enable?: boolean;
    data_stream_name?: string;
    data_stream_template_name?: string;
    default_opensearch_version?: number;
    emit_error_for_missing_id?: boolean;
    emit_error_label_event?: boolean;
    endpoint?: {
      access_key_id?: Secret;
      assume_role_arn?: Secret;
      assume_role_session_name?: Secret;
      assume_role_web_identity_token_file?: Secret;
      ecs_container_credentials_relative_uri?: Secret;
      region?: string;
      secret_access_key?: Secret;
      sts_credentials_region?: Secret;
      url: string;
    };
    exception_backup?: boolean;
    fail_on_detecting_os_version_retry_exceed?: boolean;
    fail_on_putting_template_retry_exceed?: boolean;
    flatten_hashes?: boolean;
    flatten_hashes_separator?: string;
    host?: string;
    hosts?: string;
    http_backend?: string;
    http_backend_excon_nonblock?: boolean;
    id_key?: string;
    ignore_exceptions?: string;
    include_index_in_url?: boolean;
    include_tag_key?: boolean;
    include_timestamp?: boolean;
    index_date_pattern?: string;
    index_name?: string;
    index_separator?: string;
    log_os_400_reason?: boolean;
    logstash_dateformat?: string;
    logstash_format?: boolean;
    logstash_prefix?: string;
    logstash_prefix_separator?: string;
    max_retry_get_os_version?: number;
    max_retry_putting_template?: string;
    parent_key?: string;
    password?: Secret;
    path?: string;
    pipeline?: string;
    port?: number;
    prefer_oj_serializer?: boolean;
    reconnect_on_error?: boolean;
    reload_after?: string;
    reload_connections?: boolean;
    reload_on_failure?: boolean;
    remove_keys?: string;
    remove_keys_on_update?: string;
    remove_keys_on_update_key?: string;
    request_timeout?: string;
    resurrect_after?: string;
    retry_tag?: string;
    routing_key?: string;
    scheme?: string;
    selector_class_name?: string;
    slow_flush_log_threshold?: string;
    sniffer_class_name?: string;
    ssl_verify?: boolean;
    ssl_version?: string;
    suppress_doc_wrap?: boolean;
    suppress_type_name?: boolean;
    tag_key?: string;
    target_index_affinity?: boolean;
    target_index_key?: string;
    template_file?: Secret;
    template_name?: string;
    template_overwrite?: boolean;
    templates?: string;
    time_key?: string;
    time_key_exclude_timestamp?: boolean;
    time_key_format?: string;
    time_parse_error_tag?: string;
    time_precision?: string;
    truncate_caches_interval?: string;
    unrecoverable_error_types?: string;
    unrecoverable_record_types?: string;
    use_legacy_template?: boolean;
    user?: string;
    utc_index?: boolean;
    validate_client_version?: boolean;
    verify_os_version_at_startup?: boolean;
    with_transporter_log?: boolean;
    write_operation?: string;
  };
  loki?: {
    buffer?: Buffer;
    ca_cert?: Secret;
    cert?: Secret;
    configure_kubernetes_labels?: boolean;
    drop_single_key?: boolean;
    extra_labels?: { [key: string]: string };
    extract_kubernetes_labels?: boolean;
    include_thread_label?: boolean;
    insecure_tls?: boolean;
    key?: Secret;
    labels?: { [key: string]: string };
    line_format?: string;
    password?: Secret;
    remove_keys?: string[];
    slow_flush_log_threshold?: string;
    tenant?: string;
    url?: string;
    username?: Secret;
  };
  relabel?: {
    label: string;
  };
  loggingRef?: string;
};

export interface IFlow {
  apiVersion: 'logging.banzaicloud.io/v1beta1';
  kind: 'Flow';
  metadata?: ObjectMeta;
  spec?: FlowSpec;
}

export interface IOutput {
  apiVersion: 'logging.banzaicloud.io/v1beta1';
  kind: 'Output';
  metadata?: ObjectMeta;
  spec?: OutputSpec;
}
