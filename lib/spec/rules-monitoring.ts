/**
 * Rules of spec.monitoring: a field that cannot take effect is an error with its path, never silently dropped.
 */
import type { ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';
import { getRuntime } from '../runtimes/registry';

export function checkMonitoring(list: IssueList, spec: ModelServingSpec): void {
  const mon = spec.monitoring;
  if (!mon) return;
  const mode = spec.mode ?? 'online';
  if (mode === 'batch') {
    list.add('spec.monitoring', 'applies to modes online and edge (a batch job has no Service to scrape; mode is batch)');
    return;
  }
  if (mon.serviceMonitor === false && mon.interval !== undefined) {
    list.add('spec.monitoring.interval', 'is the ServiceMonitor\'s scrape interval, but spec.monitoring.serviceMonitor is false');
  }
  const alerts = mon.alerts;
  if (!alerts) return;
  if (mon.prometheusRule === false) {
    list.add('spec.monitoring.alerts', 'configures the PrometheusRule, but spec.monitoring.prometheusRule is false');
    return;
  }
  const gpu = (spec.resources?.gpu?.count ?? 0) > 0;
  if (!gpu) {
    if (alerts.minGpuUtilizationPercent !== undefined && alerts.minGpuUtilizationPercent > 0) {
      list.add('spec.monitoring.alerts.minGpuUtilizationPercent', 'needs a GPU (set spec.resources.gpu, or 0 to turn the alert off)');
    }
    if (alerts.maxGpuMemoryPercent !== undefined) {
      list.add('spec.monitoring.alerts.maxGpuMemoryPercent', 'needs a GPU (set spec.resources.gpu)');
    }
  }
  const metrics = getRuntime(spec.runtime).metrics;
  if (alerts.maxQueueTimeSeconds !== undefined && !metrics.queueTimeSeconds) {
    list.add('spec.monitoring.alerts.maxQueueTimeSeconds', `needs a queue-time metric, which runtime ${spec.runtime} does not expose`);
  }
  // LLM servers alert per token: an end-to-end latency grows with the answer's length
  if (metrics.tokenLatency) {
    if (alerts.p95LatencySeconds !== undefined) {
      list.add('spec.monitoring.alerts.p95LatencySeconds', `does not apply to runtime ${spec.runtime}: its latency alerts are per token (set timeToFirstTokenP95Seconds and interTokenLatencyP95Seconds)`);
    }
  } else {
    for (const f of ['timeToFirstTokenP95Seconds', 'interTokenLatencyP95Seconds'] as const) {
      if (alerts[f] !== undefined) list.add(`spec.monitoring.alerts.${f}`, `needs token latency histograms, which runtime ${spec.runtime} does not expose (runtime vllm does)`);
    }
  }
}
