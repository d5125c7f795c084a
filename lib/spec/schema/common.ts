/**
 * Building blocks shared by the spec schema. Every object is closed (`additionalProperties: false`)
 * so that a typo such as `autoscalng` is an error with its path, never a silently ignored field.
 */
import { Type, TSchema, TProperties, ObjectOptions, SchemaOptions, FormatRegistry, TLiteral, TUnion } from '@sinclair/typebox';

/** Kubernetes resource quantity (apimachinery `resource.Quantity`). */
export const QUANTITY_PATTERN =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
/** A quantity that is not negative: every quantity in the spec is a size, a count or a request. */
export const NONNEGATIVE_QUANTITY_PATTERN =
  /^\+?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;
/** Largest value of a Kubernetes int32 field (replicas, probe thresholds, ...): larger values are refused by the API server. */
export const INT32_MAX = 2147483647;
/** Largest whole number a JSON/YAML number holds exactly (2^53 - 1); for the int64 fields of the runtimes' configs. */
export const INT64_SAFE_MAX = Number.MAX_SAFE_INTEGER;
/** RFC 1123 label, as used for Kubernetes object names and namespaces. */
export const DNS_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** Prometheus duration, e.g. `15s`, `1m`, `1m30s`. */
export const DURATION_PATTERN = '^(([0-9]+)(ms|s|m|h|d|w|y))+$';
/** Model names: Triton, TF Serving and TorchServe all accept these; they also form ConfigMap keys and URL segments. */
export const MODEL_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$';

FormatRegistry.Set('quantity', (v) => NONNEGATIVE_QUANTITY_PATTERN.test(v));

/** A closed object: unknown properties are refused. */
export function Obj<T extends TProperties>(properties: T, options: ObjectOptions = {}) {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/**
 * A closed choice of strings from a literal tuple (`['a', 'b'] as const`). Its TypeScript type is the union of
 * the literals (`'a' | 'b'`): `Type.Union(values.map(Type.Literal))` would widen every literal to `string`.
 * The JSON Schema shows it as an `enum` (lib/spec/json-schema.ts).
 */
export function Enum<const T extends readonly [string, ...string[]]>(values: T, options: SchemaOptions = {}) {
  const literals = values.map((v) => Type.Literal(v)) as unknown as { -readonly [K in keyof T]: TLiteral<T[K]> };
  return Type.Union(literals as unknown as TSchema[], options) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> } & TSchema[]>;
}

/** An optional property with a description (and its `@default` sentence). */
export function Opt<T extends TSchema>(schema: T) {
  return Type.Optional(schema);
}

/** A string map such as labels or a nodeSelector (values are label values, checked by lib/spec/labels.ts). */
export function StringMap(description: string) {
  return Type.Record(Type.String({ minLength: 1, maxLength: 316 }), Type.String({ maxLength: 65536 }), { description });
}

/**
 * Annotations: Kubernetes bounds only their total per object (256 KiB of keys and values, apimachinery
 * ValidateAnnotationsSize), not one value, so no value length here; the total is a rule (lib/spec/rules-input.ts).
 */
export function AnnotationMap(description: string) {
  return Type.Record(Type.String({ minLength: 1, maxLength: 316 }), Type.String(), { description });
}

/** A Kubernetes quantity, written as a string (`"500m"`, `"8Gi"`) or a plain number (`4`). */
export function Quantity(description: string) {
  return Type.Union([Type.String({ format: 'quantity', pattern: NONNEGATIVE_QUANTITY_PATTERN.source }), Type.Number({ minimum: 0 })], { description });
}

/** A request/limit pair for one resource. */
export function RequestLimit(what: string, defaults: { request: string; limit: string }) {
  return Obj(
    {
      request: Opt(Quantity(`${what} request. @default - ${defaults.request}`)),
      limit: Opt(Quantity(`${what} limit. @default - ${defaults.limit}`)),
    },
    { description: `${what} request and limit; the request must not exceed the limit.` },
  );
}

export const Duration = (description: string, def?: string) =>
  Type.String({ pattern: DURATION_PATTERN, description, ...(def ? { default: def } : {}) });

export const DnsLabel = (description: string, maxLength = 63) =>
  Type.String({ pattern: DNS_LABEL_PATTERN, maxLength, minLength: 1, description });

/** A whole number >= 1 that fits the int32 of the Kubernetes API and the runtimes' configs. */
export const PositiveInt = (description: string) => Type.Integer({ minimum: 1, maximum: INT32_MAX, description });
/** A whole number >= 0 that fits an int32. */
export const NonNegativeInt = (description: string) => Type.Integer({ minimum: 0, maximum: INT32_MAX, description });
/** A whole number for an int64 field (model versions, tensor dims, microseconds, bytes): at most 2^53 - 1, exact in JSON. */
export const Int64 = (minimum: number, description?: string) =>
  Type.Integer({ minimum, maximum: INT64_SAFE_MAX, ...(description ? { description } : {}) });
export const Percent = (description: string) => Type.Number({ minimum: 0, maximum: 100, description });
