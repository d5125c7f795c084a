/**
 * `model-serving plan FILE --peak-rps R --replica-rps T`: capacity plan for one spec (arithmetic in
 * lib/plan.ts, explained in docs/AUTOSCALING.md). Bad flags exit 2; a bad spec exits 1 with its errors.
 */
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { formatIssues } from '../spec/errors';
import type { ModelServingSpec } from '../spec/schema/spec';
import { capacityPlan, CapacityPlan, DEFAULT_TARGET_UTILIZATION, DEFAULT_MIN_REPLICAS, GpuNeed } from '../plan';
import { Io, UsageError, loadAll, reportIssues } from './common';

export const PLAN_HELP = `Usage: model-serving plan FILE --peak-rps R --replica-rps T [options]

Capacity plan for the spec in FILE:
  replicas at peak = ceil(R / (T x utilization))
  maxReplicas      = the replicas at peak (at least minReplicas)
  minReplicas      = spec.autoscaling.minReplicas, or ${DEFAULT_MIN_REPLICAS} (a pod restart or node drain never leaves no server)
  in flight        = R x latency (Little's law): concurrent requests, not pods
and prints the spec.autoscaling block for it.

Options:
  --peak-rps R               peak requests per second (required)
  --replica-rps T            requests per second one replica sustains within its latency objective,
                             in the unit the runtime's inference counter counts (required)
  --target-utilization U     share of T a replica runs at during the peak, 0 < U <= 1 (default ${DEFAULT_TARGET_UTILIZATION})
  --p95-latency-ms L         latency at peak in ms: estimates requests in flight
  --gpu-quota N              GPUs available: checks maxReplicas, a rolling update and blue-green (two tracks)
  --json                     print {"minReplicas", "maxReplicas", "inFlight"} (and "gpuQuota" with --gpu-quota)
  -h, --help                 this help
`;

/** A flag's number, or a UsageError that names the flag and the value. */
function numberFlag(name: string, raw: string | undefined, rule: 'positive' | 'fraction' | 'count'): number | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim() === '' ? NaN : Number(raw);
  const ok = rule === 'fraction' ? v > 0 && v <= 1 : rule === 'count' ? Number.isInteger(v) && v >= 0 : Number.isFinite(v) && v > 0;
  if (!ok) {
    const want = rule === 'fraction' ? 'a fraction in (0, 1], e.g. 0.7' : rule === 'count' ? 'a whole number >= 0' : 'a number > 0';
    throw new UsageError(`--${name} must be ${want} (got ${JSON.stringify(raw)})`);
  }
  return v;
}

/** The spec.autoscaling block for the plan, keeping the spec's engine, other targets and behavior. */
export function suggestedAutoscaling(spec: ModelServingSpec, plan: CapacityPlan): Record<string, unknown> {
  const a = spec.autoscaling;
  const range = { minReplicas: plan.minReplicas, maxReplicas: plan.maxReplicas };
  if (a?.engine === 'keda') return { engine: 'keda', ...range, keda: { ...a.keda, threshold: plan.perReplicaTarget } };
  return {
    engine: 'hpa',
    ...range,
    ...(a?.targetCPUUtilizationPercent !== undefined ? { targetCPUUtilizationPercent: a.targetCPUUtilizationPercent } : {}),
    targetInferencesPerSecondPerPod: plan.perReplicaTarget,
    ...(a?.targetQueueTimeMilliseconds !== undefined ? { targetQueueTimeMilliseconds: a.targetQueueTimeMilliseconds } : {}),
    ...(a?.targetPendingRequestsPerPod !== undefined ? { targetPendingRequestsPerPod: a.targetPendingRequestsPerPod } : {}),
    ...(a?.behavior !== undefined ? { behavior: a.behavior } : {}),
  };
}

const fmt = (n: number) => String(n);
const fits = (n: GpuNeed) => (n.fits ? 'fits' : 'does NOT fit');

function report(name: string, spec: ModelServingSpec, peakRps: number, replicaRps: number, latencyMs: number | undefined, plan: CapacityPlan): string {
  // with spec.multiNode a replica is a group of pods: the plan counts replicas, and their GPUs
  const gpus = (spec.resources?.gpu?.count ?? 0) * (spec.multiNode?.nodes ?? 1);
  const unit = spec.multiNode ? `group of ${spec.multiNode.nodes} pods` : 'pod';
  const lines = [
    `Capacity plan for ${name} (runtime ${spec.runtime}, ${gpus ? `${gpus} GPU${gpus > 1 ? 's' : ''} per ${unit}` : 'no GPU'})`,
    `  per replica        ${fmt(replicaRps)} req/s x ${fmt(plan.targetUtilization)} utilization = ${fmt(plan.perReplicaTarget)} req/s`,
    `  replicas at peak   ceil(${fmt(peakRps)} / ${fmt(plan.perReplicaTarget)}) = ${plan.peakReplicas}`,
    `  minReplicas        ${plan.minReplicas}  (${plan.minReplicasFrom === 'spec' ? 'spec.autoscaling.minReplicas' : `default: ${DEFAULT_MIN_REPLICAS} replicas, so a pod restart or node drain never leaves no server`})`,
    `  maxReplicas        ${plan.maxReplicas}  (${plan.maxReplicas === plan.peakReplicas ? 'the replicas the peak needs' : 'raised to minReplicas'})`,
  ];
  if (plan.inFlight !== undefined) {
    lines.push(`  in flight at peak  ${fmt(peakRps)} req/s x ${fmt(latencyMs! / 1000)} s = ${fmt(plan.inFlight)} requests, ${fmt(plan.inFlightPerReplica!)} per replica` +
      ' (concurrency, not pods: one pod holds many requests at once unless it serves one at a time)');
  }
  const a = spec.autoscaling;
  if (a && a.maxReplicas < plan.peakReplicas) lines.push(`  note: spec.autoscaling.maxReplicas is ${a.maxReplicas}; the peak needs ${plan.peakReplicas}`);
  if (!a) lines.push(`  note: the spec sets no autoscaling (fixed spec.replicas: ${spec.replicas ?? 1})`);
  if (plan.gpu) {
    const g = plan.gpu;
    const rows: [string, GpuNeed][] = [
      [`maxReplicas (${g.steady.pods} pods)`, g.steady],
      [`rolling update, maxSurge ${g.rollingUpdate.surgePods} (${g.rollingUpdate.pods} pods)`, g.rollingUpdate],
      [`blue-green, two full tracks (${g.blueGreen.pods} pods)`, g.blueGreen],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    lines.push(
      `GPU quota ${g.quota} (${g.gpusPerPod} per pod):`,
      ...rows.map(([label, n]) => `  ${label.padEnd(width)}  ${String(n.gpus).padStart(3)} GPUs  ${fits(n)}`),
      `  largest maxReplicas that fits: ${g.maxReplicasThatFit.steady} (one track), ${g.maxReplicasThatFit.blueGreen} (blue-green)`,
    );
  }
  const block = stringify({ autoscaling: suggestedAutoscaling(spec, plan) }, { version: '1.1', lineWidth: 0 });
  lines.push('spec.autoscaling for this plan (under spec:):', ...block.trimEnd().split('\n').map((l) => `  ${l}`));
  return lines.join('\n') + '\n';
}

/** The `plan` command; returns the exit code. */
export function plan(args: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'peak-rps': { type: 'string' },
      'replica-rps': { type: 'string' },
      'target-utilization': { type: 'string' },
      'p95-latency-ms': { type: 'string' },
      'gpu-quota': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return io.out(PLAN_HELP), 0;
  if (positionals.length > 1) throw new UsageError(`plan reads one FILE (got ${positionals.length}: ${positionals.join(', ')})`);
  const peakRps = numberFlag('peak-rps', values['peak-rps'], 'positive');
  const replicaRps = numberFlag('replica-rps', values['replica-rps'], 'positive');
  const utilization = numberFlag('target-utilization', values['target-utilization'], 'fraction');
  const latencyMs = numberFlag('p95-latency-ms', values['p95-latency-ms'], 'positive');
  const quota = numberFlag('gpu-quota', values['gpu-quota'], 'count');
  if (peakRps === undefined) throw new UsageError('plan needs --peak-rps R (peak requests per second)');
  if (replicaRps === undefined) throw new UsageError('plan needs --replica-rps T (requests per second one replica sustains)');

  const { specs, issues } = loadAll(positionals, io);
  if (issues.length) return reportIssues(issues, io);
  if (specs.length !== 1) {
    throw new UsageError(`${positionals[0]} holds ${specs.length} specs (${specs.map((s) => s.document.metadata.name).join(', ')}); plan reads a file with one`);
  }
  const { document } = specs[0];
  const spec = document.spec;
  const mode = spec.mode ?? 'online';
  if (mode !== 'online') {
    return io.err(formatIssues([{ path: 'spec.mode', message: `capacity planning applies to mode online (mode is ${mode})` }], positionals[0]) + '\n'), 1;
  }
  const gpus = (spec.resources?.gpu?.count ?? 0) * (spec.multiNode?.nodes ?? 1);
  if (quota !== undefined && gpus === 0) {
    throw new UsageError(`--gpu-quota does not apply: spec ${document.metadata.name} requests no GPU (spec.resources.gpu is not set)`);
  }
  const result = capacityPlan({
    peakRps, replicaRps, targetUtilization: utilization, p95LatencyMs: latencyMs,
    specMinReplicas: spec.autoscaling?.minReplicas, gpusPerPod: gpus, gpuQuota: quota, maxSurge: spec.rollingUpdate?.maxSurge ?? 0,
  });
  if (values.json) {
    const g = result.gpu;
    const json = {
      minReplicas: result.minReplicas,
      maxReplicas: result.maxReplicas,
      inFlight: result.inFlight ?? null,
      ...(g ? { gpuQuota: { quota: g.quota, gpusPerPod: g.gpusPerPod, steady: g.steady, rollingUpdate: g.rollingUpdate, blueGreen: g.blueGreen } } : {}),
    };
    io.out(JSON.stringify(json, null, 2) + '\n');
    return 0;
  }
  io.out(report(document.metadata.name, spec, peakRps, replicaRps, latencyMs, result));
  return 0;
}
