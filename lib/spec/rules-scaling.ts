/** Rules between the autoscaling fields, and between the HPA and the VPA. */
import type { ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';
import { parseQuantity } from './quantity';

/** The CPU utilization target the HPA uses: the spec's, or 80 (Kubernetes' own default) when no target is set. */
export function hpaCpuTarget(spec: ModelServingSpec): number | undefined {
  const a = spec.autoscaling;
  if (!a || (a.engine ?? 'hpa') !== 'hpa') return undefined;
  if (a.targetCPUUtilizationPercent !== undefined) return a.targetCPUUtilizationPercent;
  const custom = a.targetInferencesPerSecondPerPod ?? a.targetQueueTimeMilliseconds ?? a.targetPendingRequestsPerPod;
  return custom === undefined ? 80 : undefined;
}

export function checkScaling(list: IssueList, spec: ModelServingSpec): void {
  const a = spec.autoscaling;
  if (a) {
    const engine = a.engine ?? 'hpa';
    const min = a.minReplicas ?? 1;
    if (min > a.maxReplicas) {
      list.add('spec.autoscaling.minReplicas', `(${min}) must be <= spec.autoscaling.maxReplicas (${a.maxReplicas})`);
    }
    if (engine === 'hpa') {
      if (a.keda) list.add('spec.autoscaling.keda', 'applies to engine keda only (engine is hpa)');
      if (min === 0) list.add('spec.autoscaling.minReplicas', 'an HPA cannot scale to 0 (use engine keda to scale to zero)');
    } else {
      if (!a.keda) list.add('spec.autoscaling.keda', 'is required for engine keda (serverAddress and threshold)');
      else {
        if (a.keda.serverAddress === undefined) list.add('spec.autoscaling.keda.serverAddress', 'is required for engine keda (the Prometheus URL)');
        if (a.keda.threshold === undefined) list.add('spec.autoscaling.keda.threshold', 'is required for engine keda (target value per replica)');
      }
      for (const f of ['targetCPUUtilizationPercent', 'targetInferencesPerSecondPerPod', 'targetQueueTimeMilliseconds', 'targetPendingRequestsPerPod', 'behavior'] as const) {
        if (a[f] !== undefined) list.add(`spec.autoscaling.${f}`, 'applies to engine hpa only (engine keda scales on spec.autoscaling.keda.query)');
      }
    }
    if (a.targetQueueTimeMilliseconds !== undefined && spec.runtime !== 'triton') {
      list.add('spec.autoscaling.targetQueueTimeMilliseconds', `needs a per-request queue-time metric, which only runtime triton exposes (runtime is ${spec.runtime})`);
    }
    if (a.targetPendingRequestsPerPod !== undefined && !['triton', 'vllm'].includes(spec.runtime)) {
      list.add('spec.autoscaling.targetPendingRequestsPerPod', `needs a waiting-requests gauge, which runtimes triton and vllm expose (runtime is ${spec.runtime})`);
    }
  }
  const v = spec.verticalAutoscaling;
  if (v) {
    const mode = v.updateMode ?? 'Off';
    const controlled = v.controlledResources ?? ['cpu', 'memory'];
    if (mode !== 'Off' && controlled.includes('cpu') && hpaCpuTarget(spec) !== undefined) {
      list.add('spec.verticalAutoscaling',
        `updateMode ${mode} lets the VPA change CPU requests while the HPA scales on CPU utilization; the two fight ` +
        '(VPA docs: do not use both on the same resource metric). Use updateMode: Off, or controlledResources: [memory]');
    }
    for (const r of ['cpu', 'memory'] as const) {
      const lo = v.minAllowed?.[r];
      const hi = v.maxAllowed?.[r];
      if (lo !== undefined && hi !== undefined) {
        const a1 = parseQuantity(lo);
        const b1 = parseQuantity(hi);
        if (a1 !== undefined && b1 !== undefined && a1 > b1) {
          list.add(`spec.verticalAutoscaling.minAllowed.${r}`, `(${lo}) must be <= spec.verticalAutoscaling.maxAllowed.${r} (${hi})`);
        }
      }
    }
  }
}
