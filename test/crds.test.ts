/**
 * The upstream CRDs behind the strict checks of custom resources that have no npm model (test/support/crd-schema.ts).
 * They live outside the project; when they are absent each check below is reported as skipped, by name, so a run
 * that did not check them says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdDirectory, crdValidator, NO_CRDS } from './support/crd-schema';
import { assertValidObjects } from './support/k8s-validate';
import { synth, tritonDoc, find } from './support/synth';

const CRDS: readonly { file: string; version: string; kind: string; apiVersion: string }[] = [
  { file: 'inference.networking.k8s.io_inferencepools.yaml', version: 'v1', kind: 'InferencePool', apiVersion: 'inference.networking.k8s.io/v1' },
  { file: 'leaderworkerset.x-k8s.io_leaderworkersets.yaml', version: 'v1', kind: 'LeaderWorkerSet', apiVersion: 'leaderworkerset.x-k8s.io/v1' },
  { file: 'logging.banzaicloud.io_flows.yaml', version: 'v1beta1', kind: 'Flow', apiVersion: 'logging.banzaicloud.io/v1beta1' },
  { file: 'logging.banzaicloud.io_outputs.yaml', version: 'v1beta1', kind: 'Output', apiVersion: 'logging.banzaicloud.io/v1beta1' },
  { file: 'vpa-v1-crd-gen.yaml', version: 'v1', kind: 'VerticalPodAutoscaler', apiVersion: 'autoscaling.k8s.io/v1' },
];

for (const c of CRDS) {
  test(`strict check of ${c.kind} against its upstream CRD (${c.file}): an unknown field is refused`, { skip: crdDirectory() ? false : `${NO_CRDS}: ${c.kind} objects get the typed check only` }, () => {
    const validate = crdValidator(c.file, c.version, c.kind);
    assert.ok(validate, `${c.file} has version ${c.version}`);
    const messages = validate({ apiVersion: c.apiVersion, kind: c.kind, metadata: { name: 'x' }, spec: {}, specc: {} });
    assert.ok(messages.some((m) => m.includes('must NOT have additional properties (specc)')), messages.join('\n'));
  });
}

test('the VPA goes through its CRD too: a minReplicas beyond int32, which its typed definition lets through, fails the strict validator', { skip: crdDirectory() ? false : NO_CRDS }, async () => {
  const vpa = find(synth(tritonDoc({ verticalAutoscaling: { updateMode: 'Off' } })), 'VerticalPodAutoscaler', 'm');
  await assertValidObjects([vpa]);
  await assert.rejects(assertValidObjects([{ ...vpa, spec: { ...vpa.spec, updatePolicy: { ...vpa.spec.updatePolicy, minReplicas: 2 ** 31 } } }]),
    /\/spec\/updatePolicy\/minReplicas: must match format "int32"/);
});
