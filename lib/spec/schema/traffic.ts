/** Spec fields about how traffic reaches the pods: Ingress, Gateway API, NetworkPolicy, disruption. */
import { Type } from '@sinclair/typebox';
import { Obj, Opt, DnsLabel, PositiveInt, NonNegativeInt, StringMap } from './common';

const IntOrPercent = (description: string) =>
  Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]+%$' })], { description });

export const TrafficSchemas = {
  ingress: Opt(Obj({
    host: Type.String({ pattern: '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', description: 'Host name the Ingress answers.' }),
    path: Opt(Type.String({ pattern: '^/[A-Za-z0-9_./-]*$', description: 'Path prefix. @default - /' })),
    className: Opt(Type.String({ description: 'ingressClassName. @default - nginx' })),
    maxBodySize: Opt(Type.String({ pattern: '^[0-9]+[kKmMgG]?$', description: 'nginx proxy-body-size, e.g. 50m. @default - not set (nginx default 1m)' })),
    timeoutSeconds: Opt(PositiveInt('nginx proxy-read-timeout and proxy-send-timeout. @default - not set (nginx default 60)')),
    rateLimitRps: Opt(PositiveInt('nginx limit-rps per client IP. @default - no limit')),
    tls: Opt(Obj({ secretName: DnsLabel('TLS Secret for the host.', 253) })),
    annotations: Opt(StringMap('Extra Ingress annotations.')),
  }, { description: 'Expose the HTTP port through an Ingress.' })),
  gateway: Opt(Obj({
    parentRef: Obj({
      name: DnsLabel('Gateway name.', 253),
      namespace: Opt(DnsLabel('Gateway namespace. @default - the spec namespace')),
      sectionName: Opt(Type.String({ description: 'Listener name. @default - all listeners' })),
    }),
    hostnames: Opt(Type.Array(Type.String(), { description: '@default - ingress.host when set, else the Gateway listener hostnames' })),
    path: Opt(Type.String({ pattern: '^/[A-Za-z0-9_./-]*$', description: 'Path prefix. @default - ingress.path, else /' })),
    timeoutSeconds: Opt(PositiveInt('HTTPRoute request timeout. @default - not set')),
  }, { description: 'Expose the HTTP port through a Gateway API HTTPRoute.' })),
  networkPolicy: Opt(Obj({
    enabled: Opt(Type.Boolean({ description: '@default - true' })),
    allowFromNamespaces: Opt(Type.Array(DnsLabel('namespace'), { description: 'Namespaces allowed to reach the serving ports. @default - [ingress-nginx, monitoring]' })),
    metricsFromNamespaces: Opt(Type.Array(DnsLabel('namespace'), { description: 'Namespaces allowed to scrape the metrics port. @default - [monitoring]' })),
  }, { description: 'NetworkPolicy: only these namespaces and pods of the same app reach the pods.' })),
  disruption: Opt(Obj({
    minAvailable: Opt(IntOrPercent('PodDisruptionBudget minAvailable. @default - 1 when more than one replica')),
    maxUnavailable: Opt(IntOrPercent('PodDisruptionBudget maxUnavailable (instead of minAvailable).')),
  }, { description: 'PodDisruptionBudget.' })),
  rollingUpdate: Opt(Obj({
    maxSurge: Opt(IntOrPercent('@default - 0: a rollout needs no extra GPU')),
    maxUnavailable: Opt(IntOrPercent('@default - 1')),
  }, { description: 'Deployment rolling update.' })),
  topologySpread: Opt(Obj({
    zones: Opt(Type.Boolean({ description: 'Also spread across zones (topology.kubernetes.io/zone). @default - false' })),
    maxSkew: Opt(PositiveInt('@default - 1')),
  }, { description: 'Spread replicas across nodes. @default - across nodes, ScheduleAnyway' })),
  terminationGracePeriodSeconds: Opt(NonNegativeInt('@default - 60 (a 15 s preStop pause, then the server drains)')),
};
