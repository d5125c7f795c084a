/**
 * The part of `inference.networking.k8s.io/v1` InferencePool this project writes, as closed interfaces (a typo
 * in an object literal typed with them is a compile error), and the CRD's two CEL rules as code. Written from the
 * upstream CRD (kubernetes-sigs/gateway-api-inference-extension v1.6.0
 * `config/crd/bases/inference.networking.k8s.io_inferencepools.yaml`, Go types `api/v1/inferencepool_types.go`).
 * There is no npm model; tests check every synthesized pool against the full CRD schema and these rules.
 */

export const INFERENCE_POOL_GROUP = 'inference.networking.k8s.io';
export const INFERENCE_POOL_API_VERSION = `${INFERENCE_POOL_GROUP}/v1`;
export const INFERENCE_POOL_KIND = 'InferencePool';

/** spec.endpointPickerRef.failureMode (CRD enum; default FailClose). */
export type EndpointPickerFailureMode = 'FailOpen' | 'FailClose';

/** A port number (CRD: int32, 1-65535). */
export interface PoolPort {
  readonly number: number;
}

/** spec of an InferencePool, as written here. */
export interface InferencePoolSpec {
  /** Pods of the pool, by label, in the pool's namespace (CRD: 1-64 labels). */
  readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
  /** Ports of the model servers on each pod (CRD: 1-8, unique numbers). */
  readonly targetPorts: readonly PoolPort[];
  /** The endpoint picker's Service (kind defaults to Service, so port is required: CEL rule). */
  readonly endpointPickerRef: {
    readonly name: string;
    readonly port: PoolPort;
    readonly failureMode: EndpointPickerFailureMode;
  };
}

/**
 * The CRD's `x-kubernetes-validations`, evaluated on a pool spec: `self.kind != 'Service' || has(self.port)` on
 * endpointPickerRef (kind defaults to Service) and `self.all(p1, self.exists_one(p2, p1.number==p2.number))` on
 * targetPorts. Returns the messages the API server would give, with their field paths.
 */
export function inferencePoolCelProblems(spec: {
  readonly targetPorts?: readonly { readonly number?: number }[];
  readonly endpointPickerRef?: { readonly kind?: string; readonly port?: unknown };
}): string[] {
  const problems: string[] = [];
  const ref = spec.endpointPickerRef;
  if (ref && (ref.kind ?? 'Service') === 'Service' && ref.port === undefined) {
    problems.push("spec.endpointPickerRef: port is required when kind is 'Service' or unspecified (defaults to 'Service')");
  }
  const ports = spec.targetPorts ?? [];
  if (!ports.every((p1) => ports.filter((p2) => p1.number === p2.number).length === 1)) {
    problems.push('spec.targetPorts: port number must be unique');
  }
  return problems;
}
