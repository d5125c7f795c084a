/** Spec fields about how traffic reaches the pods: Ingress, Gateway API, NetworkPolicy, disruption. */
import { Type } from '@sinclair/typebox';
import { Obj, Opt, DnsLabel, PositiveInt, NonNegativeInt, AnnotationMap, INT32_MAX } from './common';

const IntOrPercent = (description: string) =>
  Type.Union([Type.Integer({ minimum: 0, maximum: INT32_MAX }), Type.String({ pattern: '^[0-9]+%$' })], { description });

/** A DNS host name, optionally with one leading wildcard label (Ingress host, Gateway API Hostname). */
export const HOSTNAME_PATTERN = '^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
/** A URL path prefix: characters ingress-nginx accepts in a Prefix path (strict-validate-path-type). */
export const ROUTE_PATH_PATTERN = '^/[A-Za-z0-9_./-]*$';
/** A DNS-1123 subdomain (IngressClass names, Gateway listener names). */
const SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

const PATH_DEFAULT = 'the runtime\'s inference API paths at their own URLs (Triton /v2/models/<model>/infer, ...; docs/TRAFFIC.md), so several specs can share a host; / means the same';

export const TrafficSchemas = {
  ingress: Opt(Obj({
    host: Type.String({ pattern: HOSTNAME_PATTERN, maxLength: 253, description: 'Host name the Ingress answers.' }),
    path: Opt(Type.String({
      pattern: ROUTE_PATH_PATTERN,
      description: `Path prefix of this spec on the host: the inference API paths are published under it and reach the server with the prefix stripped (ingress-nginx rewrite-target, class nginx only). @default - ${PATH_DEFAULT}`,
    })),
    className: Opt(Type.String({ pattern: SUBDOMAIN_PATTERN, maxLength: 253, description: 'ingressClassName. ingress-nginx annotations (maxBodySize, timeoutSeconds, rateLimitRps, a path prefix, canary weights, streaming defaults) are written only for class nginx; ingress-nginx is retired (prefer spec.gateway). @default - not set: the cluster\'s default IngressClass takes the Ingress, and no ingress-nginx annotation is written' })),
    maxBodySize: Opt(Type.String({ pattern: '^[0-9]+[kKmMgG]?$', description: 'ingress-nginx proxy-body-size, e.g. 50m (larger requests get 413). @default - not set (ingress-nginx default 1m)' })),
    timeoutSeconds: Opt(PositiveInt('ingress-nginx proxy-read-timeout and proxy-send-timeout, in seconds. @default - the runtime\'s route timeout where it has one (vllm: 3600, with proxy-buffering off), else not set (ingress-nginx default 60)')),
    rateLimitRps: Opt(PositiveInt('ingress-nginx limit-rps: requests per second per client IP and controller replica (burst 5x; excess gets 503). @default - no limit')),
    tls: Opt(Obj({ secretName: DnsLabel('TLS Secret (kubernetes.io/tls) for the host.', 253) }, { description: 'Terminate TLS for the host at the Ingress. @default - no TLS section' })),
    annotations: Opt(AnnotationMap('Extra Ingress annotations, copied verbatim (also onto the canary Ingress). They must not set what the fields above generate, nor the ingress-nginx rewrite and canary annotations; the same holds for metadata.annotations, which reach the Ingress too. @default - none')),
  }, { description: 'Expose the inference APIs through an Ingress, for controllers other than a Gateway API implementation (and a canary through a second, ingress-nginx canary Ingress). Needs spec.networkPolicy.allowFromNamespaces (the controller\'s namespace).' })),
  gateway: Opt(Obj({
    parentRef: Obj({
      name: DnsLabel('Gateway name.', 253),
      namespace: Opt(DnsLabel('Gateway namespace (its listener must allow routes from this namespace); the NetworkPolicy admits it. @default - the spec namespace')),
      sectionName: Opt(Type.String({ pattern: SUBDOMAIN_PATTERN, maxLength: 253, description: 'Listener name. @default - every listener of the Gateway' })),
    }, { description: 'The Gateway the HTTPRoute attaches to.' }),
    hostnames: Opt(Type.Array(Type.String({ pattern: HOSTNAME_PATTERN, maxLength: 253 }), {
      minItems: 1, maxItems: 16, uniqueItems: true,
      description: 'HTTPRoute hostnames. @default - [ingress.host] when spec.ingress is set, else the Gateway listener hostnames',
    })),
    path: Opt(Type.String({
      pattern: ROUTE_PATH_PATTERN,
      description: `Path prefix of this spec: the inference API paths are published under it (one rule each, at most 16) and the prefix is stripped with a URLRewrite filter. @default - ingress.path when set, else ${PATH_DEFAULT}`,
    })),
    timeoutSeconds: Opt(Type.Integer({ minimum: 1, maximum: 86400, description: 'HTTPRoute rules[].timeouts.request, in seconds: the whole request, a streamed response included. @default - the runtime\'s route timeout where it has one (vllm: 3600), else not set (the implementation\'s default)' })),
  }, { description: 'Expose the inference APIs through a Gateway API (gateway.networking.k8s.io/v1) HTTPRoute, the default way in; canary weights become backendRef weights.' })),
  networkPolicy: Opt(Obj({
    enabled: Opt(Type.Boolean({ description: 'Emit the NetworkPolicy. @default - true (mode batch: a policy that admits no other pod)' })),
    allowFromNamespaces: Opt(Type.Array(DnsLabel('namespace'), {
      uniqueItems: true,
      description: 'More namespaces (by their kubernetes.io/metadata.name label) allowed to reach the serving ports, besides the spec\'s own and the Gateway\'s; required with spec.ingress (the controller\'s namespace). @default - none: only the spec\'s namespace and the namespace of spec.gateway.parentRef',
    })),
    metricsFromNamespaces: Opt(Type.Array(DnsLabel('namespace'), { uniqueItems: true, description: 'Namespaces allowed to scrape the metrics port. @default - [monitoring]' })),
  }, { description: 'NetworkPolicy on ingress: only the spec\'s namespace, the Gateway\'s and the listed ones reach the serving ports, the monitoring namespaces the metrics port; egress stays open (downloads, DNS). @default - enabled' })),
  disruption: Opt(Obj({
    minAvailable: Opt(IntOrPercent('PodDisruptionBudget minAvailable; a number must be below the replica count (spec.autoscaling.minReplicas under autoscaling); a canary with fewer replicas gets no budget. @default - 1 when more than one replica')),
    maxUnavailable: Opt(IntOrPercent('PodDisruptionBudget maxUnavailable (instead of minAvailable); must not be 0. @default - not set')),
  }, { description: 'PodDisruptionBudget, one per track. @default - minAvailable 1 when the track runs more than one replica, else none' })),
  rollingUpdate: Opt(Obj({
    maxSurge: Opt(IntOrPercent('@default - 0: a rollout needs no extra GPU')),
    maxUnavailable: Opt(IntOrPercent('@default - 1 (with one replica a rollout has downtime: docs/TRAFFIC.md)')),
  }, { description: 'Deployment rolling update.' })),
  topologySpread: Opt(Obj({
    zones: Opt(Type.Boolean({ description: 'Also spread across zones (topology.kubernetes.io/zone). @default - false' })),
    maxSkew: Opt(PositiveInt('@default - 1')),
  }, { description: 'Spread replicas across nodes. @default - across nodes, ScheduleAnyway' })),
  terminationGracePeriodSeconds: Opt(NonNegativeInt('@default - 60 (a 15 s preStop pause, then the server drains)')),
};
