/** model-serving lint: warnings for legal but risky choices, with their field paths. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintDocument } from '../lib/lint';
import { main } from '../lib/cli/main';
import { tritonDoc } from './support/synth';

const paths = (doc: any, o = {}) => lintDocument(doc, o).map((w) => w.path);

test('warns that one replica has no PodDisruptionBudget and goes down on a drain', () => {
  const w = lintDocument(tritonDoc({ replicas: 1 })).find((x) => x.path === 'spec.replicas')!;
  assert.equal(w.message, 'one replica: no PodDisruptionBudget is made, and a node drain or a rollout (maxSurge 0) takes the model offline; use at least 2');
  assert.ok(!paths(tritonDoc({ replicas: 2, resources: { gpu: { count: 1, product: 'A100' } } })).includes('spec.replicas'));
});

test('warns about a GPU without a product selector', () => {
  assert.ok(paths(tritonDoc({ replicas: 2 })).includes('spec.resources.gpu'));
  assert.ok(!paths(tritonDoc({ replicas: 2, resources: { gpu: { count: 1, product: 'NVIDIA-A100-SXM4-80GB' } } })).includes('spec.resources.gpu'));
});

test('warns when maxReplicas is below what the planned peak needs', () => {
  const doc = tritonDoc({ autoscaling: { minReplicas: 2, maxReplicas: 4 } });
  const w = lintDocument(doc, { peakRps: 1000, replicaRps: 100 }).find((x) => x.path === 'spec.autoscaling.maxReplicas')!;
  assert.equal(w.message, '(4) is below the 15 replicas the plan needs for 1000 rps at 100 rps per replica');
  assert.ok(!paths(tritonDoc({ autoscaling: { minReplicas: 2, maxReplicas: 15 } }), { peakRps: 1000, replicaRps: 100 }).includes('spec.autoscaling.maxReplicas'));
});

test('warns that spec.replicas is ignored under autoscaling', () => {
  assert.ok(paths(tritonDoc({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 4 } })).includes('spec.replicas'));
});

test('the lint command prints warnings with file and path, and --strict turns them into exit 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-lint-'));
  const f = join(dir, 's.yaml');
  writeFileSync(f, JSON.stringify(tritonDoc({ replicas: 1 })));
  let out = '';
  const io = { out: (s: string) => (out += s), err: (s: string) => (out += s) };
  assert.equal(main(['lint', f], io), 0);
  assert.match(out, new RegExp(`${f}: spec\\.replicas: warning: one replica`));
  assert.match(out, /\d+ warnings? in 1 spec\n$/);
  assert.equal(main(['lint', '--strict', f], io), 1);
  assert.equal(main(['lint', '--peak-rps', '10', f], io), 2, '--peak-rps needs --replica-rps');
});

test('warns on every TorchServe spec that upstream no longer patches it', () => {
  const doc = { ...tritonDoc(), spec: { runtime: 'torchserve', models: [{ name: 'resnet', format: 'mar' }], repository: { pvc: { claimName: 'm' } }, replicas: 2 } } as any;
  const w = lintDocument(doc).find((x) => x.path === 'spec.runtime')!;
  assert.match(w.message, /limited maintenance since 2025-02-28/);
  assert.equal(lintDocument(tritonDoc({ replicas: 2 })).some((x) => x.path === 'spec.runtime'), false);
});
