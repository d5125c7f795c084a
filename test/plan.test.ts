/** `model-serving plan`: the capacity arithmetic and the command's output and exit codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { capacityPlan, gpuQuotaCheck, surgePods } from '../lib/plan';
import { tritonDoc } from './support/synth';
import { runCli as run } from './support/cli';

const dir = mkdtempSync(join(tmpdir(), 'ms-plan-'));
function specFile(name: string, doc: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return f;
}

const cases: { peak: number; replica: number; u?: number; min?: number; peakReplicas: number; max: number; target: number }[] = [
  { peak: 1200, replica: 500, peakReplicas: 4, max: 4, target: 350 },
  // 500 x 0.7 is 349.99999999999994 in floating point: 350 / it must still be 1 replica
  { peak: 350, replica: 500, peakReplicas: 1, max: 2, target: 350 },
  { peak: 1000, replica: 100, u: 1, peakReplicas: 10, max: 10, target: 100 },
  { peak: 1001, replica: 100, u: 1, peakReplicas: 11, max: 11, target: 100 },
  { peak: 90, replica: 40, u: 0.75, min: 1, peakReplicas: 3, max: 3, target: 30 },
  { peak: 100, replica: 400, u: 0.5, min: 5, peakReplicas: 1, max: 5, target: 200 },
];
for (const c of cases) {
  test(`plans ${c.peak} req/s at ${c.replica} req/s per replica and ${c.u ?? 0.7} utilization as ${c.peakReplicas} replicas at peak`, () => {
    const p = capacityPlan({ peakRps: c.peak, replicaRps: c.replica, targetUtilization: c.u, specMinReplicas: c.min });
    assert.equal(p.peakReplicas, c.peakReplicas);
    assert.equal(p.maxReplicas, c.max);
    assert.equal(p.minReplicas, c.min ?? 2);
    assert.equal(p.minReplicasFrom, c.min === undefined ? 'default' : 'spec');
    assert.equal(p.perReplicaTarget, c.target);
    assert.equal(p.inFlight, undefined);
  });
}

test('estimates requests in flight by Little\'s law: peak rate times latency', () => {
  const p = capacityPlan({ peakRps: 1200, replicaRps: 500, p95LatencyMs: 45 });
  assert.equal(p.inFlight, 54);
  assert.equal(p.inFlightPerReplica, 13.5);
  assert.equal(capacityPlan({ peakRps: 333, replicaRps: 100, p95LatencyMs: 47 }).inFlight, 15.651);
});

test('refuses non-positive rates and a utilization outside (0, 1]', () => {
  assert.throws(() => capacityPlan({ peakRps: 0, replicaRps: 10 }), { message: 'peakRps must be a number > 0 (got 0)' });
  assert.throws(() => capacityPlan({ peakRps: 10, replicaRps: -1 }), { message: 'replicaRps must be a number > 0 (got -1)' });
  assert.throws(() => capacityPlan({ peakRps: 10, replicaRps: 10, targetUtilization: 1.5 }), { message: 'targetUtilization must be in (0, 1] (got 1.5)' });
});

test('a surge percentage rounds up, as Kubernetes rounds maxSurge', () => {
  assert.equal(surgePods('25%', 9), 3);
  assert.equal(surgePods('10%', 4), 1);
  assert.equal(surgePods(2, 9), 2);
  assert.equal(surgePods(0, 9), 0);
});

test('checks steady state, a rolling surge and blue-green against the GPU quota', () => {
  const g = gpuQuotaCheck(4, 2, 12, '25%');
  assert.deepEqual(g.steady, { pods: 4, gpus: 8, fits: true });
  assert.deepEqual(g.rollingUpdate, { pods: 5, gpus: 10, fits: true, surgePods: 1 });
  assert.deepEqual(g.blueGreen, { pods: 8, gpus: 16, fits: false });
  assert.deepEqual(g.maxReplicasThatFit, { steady: 6, blueGreen: 3 });
});

const hpaSpec = tritonDoc({ autoscaling: { minReplicas: 2, maxReplicas: 3, targetCPUUtilizationPercent: 70 } }, { name: 'vision' });

test('plan prints the arithmetic, the quota check and the spec.autoscaling block', () => {
  const r = run(['plan', specFile('vision.json', hpaSpec), '--peak-rps', '1200', '--replica-rps', '500', '--p95-latency-ms', '45', '--gpu-quota', '7']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.split('\n');
  assert.ok(lines.includes('Capacity plan for vision (runtime triton, 1 GPU per pod)'), r.out);
  assert.ok(lines.includes('  replicas at peak   ceil(1200 / 350) = 4'), r.out);
  assert.ok(lines.includes('  minReplicas        2  (spec.autoscaling.minReplicas)'), r.out);
  assert.ok(lines.includes('  note: spec.autoscaling.maxReplicas is 3; the peak needs 4'), r.out);
  assert.match(r.out, /in flight at peak {2}1200 req\/s x 0\.045 s = 54 requests, 13\.5 per replica \(concurrency, not pods/);
  assert.match(r.out, /maxReplicas \(4 pods\) +4 GPUs {2}fits/);
  assert.match(r.out, /blue-green, two full tracks \(8 pods\) +8 GPUs {2}does NOT fit/);
  const block = r.out.slice(r.out.indexOf('spec.autoscaling for this plan (under spec:):\n') + 46);
  assert.deepEqual(parse(block), {
    autoscaling: { engine: 'hpa', minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercent: 70, targetInferencesPerSecondPerPod: 350 },
  });
});

test('plan --json prints minReplicas, maxReplicas and inFlight', () => {
  const f = specFile('vision-json.json', hpaSpec);
  const r = run(['plan', f, '--peak-rps', '1200', '--replica-rps', '500', '--target-utilization', '0.6', '--p95-latency-ms', '80', '--json']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), { minReplicas: 2, maxReplicas: 4, inFlight: 96 });
  const noLatency = run(['plan', f, '--peak-rps', '100', '--replica-rps', '500', '--json']);
  assert.deepEqual(JSON.parse(noLatency.out), { minReplicas: 2, maxReplicas: 2, inFlight: null });
});

test('plan --json with --gpu-quota adds the quota check', () => {
  const r = run(['plan', specFile('vision-q.json', hpaSpec), '--peak-rps', '1200', '--replica-rps', '500', '--gpu-quota', '6', '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual(j.gpuQuota.blueGreen, { pods: 8, gpus: 8, fits: false });
  assert.deepEqual(j.gpuQuota.rollingUpdate, { pods: 4, gpus: 4, fits: true, surgePods: 0 });
});

test('plan of a KEDA spec suggests the threshold per replica and keeps the server address', () => {
  const doc = tritonDoc({ autoscaling: { engine: 'keda', maxReplicas: 3, keda: { serverAddress: 'http://prometheus.monitoring:9090', threshold: 100 } } });
  const r = run(['plan', specFile('keda.json', doc), '--peak-rps', '900', '--replica-rps', '300', '--target-utilization', '0.5']);
  assert.equal(r.code, 0, r.err);
  const block = parse(r.out.slice(r.out.indexOf('spec.autoscaling for this plan (under spec:):\n') + 46));
  assert.deepEqual(block.autoscaling, { engine: 'keda', minReplicas: 2, maxReplicas: 6, keda: { serverAddress: 'http://prometheus.monitoring:9090', threshold: 150 } });
});

const usage: [string, string[], string][] = [
  ['a missing --peak-rps', ['--replica-rps', '10'], 'plan needs --peak-rps R (peak requests per second)'],
  ['a missing --replica-rps', ['--peak-rps', '10'], 'plan needs --replica-rps T (requests per second one replica sustains)'],
  ['a non-numeric rate', ['--peak-rps', 'lots', '--replica-rps', '10'], '--peak-rps must be a number > 0 (got "lots")'],
  ['a zero rate', ['--peak-rps', '10', '--replica-rps', '0'], '--replica-rps must be a number > 0 (got "0")'],
  ['a utilization given in percent', ['--peak-rps', '10', '--replica-rps', '10', '--target-utilization', '70'], '--target-utilization must be a fraction in (0, 1], e.g. 0.7 (got "70")'],
  ['a fractional GPU quota', ['--peak-rps', '10', '--replica-rps', '10', '--gpu-quota', '2.5'], '--gpu-quota must be a whole number >= 0 (got "2.5")'],
];
for (const [what, flags, message] of usage) {
  test(`plan exits 2 on ${what}`, () => {
    const r = run(['plan', specFile('u.json', hpaSpec), ...flags]);
    assert.equal(r.code, 2);
    assert.equal(r.err, `model-serving plan: ${message}\nRun 'model-serving plan --help'.\n`);
  });
}

test('plan exits 2 when --gpu-quota is given for a spec without GPUs', () => {
  const f = specFile('cpu.json', tritonDoc({ resources: { cpu: { request: '2', limit: '4' } } }, { name: 'cpu-only' }));
  const r = run(['plan', f, '--peak-rps', '10', '--replica-rps', '10', '--gpu-quota', '4']);
  assert.equal(r.code, 2);
  assert.equal(r.err, "model-serving plan: --gpu-quota does not apply: spec cpu-only requests no GPU (spec.resources.gpu is not set)\nRun 'model-serving plan --help'.\n");
});

test('plan exits 2 for a file with several specs', () => {
  const f = specFile('two.yaml', `${JSON.stringify(tritonDoc({}, { name: 'a' }))}\n---\n${JSON.stringify(tritonDoc({}, { name: 'b' }))}\n`);
  const r = run(['plan', f, '--peak-rps', '10', '--replica-rps', '10']);
  assert.equal(r.code, 2);
  assert.equal(r.err, `model-serving plan: ${f} holds 2 specs (a, b); plan reads a file with one\nRun 'model-serving plan --help'.\n`);
});

test('plan exits 1 with file and field for an invalid spec', () => {
  const f = specFile('bad.json', tritonDoc({ autoscaling: { minReplicas: 11, maxReplicas: 10 } }));
  const r = run(['plan', f, '--peak-rps', '10', '--replica-rps', '10']);
  assert.equal(r.code, 1);
  assert.equal(r.err, `${f}: spec.autoscaling.minReplicas: (11) must be <= spec.autoscaling.maxReplicas (10)\n`);
});

test('plan --help explains the formula and the command is listed in the main help', () => {
  const r = run(['plan', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /replicas at peak = ceil\(R \/ \(T x utilization\)\)/);
  assert.match(run(['--help']).out, /model-serving plan FILE --peak-rps R --replica-rps T/);
});
