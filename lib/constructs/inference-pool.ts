/**
 * Inference-aware routing (docs/LLM.md): for each routed track an InferencePool (inference.networking.k8s.io/v1)
 * selecting the track's model pods on the server's HTTP port, the endpoint picker the pool names, the
 * NetworkPolicies that let the Gateway reach the picker and the picker reach (and scrape) the model pods, and a
 * ServiceMonitor for the pickers' metrics (the scale-from-zero signal). The HTTPRoute targets the pools through
 * {@link inferencePoolBackendRefs}: a canary is a second pool, weighted in the route.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { Kube } from '../k8s/object';
import type { ServingContext } from '../model/context';
import { poolPlans, type PoolPlan } from '../model/pools';
import {
  INFERENCE_POOL_API_VERSION, INFERENCE_POOL_GROUP, INFERENCE_POOL_KIND, InferencePoolSpec, inferencePoolCelProblems,
} from '../k8s/inference-pool';
import { requestHoldSeconds } from '../spec/llm-plan';
import { EndpointPicker, PICKER_PORTS, pickerSelector } from './endpoint-picker';
import {
  networkPolicyEnabled, allowedNamespaces, DEFAULT_METRICS_FROM_NAMESPACES, NAMESPACE_NAME_LABEL,
} from './traffic-policy';
import { DEFAULT_SCRAPE_INTERVAL } from './observability';

/** An HTTPRoute backendRef (gateway.networking.k8s.io/v1) to an InferencePool. */
export interface PoolBackendRef {
  readonly group: typeof INFERENCE_POOL_GROUP;
  readonly kind: typeof INFERENCE_POOL_KIND;
  readonly name: string;
  readonly weight?: number;
}

/**
 * The HTTPRoute's backends when the spec has an inference pool, each with the key of the track its pool selects
 * (the pools, the canary weighted by spec.rollout.weight), else undefined (the route targets the Services).
 */
export function inferencePoolTargets(ctx: ServingContext): { track: string; ref: PoolBackendRef }[] | undefined {
  const pools = poolPlans(ctx);
  if (!pools.length) return undefined;
  const ref = (name: string, weight?: number): PoolBackendRef => ({
    group: INFERENCE_POOL_GROUP, kind: INFERENCE_POOL_KIND, name, ...(weight !== undefined ? { weight } : {}),
  });
  if (pools.length === 1) return [{ track: pools[0].track.key, ref: ref(pools[0].name) }];
  const w = ctx.spec.rollout?.weight ?? 0;
  return pools.map((p) => ({ track: p.track.key, ref: ref(p.name, p.track.role === 'canary' ? w : 100 - w) }));
}

/** The HTTPRoute's backendRefs when the spec has an inference pool, else undefined. */
export function inferencePoolBackendRefs(ctx: ServingContext): PoolBackendRef[] | undefined {
  return inferencePoolTargets(ctx)?.map((t) => t.ref);
}

export interface ModelInferencePoolProps {
  readonly context: ServingContext;
}

/**
 * Construct IDs: `Pool` and `Picker` for the stable pool, `Pool-canary` and `Picker-canary` for a canary,
 * `PickerNetworkPolicy` and `PickerToServers` (NetworkPolicies), `PickerServiceMonitor`.
 */
export class ModelInferencePool extends Construct {
  readonly pools: readonly PoolPlan[];

  constructor(scope: Construct, id: string, props: ModelInferencePoolProps) {
    super(scope, id);
    const ctx = props.context;
    this.pools = poolPlans(ctx);
    const p = ctx.spec.inferencePool!;
    const hold = requestHoldSeconds(ctx.spec, ctx.runtime);
    const http = ctx.runtime.ports.find((x) => x.name === ctx.runtime.httpPortName)!;
    for (const pool of this.pools) {
      const suffix = pool.track.role === 'canary' ? '-canary' : '';
      const spec: InferencePoolSpec = {
        selector: { matchLabels: ctx.servingSelector(pool.track.label) },
        targetPorts: [{ number: http.port }],
        endpointPickerRef: { name: pool.picker, port: { number: PICKER_PORTS.grpc }, failureMode: p.failureMode ?? 'FailClose' },
      };
      const cel = inferencePoolCelProblems(spec);
      if (cel.length) throw new Error(`InferencePool ${ctx.namespace}/${pool.name}: ${cel.join('; ')}`);
      new ApiObject(this, `Pool${suffix}`, {
        apiVersion: INFERENCE_POOL_API_VERSION,
        kind: INFERENCE_POOL_KIND,
        metadata: ctx.metadata(pool.name, 'inference-pool', { 'model-serving/track': pool.track.label }),
        spec,
      });
      new EndpointPicker(this, `Picker${suffix}`, { context: ctx, pool: pool.name, holdSeconds: hold });
    }
    if (networkPolicyEnabled(ctx)) this.networkPolicies(ctx, http.port);
    if (ctx.spec.monitoring?.serviceMonitor !== false) {
      new ApiObject(this, 'PickerServiceMonitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: ctx.metadata(`${ctx.name}-epp`, 'endpoint-picker', { 'app.kubernetes.io/name': 'endpoint-picker' }),
        spec: {
          selector: { matchLabels: { 'app.kubernetes.io/name': 'endpoint-picker', 'app.kubernetes.io/instance': ctx.name } },
          namespaceSelector: { matchNames: [ctx.namespace] },
          endpoints: [{ port: 'metrics', path: '/metrics', interval: ctx.spec.monitoring?.interval ?? DEFAULT_SCRAPE_INTERVAL, scheme: 'http' }],
        },
      });
    }
  }

  private networkPolicies(ctx: ServingContext, httpPort: number): void {
    const np = ctx.spec.networkPolicy ?? {};
    const ns = (names: readonly string[]): k8s.NetworkPolicyPeer => ({
      namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...names] }] },
    });
    const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    const pickers = { matchLabels: { 'app.kubernetes.io/name': 'endpoint-picker', 'app.kubernetes.io/instance': ctx.name } };
    // the Gateway's proxies call the picker (ext_proc); Prometheus scrapes it; the kubelet's probes are not filtered
    Kube.NetworkPolicy(this, 'PickerNetworkPolicy', {
      metadata: ctx.metadata(`${ctx.name}-epp`, 'network-policy'),
      spec: {
        podSelector: pickers,
        policyTypes: ['Ingress'],
        ingress: [
          // the same namespaces as the model's serving ports: its own, the Gateway's and the listed ones
          { from: [ns(allowedNamespaces(ctx))], ports: [tcp(PICKER_PORTS.grpc)] },
          { from: [ns(np.metricsFromNamespaces ?? DEFAULT_METRICS_FROM_NAMESPACES)], ports: [tcp(PICKER_PORTS.metrics)] },
        ],
      },
    });
    // NetworkPolicies add up: this one admits the pickers to the model pods' HTTP port, where they read /metrics
    // (queue, KV cache, LoRA adapters) many times a second
    Kube.NetworkPolicy(this, 'PickerToServers', {
      metadata: ctx.metadata(`${ctx.name}-epp-to-servers`, 'network-policy'),
      spec: {
        podSelector: { matchLabels: ctx.selector() },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: pickers }], ports: [tcp(httpPort)] }],
      },
    });
  }
}

export { pickerSelector, poolPlans };
export type { PoolPlan };
