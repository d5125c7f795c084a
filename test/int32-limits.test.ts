/**
 * Derived integers at the extreme inputs: every budget the constructs add up (download + startup + scheduling) ends
 * in an int32 field of the API (progressDeadlineSeconds, a probe's failureThreshold), and Pulumi's custom timeouts
 * must parse as a Go duration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { synth, tritonDoc, find, container, K8sObject } from './support/synth';
import { INT32_MAX } from '../lib/spec/schema/common';
import { planResources } from '../lib/pulumi/plan';
import { duration, MAX_DURATION_MINUTES } from '../lib/pulumi/resources';

/** Every number in an object that is no safe integer or is above INT32_MAX, with its path. */
function overflows(o: unknown, path: string, out: string[] = []): string[] {
  if (typeof o === 'number' && (!Number.isSafeInteger(o) || o > INT32_MAX)) out.push(`${path}=${o}`);
  else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) overflows(v, `${path}.${k}`, out);
  return out;
}

const HUGE = '900Pi';
const extremes = (): [string, Record<string, unknown>][] => {
  const vllm = (f: string, patch: (spec: Record<string, any>) => void) => {
    const d = parse(readFileSync(f, 'utf8'));
    patch(d.spec);
    return d;
  };
  return [
    ['startupTimeoutSeconds at its limit plus a download', tritonDoc({ startupTimeoutSeconds: INT32_MAX, repository: { uri: 's3://b/m', modelSize: '1Ti' } })],
    ['a download of a huge modelSize', tritonDoc({ repository: { uri: 's3://b/m', modelSize: HUGE } })],
    ['a Hugging Face download of a huge modelSize', vllm('templates/vllm-keda.yaml', (s) => { s.repository = { ...s.repository, modelSize: HUGE }; })],
    ['startupTimeoutSeconds at its limit on vLLM', vllm('templates/vllm-keda.yaml', (s) => { s.startupTimeoutSeconds = INT32_MAX; })],
    ['a multi-node group at the limit', vllm('templates/vllm-multinode-lws.yaml', (s) => { s.startupTimeoutSeconds = INT32_MAX; })],
    ['batch at the limit', tritonDoc({ mode: 'batch', startupTimeoutSeconds: INT32_MAX, batch: { input: 's3://b/in/', output: 's3://b/out/' }, repository: { uri: 's3://b/m', modelSize: HUGE } })],
    ['edge at the limit', tritonDoc({ mode: 'edge', startupTimeoutSeconds: INT32_MAX, edge: { nodeSelector: { edge: 'true' } } })],
  ];
};

test('no derived integer overflows int32 at the extreme inputs', () => {
  for (const [what, doc] of extremes()) {
    const objs = synth(doc);
    assert.deepEqual(objs.flatMap((o: K8sObject) => overflows(o, `${o.kind}/${o.metadata.name}`)), [], what);
  }
});

test('progressDeadlineSeconds is clamped to INT32_MAX when download + startup + 600 s would exceed it; the startup probe keeps its budget', () => {
  const objs = synth(tritonDoc({ startupTimeoutSeconds: INT32_MAX, repository: { uri: 's3://b/m', modelSize: '1Ti' } }));
  const dep = find(objs, 'Deployment');
  assert.equal(dep.spec.progressDeadlineSeconds, INT32_MAX);
  const probe = container(dep).startupProbe;
  assert.equal(probe.failureThreshold, Math.ceil(INT32_MAX / probe.periodSeconds));
  // a huge download alone: the probe's failureThreshold stays an int32 too
  const hf = parse(readFileSync('templates/vllm-keda.yaml', 'utf8'));
  hf.spec.repository = { ...hf.spec.repository, modelSize: HUGE };
  assert.ok(hf.spec.repository.huggingface, 'the server downloads the model itself');
  assert.equal(container(find(synth(hf), 'Deployment')).startupProbe.failureThreshold, Math.ceil(INT32_MAX / 10));
});

test('Pulumi timeouts stay within what Go\'s time.ParseDuration accepts', () => {
  assert.equal(MAX_DURATION_MINUTES, 153722867);
  assert.equal(duration(1e30), `${MAX_DURATION_MINUTES}m`);
  assert.equal(duration(1200), '20m');
  const plan = planResources([tritonDoc({ startupTimeoutSeconds: INT32_MAX, autoscaling: { minReplicas: 2, maxReplicas: 100, targetInferencesPerSecondPerPod: 10 } }) as any], { componentName: 'p' });
  const dep = plan.resources.find((r) => r.kind === 'Deployment')!;
  assert.ok(dep.timeouts!.updateSeconds > MAX_DURATION_MINUTES * 60, 'the plan asks for more than Go can hold');
  assert.equal(duration(dep.timeouts!.updateSeconds), `${MAX_DURATION_MINUTES}m`);
});
