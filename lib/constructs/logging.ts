/**
 * Log collection for one spec (spec.logging, docs/OBSERVABILITY.md#logs).
 *
 * Logging Operator (default): four namespaced objects of `logging.banzaicloud.io/v1beta1`.
 * - Flow `<name>-logs` selects the server containers of this spec (pod labels app.kubernetes.io/name + instance,
 *   container `server`) and builds records with fluent-plugin-concat; it hands every record (and the last one,
 *   flushed after flushIntervalSeconds) to the label of the second Flow through the relabel Output `<name>-logs-relabel`.
 * - Flow `<name>-logs-parse` (a fixed flowLabel, not in the router) parses records into fields and ships them to
 *   the Output `<name>-logs` (Elasticsearch, OpenSearch or Loki; credentials from a Secret).
 * fluentBit: a ConfigMap `<name>-fluent-bit` with parsers.conf and filters.conf for a Fluent Bit DaemonSet.
 * Construct IDs: `Flow`, `ParseFlow`, `Output`, `Relabel`, `FluentBit`.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { ApiObject } from 'cdk8s';
import { Kube } from '../k8s/object';
import type { ServingContext } from '../model/context';
import {
  LOGGING_API_VERSION, FlowFilter, FlowSpec, LokiOutput, OutputSpec, SearchOutput,
} from '../k8s/logging-operator';
import { concatStages, fluentdRegexp, logPipeline, LogPipeline, SERVER_CONTAINER } from '../logging/pipeline';
import { fluentBitFiltersConf, fluentBitParsersConf } from '../logging/fluent-bit';

export interface ModelLoggingProps {
  readonly context: ServingContext;
}

/** The Fluentd label of the parse Flow: unique per namespace/name (the hash) and readable (the name). */
export function parseFlowLabel(ctx: ServingContext): string {
  const h = createHash('sha256').update(`${ctx.namespace}/${ctx.name}`).digest('hex').slice(0, 8);
  return `@model-serving-${ctx.name}-${h}`;
}

function searchOutput(ctx: ServingContext, o: NonNullable<NonNullable<ServingContext['spec']['logging']>['elasticsearch']>): SearchOutput {
  const tls = o.tls;
  return {
    host: o.host,
    port: o.port ?? 9200,
    scheme: tls ? 'https' : 'http',
    index_name: o.index ?? ctx.name,
    // a fixed index has no @timestamp unless asked for (fluent-plugin-elasticsearch include_timestamp)
    include_timestamp: true,
    // Elasticsearch 8 has no mapping types; 7 warns about them
    suppress_type_name: true,
    ...(tls ? { ssl_verify: !(tls.insecureSkipVerify ?? false) } : {}),
    ...(tls?.caSecret ? { ca_file: { mountFrom: { secretKeyRef: { name: tls.caSecret.name, key: tls.caSecret.key } } } } : {}),
    ...(o.user && o.credentialsSecret ? { user: o.user, password: { valueFrom: { secretKeyRef: { name: o.credentialsSecret, key: 'password' } } } } : {}),
  };
}

function lokiOutput(ctx: ServingContext, o: NonNullable<NonNullable<ServingContext['spec']['logging']>['loki']>): LokiOutput {
  const secret = (key: string) => ({ valueFrom: { secretKeyRef: { name: o.credentialsSecret!, key } } });
  return {
    url: o.url.replace(/\/$/, ''),
    ...(o.tenant ? { tenant: o.tenant } : {}),
    ...(o.credentialsSecret ? { username: secret('username'), password: secret('password') } : {}),
    ...(o.tls?.caSecret ? { ca_cert: { mountFrom: { secretKeyRef: { name: o.tls.caSecret.name, key: o.tls.caSecret.key } } } } : {}),
    ...(o.tls?.insecureSkipVerify ? { insecure_tls: true } : {}),
    // few values each: Loki indexes labels, so no pod-independent high-cardinality ones
    labels: {
      namespace: '$.kubernetes.namespace_name',
      pod: '$.kubernetes.pod_name',
      container: '$.kubernetes.container_name',
      level: '$.level',
    },
    extra_labels: { instance: ctx.name, runtime: ctx.runtime.name },
  };
}

function destination(ctx: ServingContext): OutputSpec {
  const l = ctx.spec.logging!;
  const ref = l.loggingRef ? { loggingRef: l.loggingRef } : {};
  if (l.elasticsearch) return { elasticsearch: searchOutput(ctx, l.elasticsearch), ...ref };
  if (l.opensearch) return { opensearch: searchOutput(ctx, l.opensearch), ...ref };
  return { loki: lokiOutput(ctx, l.loki!), ...ref };
}

/** The Flow filters that parse a record and add the static fields. */
export function parseFilters(p: LogPipeline): FlowFilter[] {
  const patterns = p.parsePatterns.map(fluentdRegexp);
  return [
    {
      parser: {
        // keep the Kubernetes metadata; a line no pattern matches is shipped as it came
        reserve_data: true,
        // the record time stays the container runtime's (the patterns capture server_time as text; without this
        // Fluentd's regexp parser would stamp the time of parsing, estimate_current_event)
        reserve_time: true,
        remove_key_name_field: true,
        emit_invalid_record_to_error: false,
        parse: patterns.length === 1
          ? { type: 'regexp', expression: patterns[0] }
          : { type: 'multi_format', patterns: patterns.map((expression) => ({ format: 'regexp' as const, expression })) },
      },
    },
    { record_transformer: { records: Object.entries(p.staticFields).map(([k, v]) => ({ [k]: v })) } },
  ];
}

/** The Flow filters that build records (fluent-plugin-concat), each flushing its last record to `label`. */
export function concatFilters(p: LogPipeline, label: string): FlowFilter[] {
  return concatStages(p).map((s) => ({
    concat: {
      ...(s.start ? { multiline_start_regexp: fluentdRegexp(s.start) } : {}),
      ...(s.end ? { multiline_end_regexp: fluentdRegexp(s.end) } : {}),
      flush_interval: p.flushSeconds,
      timeout_label: label,
      // a joined record keeps the time of its first line; without this fluent-plugin-concat stamps it with the
      // time of the line that closed it (the next entry) or, flushed by the timer, the time of the flush
      use_first_timestamp: true,
    },
  }));
}

export class ModelLogging extends Construct {
  constructor(scope: Construct, id: string, props: ModelLoggingProps) {
    super(scope, id);
    const ctx = props.context;
    const l = ctx.spec.logging;
    if (!l) throw new Error('ModelLogging needs spec.logging');
    const p = logPipeline(ctx);
    if (l.collector === 'fluentBit') {
      Kube.ConfigMap(this, 'FluentBit', {
        metadata: ctx.metadata(`${ctx.name}-fluent-bit`, 'logging'),
        data: { 'parsers.conf': fluentBitParsersConf(ctx, p), 'filters.conf': fluentBitFiltersConf(ctx, p) },
      });
      return;
    }
    const ref = l.loggingRef ? { loggingRef: l.loggingRef } : {};
    const label = parseFlowLabel(ctx);
    const names = { flow: `${ctx.name}-logs`, parse: `${ctx.name}-logs-parse`, output: `${ctx.name}-logs`, relabel: `${ctx.name}-logs-relabel` };
    const flow = (cid: string, name: string, spec: FlowSpec) =>
      new ApiObject(this, cid, { apiVersion: LOGGING_API_VERSION, kind: 'Flow', metadata: ctx.metadata(name, 'logging'), spec });
    const output = (cid: string, name: string, spec: OutputSpec) =>
      new ApiObject(this, cid, { apiVersion: LOGGING_API_VERSION, kind: 'Output', metadata: ctx.metadata(name, 'logging'), spec });
    flow('Flow', names.flow, {
      match: [{ select: { labels: ctx.selector(), container_names: [SERVER_CONTAINER] } }],
      filters: concatFilters(p, label),
      localOutputRefs: [names.relabel],
      ...ref,
    });
    flow('ParseFlow', names.parse, {
      flowLabel: label,
      includeLabelInRouter: false,
      filters: parseFilters(p),
      localOutputRefs: [names.output],
      ...ref,
    });
    output('Relabel', names.relabel, { relabel: { label }, ...ref });
    output('Output', names.output, destination(ctx));
  }
}
