/**
 * Size limits the API server enforces on what we synthesize, checked before anything is written: a spec
 * with thousands of models would otherwise produce a ConfigMap that `kubectl apply` refuses.
 * ConfigMap: the bytes of `data` and `binaryData` together at most 1 MiB (kubernetes pkg/apis/core/validation
 * ValidateConfigMap, `totalSize > core.MaxSecretSize`; MaxSecretSize = 1 MiB).
 */
import type { SpecIssue } from '../spec/errors';

/** Largest ConfigMap payload the API server accepts (core.MaxSecretSize). */
export const MAX_CONFIGMAP_BYTES = 1024 * 1024;

/** Issues for synthesized objects over an API server limit (`spec` names the spec in the message). */
export function objectLimitIssues(spec: string, objects: readonly Record<string, any>[]): SpecIssue[] {
  const issues: SpecIssue[] = [];
  for (const o of objects) {
    if (o.kind !== 'ConfigMap') continue;
    let bytes = 0;
    for (const v of Object.values<string>(o.data ?? {})) bytes += Buffer.byteLength(v, 'utf8');
    for (const v of Object.values<string>(o.binaryData ?? {})) bytes += Buffer.from(v, 'base64').length;
    if (bytes > MAX_CONFIGMAP_BYTES) {
      issues.push({
        path: 'spec.models',
        message: `spec ${spec}: the ConfigMap ${o.metadata?.name} would hold ${bytes} bytes of data, and Kubernetes refuses a ConfigMap over ${MAX_CONFIGMAP_BYTES} bytes (1 MiB): split the models over several specs`,
      });
    }
  }
  return issues;
}
