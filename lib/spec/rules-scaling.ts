/** Rules between the autoscaling fields, and between the HPA and the VPA. */
import type { ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';
import { parseQuantity } from './quantity';
import { getRuntime, RUNTIME_REGISTRY } from '../runtimes/registry';
import type { RuntimeMetrics } from '../runtimes/types';
import { promqlProblems } from '../promql/promql';

/** The HPA compares custom metrics in thousandths: a smaller target would be 0. */
export const MIN_METRIC_TARGET = 0.001;

/** Runtimes (from the registry) that expose a scaling signal. */
function runtimesWith(signal: keyof RuntimeMetrics): string {
  return RUNTIME_REGISTRY.filter((r) => r.metrics[signal] !== undefined).map((r) => r.name).join(', ') || 'none';
}

/** The CPU utilization target the HPA uses: the spec's, or 80 (Kubernetes' own default) when no target is set. */
export function hpaCpuTarget(spec: ModelServingSpec): number | undefined {
  const a = spec.autoscaling;
  if (!a || (a.engine ?? 'hpa') !== 'hpa') return undefined;
  if (a.targetCPUUtilizationPercent !== undefined) return a.targetCPUUtilizationPercent;
  const custom = a.targetInferencesPerSecondPerPod ?? a.targetQueueTimeMilliseconds ?? a.targetPendingRequestsPerPod ?? a.targetKvCacheUtilization;
  // scale to zero behind an inference pool scales on the endpoint picker's requests (lib/constructs/llm-scaling.ts)
  const picker = spec.inferencePool !== undefined && (a.minReplicas ?? 1) === 0;
  return custom === undefined && !picker ? 80 : undefined;
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
      // behind an inference pool the HPA scales from zero on the endpoint picker (Kubernetes 1.37+: lib/spec/rules-kube.ts)
      if (min === 0 && !spec.inferencePool) list.add('spec.autoscaling.minReplicas', 'an HPA cannot scale to 0 (use engine keda to scale to zero)');
    } else {
      if (!a.keda) list.add('spec.autoscaling.keda', 'is required for engine keda (serverAddress and threshold)');
      else {
        if (a.keda.serverAddress === undefined) list.add('spec.autoscaling.keda.serverAddress', 'is required for engine keda (the Prometheus URL)');
        if (a.keda.threshold === undefined) list.add('spec.autoscaling.keda.threshold', 'is required for engine keda (target value per replica)');
      }
      // targetPendingRequestsPerPod and targetKvCacheUtilization become prometheus triggers (lib/constructs/llm-scaling.ts)
      for (const f of ['targetCPUUtilizationPercent', 'targetInferencesPerSecondPerPod', 'targetQueueTimeMilliseconds', 'behavior'] as const) {
        if (a[f] !== undefined) list.add(`spec.autoscaling.${f}`, 'applies to engine hpa only (engine keda scales on spec.autoscaling.keda.query)');
      }
    }
    const metrics = getRuntime(spec.runtime).metrics;
    if (a.targetQueueTimeMilliseconds !== undefined && !metrics.queueTimeCounters) {
      list.add('spec.autoscaling.targetQueueTimeMilliseconds', `needs a per-request queue-time metric, which runtime ${spec.runtime} does not expose (runtimes that do: ${runtimesWith('queueTimeCounters')})`);
    }
    if (a.targetPendingRequestsPerPod !== undefined && !metrics.pendingGauge) {
      list.add('spec.autoscaling.targetPendingRequestsPerPod', `needs a waiting-requests gauge, which runtime ${spec.runtime} does not expose (runtimes that do: ${runtimesWith('pendingGauge')})`);
    }
    for (const f of ['targetInferencesPerSecondPerPod', 'targetQueueTimeMilliseconds', 'targetPendingRequestsPerPod'] as const) {
      const t = a[f];
      if (t !== undefined && t < MIN_METRIC_TARGET) {
        list.add(`spec.autoscaling.${f}`, `(${t}) must be at least ${MIN_METRIC_TARGET}: the HPA compares custom metrics in thousandths`);
      }
    }
    const query = (a.keda?.query ?? '').trim();
    if (query !== '') {
      for (const m of promqlProblems(query)) list.add('spec.autoscaling.keda.query', `is not valid PromQL: ${m}`);
    }
    if (engine === 'keda' && min === 0 && query === '' && !spec.inferencePool) {
      list.add('spec.autoscaling.minReplicas', '0 needs spec.autoscaling.keda.query: the default query reads the server\'s own request counter, ' +
        'which has no samples while no pod runs, so KEDA would never scale up from zero (query a signal that exists without pods, ' +
        'e.g. the ingress controller\'s request rate)');
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
