/**
 * The endpoint picker of one InferencePool (llm-d/llm-d-router v0.10.0, `cmd/epp`): the gRPC ext_proc server the
 * Gateway asks which pod should take each request. Objects: ServiceAccount, Role + RoleBinding (read pods and the
 * pool; leases and events for leader election with more than one replica), its EndpointPickerConfig in a ConfigMap,
 * the Deployment and the Service. Flags, ports, RBAC and plugin names: docs/LLM.md.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { stringify } from 'yaml';
import { Kube } from '../k8s/object';
import type { ServingContext } from '../model/context';
import { INFERENCE_POOL_GROUP } from '../k8s/inference-pool';
import { EPP_CONFIG_API_VERSION, EPP_CONFIG_KIND, EndpointPickerConfig } from '../k8s/endpoint-picker-config';
import { strictContainerSecurity } from '../model/security';
import { configHash } from './pod';
import { HELPER_IMAGES } from '../runtimes/images';

/** The picker image when spec.inferencePool.picker.image is unset (llm-d-router release v0.10.0, `.github/workflows/ci-release.yaml`). */
export const PICKER_IMAGE = HELPER_IMAGES.endpointPicker.image;
/** Ports (`pkg/epp/server/options.go` defaults): ext_proc gRPC, gRPC health, Prometheus metrics. */
export const PICKER_PORTS = { grpc: 9002, health: 9003, metrics: 9090 } as const;
/** The image's user (`Dockerfile.epp`: USER 65532:65532). */
export const PICKER_USER = 65532;
/** Where the ConfigMap with the EndpointPickerConfig is mounted, and its key. */
const CONFIG_DIR = '/etc/endpoint-picker';
const CONFIG_KEY = 'endpoint-picker-config.yaml';
/** Memory for the picker; held requests (bodies included) are capped at half of it (docs/operations.md: keep maxBytes under the limit). */
const PICKER_MEMORY = '4Gi';
export const PICKER_HELD_BYTES = '2Gi';
/** Scorer weights of the picker's own default profile (`pkg/epp/config/loader/defaults.go` loadDefaultConfig). */
export const SCORER_WEIGHTS = { queue: 2, kvCache: 2, prefixCache: 3, loraAffinity: 1 } as const;

/** Labels of the picker pods: never those of the model pods (their Services, NetworkPolicy and PDB must not select it). */
export function pickerSelector(ctx: ServingContext, pool: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'endpoint-picker', 'app.kubernetes.io/instance': ctx.name, 'model-serving/pool': pool };
}

/**
 * The picker's configuration for a vLLM pool: the scorers of the picker's own default profile (queue depth, KV-cache
 * utilization, prefix cache; plus LoRA affinity when the model has adapters), max-score picking, one profile, and
 * flow control holding requests for `holdSeconds` (the queue is the scale-from-zero waiting room:
 * `pkg/epp/flowcontrol/README.md`). The data layer (metrics-data-source + core-metrics-extractor, reading vLLM's
 * /metrics on the pool's target port) is injected by the picker itself.
 */
export function endpointPickerConfig(holdSeconds: number, withAdapters: boolean): EndpointPickerConfig {
  const scorers = [
    { type: 'queue-scorer', weight: SCORER_WEIGHTS.queue },
    { type: 'kv-cache-utilization-scorer', weight: SCORER_WEIGHTS.kvCache },
    { type: 'prefix-cache-scorer', weight: SCORER_WEIGHTS.prefixCache },
    ...(withAdapters ? [{ type: 'lora-affinity-scorer', weight: SCORER_WEIGHTS.loraAffinity }] : []),
  ];
  return {
    apiVersion: EPP_CONFIG_API_VERSION,
    kind: EPP_CONFIG_KIND,
    featureGates: ['flowControl'],
    plugins: [...scorers.map((s) => ({ type: s.type })), { type: 'max-score-picker' }, { type: 'single-profile-handler' }],
    schedulingProfiles: [{
      name: 'default',
      plugins: [...scorers.map((s) => ({ pluginRef: s.type, weight: s.weight })), { pluginRef: 'max-score-picker' }],
    }],
    flowControl: { defaultRequestTTL: `${holdSeconds}s`, maxBytes: PICKER_HELD_BYTES },
  };
}

/** The picker's arguments (flags of `pkg/epp/server/options.go`; `--zap-encoder` from controller-runtime's zap options). */
export function pickerArgs(ctx: ServingContext, pool: string, replicas: number): string[] {
  return [
    '--pool-name', pool,
    '--pool-namespace', ctx.namespace,
    '--pool-group', INFERENCE_POOL_GROUP,
    '--config-file', `${CONFIG_DIR}/${CONFIG_KEY}`,
    `--grpc-port=${PICKER_PORTS.grpc}`,
    `--grpc-health-port=${PICKER_PORTS.health}`,
    `--metrics-port=${PICKER_PORTS.metrics}`,
    // TLS on the ext_proc port with a self-signed certificate (the default), or plaintext gRPC for Gateways that
    // speak it (docs/LLM.md, "TLS between the Gateway and the picker")
    `--secure-serving=${ctx.spec.inferencePool?.picker?.secureServing ?? true}`,
    // the metrics endpoint would otherwise ask the API server to authorize each scrape (a ClusterRole for
    // tokenreviews and subjectaccessreviews): the NetworkPolicy admits only the monitoring namespaces instead
    '--metrics-endpoint-auth=false',
    // on by default: an OTLP exporter with no collector, and pprof handlers on the metrics port
    '--tracing=false',
    '--enable-pprof=false',
    '--zap-encoder=json',
    ...(replicas > 1 ? ['--ha-enable-leader-election'] : []),
  ];
}

export interface EndpointPickerProps {
  readonly context: ServingContext;
  /** The InferencePool this picker serves (one picker per pool). */
  readonly pool: string;
  /** Seconds a request may wait in the picker's queue. */
  readonly holdSeconds: number;
}

/**
 * One pool's picker, every object named `<pool>-epp`. Construct IDs: `ServiceAccount`, `Role`, `RoleBinding`,
 * `Config`, `Deployment`, `Service`.
 */
export class EndpointPicker extends Construct {
  readonly name: string;

  constructor(scope: Construct, id: string, props: EndpointPickerProps) {
    super(scope, id);
    const { context: ctx, pool } = props;
    const p = ctx.spec.inferencePool!;
    const name = (this.name = `${pool}-epp`);
    const replicas = p.picker?.replicas ?? 1;
    const meta = (n: string) => ctx.metadata(n, 'endpoint-picker', { 'app.kubernetes.io/name': 'endpoint-picker', 'model-serving/pool': pool });
    const selector = pickerSelector(ctx, pool);

    // the token is mounted explicitly (below), in this pod only: nothing else using the account gets one
    Kube.ServiceAccount(this, 'ServiceAccount', { metadata: meta(name), automountServiceAccountToken: false });
    // what the picker reads, all through its controller-runtime cache (list + watch; `pkg/epp/server/controller_manager.go`,
    // every reader is mgr.GetClient()): pods of the namespace, its InferencePool, and InferenceObjective /
    // InferenceModelRewrite where their CRDs exist: discovery at start prefers `llm-d.ai` and falls back to the legacy
    // `inference.networking.x-k8s.io` group when only its CRDs exist (`pkg/epp/server/controller_config.go`,
    // `supportedInferenceAPIGVs`), so both groups are granted, as upstream's chart does
    // (`config/charts/llm-d-router-gateway/templates/rbac.yaml`). Leader election (client-go LeaseLock: get,
    // create, update) and its events (create, patch) only with more than one replica.
    const read = ['list', 'watch'];
    const rules: k8s.PolicyRule[] = [
      { apiGroups: [''], resources: ['pods'], verbs: read },
      { apiGroups: [INFERENCE_POOL_GROUP], resources: ['inferencepools'], verbs: read },
      { apiGroups: ['llm-d.ai'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: read },
      { apiGroups: ['inference.networking.x-k8s.io'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: read },
      ...(replicas > 1 ? [
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      ] : []),
    ];
    new KubeRbac(this, meta(name), rules, name, ctx.namespace);

    const config = stringify(endpointPickerConfig(props.holdSeconds, (ctx.spec.models[0]?.adapters?.length ?? 0) > 0));
    Kube.ConfigMap(this, 'Config', { metadata: meta(name), data: { [CONFIG_KEY]: config } });

    const grace = ctx.spec.terminationGracePeriodSeconds ?? 60;
    const q = (v: string) => k8s.Quantity.fromString(v);
    Kube.Deployment(this, 'Deployment', {
      metadata: meta(name),
      spec: {
        replicas,
        selector: { matchLabels: selector },
        // one replica: surge a new picker before the old one stops (no gap); several: Recreate, as upstream's chart
        // does with leader election (`config/charts/routerlib/templates/_deployment.yaml`)
        strategy: replicas > 1
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', rollingUpdate: { maxSurge: k8s.IntOrString.fromNumber(1), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        revisionHistoryLimit: 5,
        template: {
          metadata: { labels: { ...selector }, annotations: { 'model-serving/config-hash': configHash({ [CONFIG_KEY]: config }) } },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: {
              runAsNonRoot: true, runAsUser: PICKER_USER, runAsGroup: PICKER_USER, fsGroup: PICKER_USER,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            // the picker keeps serving ext_proc for --drain-timeout (30s) after SIGTERM
            terminationGracePeriodSeconds: Math.max(grace, 45),
            containers: [{
              name: 'epp',
              image: p.picker?.image ?? PICKER_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              args: pickerArgs(ctx, pool, replicas),
              env: [
                { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              ports: [
                { name: 'grpc', containerPort: PICKER_PORTS.grpc, protocol: 'TCP' },
                { name: 'grpc-health', containerPort: PICKER_PORTS.health, protocol: 'TCP' },
                { name: 'metrics', containerPort: PICKER_PORTS.metrics, protocol: 'TCP' },
              ],
              // gRPC health services of `cmd/epp/runner/health.go`: liveness never fails on a standby replica
              livenessProbe: { grpc: { port: PICKER_PORTS.health, service: 'liveness' }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
              readinessProbe: { grpc: { port: PICKER_PORTS.health, service: 'readiness' }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 3 },
              resources: {
                requests: { cpu: q('1'), memory: q(PICKER_MEMORY) },
                limits: { cpu: q('4'), memory: q(PICKER_MEMORY) },
              },
              securityContext: strictContainerSecurity(),
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'kube-api-access', mountPath: SA_DIR, readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
              ],
              terminationMessagePolicy: 'FallbackToLogsOnError',
            }],
            volumes: [
              { name: 'config', configMap: { name } },
              { name: 'tmp', emptyDir: { sizeLimit: q('64Mi') } },
              kubeApiAccess(),
            ],
          },
        },
      },
    });

    Kube.Service(this, 'Service', {
      metadata: meta(name),
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          // the Gateway speaks HTTP/2 (gRPC) to the picker (upstream chart: appProtocol kubernetes.io/h2c)
          { name: 'grpc-ext-proc', port: PICKER_PORTS.grpc, targetPort: k8s.IntOrString.fromString('grpc'), protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
          { name: 'metrics', port: PICKER_PORTS.metrics, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' },
        ],
      },
    });
  }
}

/** Where client-go's in-cluster configuration reads the token, CA and namespace. */
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The API credentials client-go's in-cluster configuration reads, as the kubelet mounts them with
 * automountServiceAccountToken, written out: a bound, expiring token the kubelet rotates (client-go rereads it) and
 * the cluster CA. (The picker gets its namespace from --pool-namespace and NAMESPACE, not from a file.)
 */
function kubeApiAccess() {
  return {
    name: 'kube-api-access',
    projected: {
      defaultMode: 0o444,
      sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      ],
    },
  };
}

/** The picker's Role and RoleBinding (construct IDs `Role`, `RoleBinding`), both named like the picker. */
class KubeRbac extends Construct {
  constructor(scope: Construct, metadata: { name: string; namespace: string }, rules: k8s.PolicyRule[], sa: string, namespace: string) {
    super(scope, 'Rbac');
    Kube.Role(this, 'Role', { metadata, rules });
    Kube.RoleBinding(this, 'RoleBinding', {
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: metadata.name },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
    });
  }
}
