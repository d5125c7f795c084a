/** spec.logging: ship the server's logs, parsed into fields, with the Logging Operator or a Fluent Bit DaemonSet. */
import { Type } from '@sinclair/typebox';
import { Obj, Opt, DnsLabel } from './common';

/** A DNS name or an IPv4 address. */
const HOST_PATTERN = '^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

const SecretKey = (description: string) => Obj({
  name: DnsLabel('Secret name (in the spec namespace).', 253),
  key: Type.String({ minLength: 1, maxLength: 253, pattern: '^[-._a-zA-Z0-9]+$', description: 'Key in the Secret.' }),
}, { description });

const Tls = Obj({
  caSecret: Opt(SecretKey('CA certificate (PEM) that signed the server certificate. @default - the system CAs of the collector')),
  insecureSkipVerify: Opt(Type.Boolean({ description: 'Do not verify the server certificate. @default - false: verified' })),
}, { description: 'Connect with TLS. @default - plain HTTP (elasticsearch, opensearch); loki follows its url scheme' });

const Search = (product: string) => Obj({
  host: Type.String({ pattern: HOST_PATTERN, maxLength: 253, description: `${product} host name, e.g. ${product.toLowerCase()}.logging.svc.` }),
  port: Opt(Type.Integer({ minimum: 1, maximum: 65535, description: '@default - 9200' })),
  index: Opt(Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', maxLength: 255, description: `${product} index the records go to (lower case). @default - the spec name` })),
  user: Opt(Type.String({ minLength: 1, maxLength: 256, pattern: '^[^\\s]+$', description: 'HTTP basic-auth user (the output takes it as plain text); the password comes from credentialsSecret. @default - no authentication' })),
  credentialsSecret: Opt(DnsLabel('Secret in the spec namespace whose key `password` holds the basic-auth password of user.', 253)),
  tls: Opt(Tls),
}, { description: `Ship to ${product} (Logging Operator Output \`${product.toLowerCase()}\`).` });

export const LOG_COLLECTORS = ['loggingOperator', 'fluentBit'] as const;

export const LoggingSchemas = {
  logging: Opt(Obj({
    collector: Opt(Type.Union(LOG_COLLECTORS.map((c) => Type.Literal(c)), {
      description: 'loggingOperator: two Flows and two Outputs of the Logging Operator (logging.banzaicloud.io/v1beta1): Flow <name>-logs builds multi-line records and hands them to Output <name>-logs-relabel, whose label leads to Flow <name>-logs-parse, which parses them and ships them to Output <name>-logs, the destination; fluentBit: a ConfigMap <name>-fluent-bit with parsers.conf and filters.conf for a Fluent Bit DaemonSet you run (docs/OBSERVABILITY.md#logs), whose outputs decide where logs go. @default - loggingOperator',
    })),
    elasticsearch: Opt(Search('Elasticsearch')),
    opensearch: Opt(Search('OpenSearch')),
    loki: Opt(Obj({
      url: Type.String({ pattern: '^https?://[^\\s/?#]+/?$', description: 'Loki base URL, e.g. http://loki-gateway.logging.svc (https:// turns TLS on).' }),
      tenant: Opt(Type.String({ pattern: '^[A-Za-z0-9!._*\'()-]{1,150}$', description: 'X-Scope-OrgID tenant. @default - none (single-tenant Loki)' })),
      credentialsSecret: Opt(DnsLabel('Secret in the spec namespace whose keys `username` and `password` hold basic-auth credentials.', 253)),
      tls: Opt(Tls),
    }, { description: 'Ship to Grafana Loki (Logging Operator Output `loki`); streams are labelled namespace, pod, container, level, instance and runtime.' })),
    loggingRef: Opt(Type.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 253, description: 'The Logging resource (spec.loggingRef) whose Fluentd runs the Flow, when a cluster has several. @default - the default Logging' })),
    flushIntervalSeconds: Opt(Type.Integer({ minimum: 1, maximum: 300, description: 'How long the last lines of a multi-line record wait for more before they are shipped (concat flush_interval, Fluent Bit flush_timeout). @default - 5' })),
  }, { description: 'Collect the server container logs, one record per log entry (stack traces kept whole), parsed into level, time, source, message and model. @default - not collected by this package' })),
};
