/**
 * Secure defaults for every template and every container (init containers and sidecars too): close to the
 * Kubernetes "restricted" profile, requests and limits everywhere, pinned images, and `unsafe` never silent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { synthFile, synth, find, container, tritonDoc, K8sObject } from './support/synth';
import { imageIsPinned } from '../lib/spec/image';
import { lintDocument } from '../lib/lint';

const files = readdirSync('templates').filter((f) => f.endsWith('.yaml')).sort();

function podSpecs(objs: K8sObject[]): { owner: string; pod: K8sObject }[] {
  const out: { owner: string; pod: K8sObject }[] = [];
  for (const o of objs) {
    const owner = `${o.kind}/${o.metadata.name}`;
    if (o.kind === 'CronJob') out.push({ owner, pod: o.spec.jobTemplate.spec.template.spec });
    else if (o.kind === 'LeaderWorkerSet') {
      out.push({ owner: `${owner} leader`, pod: o.spec.leaderWorkerTemplate.leaderTemplate.spec });
      out.push({ owner: `${owner} worker`, pod: o.spec.leaderWorkerTemplate.workerTemplate.spec });
    }
    else if (o.spec?.template?.spec?.containers) out.push({ owner, pod: o.spec.template.spec });
  }
  return out;
}

for (const f of files) {
  test(`${f}: every container runs restricted, non-root, read-only, with requests and limits and a pinned image`, () => {
    const pods = podSpecs(synthFile(join('templates', f)));
    assert.ok(pods.length > 0, 'the template has a workload');
    for (const { owner, pod } of pods) {
      assert.equal(pod.automountServiceAccountToken, false, `${owner} token`);
      assert.equal(pod.securityContext.runAsNonRoot, true, `${owner} runAsNonRoot`);
      assert.ok(pod.securityContext.runAsUser > 0, `${owner} runAsUser`);
      assert.equal(pod.securityContext.seccompProfile.type, 'RuntimeDefault', `${owner} seccomp`);
      assert.ok(pod.serviceAccountName, `${owner} serviceAccountName`);
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        const where = `${owner} container ${c.name}`;
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, where);
        assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] }, where);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, where);
        assert.equal(c.securityContext.runAsNonRoot, true, where);
        assert.equal(c.securityContext.seccompProfile.type, 'RuntimeDefault', where);
        for (const r of ['cpu', 'memory']) {
          assert.ok(c.resources?.requests?.[r] !== undefined, `${where} requests.${r}`);
          assert.ok(c.resources?.limits?.[r] !== undefined, `${where} limits.${r}`);
        }
        assert.ok(imageIsPinned(c.image), `${where} image ${c.image} pinned`);
        assert.equal(c.imagePullPolicy, 'IfNotPresent', where);
      }
      // every path a container writes is an emptyDir or a volume, since the root filesystem is read-only
      const volumes = new Set((pod.volumes ?? []).map((v: K8sObject) => v.name));
      for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
        for (const m of c.volumeMounts ?? []) assert.ok(volumes.has(m.name), `${owner} ${c.name} mounts unknown volume ${m.name}`);
      }
    }
  });
}

test('creates a ServiceAccount per model that mounts no token', () => {
  const sa = find(synth(tritonDoc()), 'ServiceAccount', 'm');
  assert.equal(sa.automountServiceAccountToken, false);
});

test('uses an existing ServiceAccount instead when the spec names one', () => {
  const objs = synth(tritonDoc({ serviceAccountName: 'platform-sa' }));
  assert.equal(objs.filter((o) => o.kind === 'ServiceAccount').length, 0);
  assert.equal(find(objs, 'Deployment').spec.template.spec.serviceAccountName, 'platform-sa');
});

test('the unsafe escape hatch changes exactly what it names, and lint reports it', () => {
  const doc = tritonDoc({ security: { unsafe: { runAsRoot: true, writableRootFilesystem: true } } });
  const d = find(synth(doc), 'Deployment');
  const c = container(d);
  assert.equal(c.securityContext.runAsNonRoot, false);
  assert.equal(c.securityContext.runAsUser, 0);
  assert.equal(c.securityContext.readOnlyRootFilesystem, false);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false, 'not asked: unchanged');
  assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
  assert.equal(d.spec.template.spec.securityContext.runAsNonRoot, false);
  const paths = lintDocument(doc).map((w) => w.path);
  assert.ok(paths.includes('spec.security.unsafe.runAsRoot'));
  assert.ok(paths.includes('spec.security.unsafe.writableRootFilesystem'));
});

test('runs Triton as the image user triton-server (uid 1000)', () => {
  const pod = find(synth(tritonDoc()), 'Deployment').spec.template.spec;
  assert.deepEqual([pod.securityContext.runAsUser, pod.securityContext.runAsGroup, pod.securityContext.fsGroup], [1000, 1000, 1000]);
});

test('turns off service links so Service env vars cannot collide with server settings', () => {
  assert.equal(find(synth(tritonDoc()), 'Deployment').spec.template.spec.enableServiceLinks, false);
});
