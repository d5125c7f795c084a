/**
 * Triton's OpenTelemetry tracing (triton-inference-server/server docs/user_guide/trace.md and src/tracer.cc at the
 * pinned release): `--trace-config mode=opentelemetry` exports over OTLP/HTTP only, to `opentelemetry,url=`;
 * nothing is traced unless `level` is TIMESTAMPS (its default is OFF); `rate=N` traces every N-th request
 * (requests that carry a propagated context are always traced); the resource attribute service.name is set by
 * Triton itself (triton-inference-server) unless `opentelemetry,resource=service.name=...` overrides it, and
 * OTEL_RESOURCE_ATTRIBUTES adds the others.
 */
import type { RuntimeContext, RuntimeEnvVar, TracingSettings } from './types';

/** Triton's `rate` for a sampling ratio: trace every round(1 / ratio)-th request. */
export function tritonTraceRate(samplingRatio: number): number {
  return Math.max(1, Math.round(1 / samplingRatio));
}

export function tritonTracing(_ctx: RuntimeContext, t: TracingSettings): { args: string[]; env: RuntimeEnvVar[] } {
  return {
    args: [
      '--trace-config=mode=opentelemetry',
      '--trace-config=level=TIMESTAMPS',
      `--trace-config=rate=${tritonTraceRate(t.samplingRatio)}`,
      '--trace-config=count=-1',
      `--trace-config=opentelemetry,url=${t.endpoint}`,
      `--trace-config=opentelemetry,resource=service.name=${t.serviceName}`,
    ],
    env: [],
  };
}
