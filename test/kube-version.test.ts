/** The target Kubernetes version: accepted values, refusals of features the target lacks, fallbacks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { validateDocument } from '../lib/spec/load';
import { resolveKubeVersion, kubeAtLeast, DEFAULT_KUBE_VERSION, SUPPORTED_KUBE_VERSIONS, KUBE_FEATURES } from '../lib/spec/kube-version';
import { ModelServing, KUBE_VERSION_CONTEXT, propsFromDocument } from '../lib/constructs/model-serving';
import { synthesizeSpecs } from '../lib/synth';
import { tritonDoc, container, find } from './support/synth';
import { vllmPoolDoc } from './support/llm';
import { synthesizeApp } from '../apps/main';
import { runCli as run } from './support/cli';

const batch = tritonDoc({ mode: 'batch', batch: { input: 's3://data/in/', output: 's3://data/out/' } });


test('the default target is the oldest supported release', () => {
  assert.equal(DEFAULT_KUBE_VERSION, SUPPORTED_KUBE_VERSIONS[0]);
  assert.equal(resolveKubeVersion(undefined), '1.35');
  assert.equal(resolveKubeVersion('v1.36'), '1.36');
});

test('versions compare by minor number, not as text', () => {
  assert.ok(kubeAtLeast('1.30', '1.29'));
  assert.ok(!kubeAtLeast('1.9', '1.29'));
  assert.ok(kubeAtLeast('1.37', '1.37'));
});

test('every feature names a release the project knows', () => {
  for (const [name, f] of Object.entries(KUBE_FEATURES)) assert.doesNotThrow(() => resolveKubeVersion(f.since), name);
});

test('every feature is used: a spec field requires it (rules-kube.ts) or a generated default checks it (supports)', () => {
  const sources = readdirSync('lib', { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && e.name !== 'kube-version.ts')
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8')).join('\n');
  for (const name of Object.keys(KUBE_FEATURES)) {
    assert.ok(sources.includes(`feature: '${name}'`) || sources.includes(`supports('${name}')`), `${name} is used nowhere`);
  }
});

test('refuses mode batch on a target without native sidecars, naming the release that has them', () => {
  assert.deepEqual(validateDocument(batch, { kubeVersion: '1.28' }).map((i) => `${i.path}: ${i.message}`), [
    'spec.mode: mode batch (the server runs as a sidecar of the batch client) needs native sidecar containers (an init container with restartPolicy: Always; ' +
    'feature gate SidecarContainers, beta on by default in 1.29, GA 1.33), which Kubernetes 1.29 has; the target is 1.28 (--kube-version)',
  ]);
  assert.deepEqual(validateDocument(batch, { kubeVersion: '1.29' }), []);
});

test('refuses an HPA tolerance on a target before 1.35', () => {
  const doc = tritonDoc({ autoscaling: { maxReplicas: 4, behavior: { scaleDown: { tolerance: 0.05 } } } });
  const issues = validateDocument(doc, { kubeVersion: '1.34' });
  assert.deepEqual(issues.map((i) => i.path), ['spec.autoscaling.behavior.scaleDown.tolerance']);
  assert.match(issues[0].message, /which Kubernetes 1\.35 has; the target is 1\.34/);
  assert.deepEqual(validateDocument(doc), []);
});

test('refuses VPA updateMode InPlaceOrRecreate on a target before 1.33 (in-place pod resize)', () => {
  const doc = tritonDoc({ verticalAutoscaling: { updateMode: 'InPlaceOrRecreate' } });
  assert.deepEqual(validateDocument(doc, { kubeVersion: '1.32' }).map((i) => `${i.path}: ${i.message}`), [
    'spec.verticalAutoscaling.updateMode: InPlaceOrRecreate (the VPA resizes running pods in place) needs in-place pod resize ' +
    '(feature gate InPlacePodVerticalScaling, beta on by default in 1.33, GA 1.35), which Kubernetes 1.33 has; the target is 1.32 (--kube-version)',
  ]);
  assert.deepEqual(validateDocument(doc, { kubeVersion: '1.33' }), []);
  assert.deepEqual(validateDocument(tritonDoc({ verticalAutoscaling: { updateMode: 'Recreate' } }), { kubeVersion: '1.28' }), []);
});

test('synth --kube-version refuses what the target lacks and writes nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-kv-'));
  const f = join(dir, 'b.yaml');
  writeFileSync(f, JSON.stringify(batch));
  const r = run(['synth', f, '-o', join(dir, 'out'), '--kube-version', '1.28']);
  assert.equal(r.code, 1);
  assert.match(r.err, /b\.yaml: spec\.mode: mode batch .* which Kubernetes 1\.29 has; the target is 1\.28/);
  assert.equal(existsSync(join(dir, 'out')), false);
  assert.equal(run(['synth', f, '-o', join(dir, 'out'), '--kube-version', '1.37']).code, 0);
});

test('rejects an unknown --kube-version as a usage error (exit 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-kv-'));
  const f = join(dir, 'a.yaml');
  writeFileSync(f, JSON.stringify(tritonDoc()));
  for (const [v, why] of [['1.x', /is not a Kubernetes version: write MAJOR\.MINOR/], ['1.27', /use 1\.28 to 1\.37/], ['1.99', /use 1\.28 to 1\.37/]] as const) {
    const r = run(['validate', f, '--kube-version', v]);
    assert.equal(r.code, 2, v);
    assert.match(r.err, why);
  }
});

test('the construct takes kubeVersion from its props or from the cdk8s context', () => {
  const props = propsFromDocument(batch);
  assert.throws(() => new ModelServing(new Chart(Testing.app(), 'c'), 'm', { ...props, kubeVersion: '1.28' }), /the target is 1\.28/);
  const app = new App();
  app.node.setContext(KUBE_VERSION_CONTEXT, '1.28');
  assert.throws(() => new ModelServing(new Chart(app, 'c'), 'm', props), /the target is 1\.28/);
});

test('the preStop pause uses the sleep action from 1.30 and sleep in the container before', () => {
  const pre = (v: string) => container(find(synthesizeSpecs([tritonDoc()], { kubeVersion: v })[0].objects, 'Deployment')).lifecycle.preStop;
  assert.deepEqual(pre('1.30'), { sleep: { seconds: 15 } });
  assert.deepEqual(pre('1.29'), { exec: { command: ['sleep', '15'] } });
});

test('refuses, in npm run synth (apps/main.ts), a spec the target lacks a feature for: MODEL_SERVING_KUBE_VERSION, else the cdk8s context, chooses the target', () => {
  // HPA scale to zero behind an inference pool needs Kubernetes 1.37
  const dir = mkdtempSync(join(tmpdir(), 'ms-app-'));
  const spec = join(dir, 'chat.yaml');
  writeFileSync(spec, JSON.stringify(vllmPoolDoc({
    gateway: { parentRef: { name: 'gw' }, timeoutSeconds: 3600 },
    autoscaling: { minReplicas: 0, maxReplicas: 4, targetKvCacheUtilization: 0.8 },
  })));
  const NEEDS = `${spec}: spec.autoscaling.minReplicas: 0 with engine hpa (scale to zero behind spec.inferencePool; engine keda scales to zero on any release) needs HPA minReplicas 0 (feature gate HPAScaleToZero, beta on by default in 1.37), which Kubernetes 1.37 has; the target is 1.35 (--kube-version)`;
  const env = (extra: Record<string, string>) => ({ ...process.env, MODEL_SERVING_SPECS: spec, MODEL_SERVING_KUBE_VERSION: '', CDK8S_OUTDIR: join(dir, 'dist'), ...extra });
  // the entry point cdk8s runs (cdk8s.yaml: npx tsx apps/main.ts)
  const cli = (extra: Record<string, string>) => spawnSync(process.execPath, ['--import', 'tsx', 'apps/main.ts'], { env: env(extra), encoding: 'utf8' });
  const refused = cli({});
  assert.equal(refused.status, 1);
  assert.equal(refused.stderr, `${NEEDS}\n`);
  assert.equal(existsSync(join(dir, 'dist', 'chat.k8s.yaml')), false);
  const accepted = cli({ MODEL_SERVING_KUBE_VERSION: '1.37' });
  assert.equal(accepted.status, 0, accepted.stderr);
  assert.match(readFileSync(join(dir, 'dist', 'chat.k8s.yaml'), 'utf8'), /kind: HorizontalPodAutoscaler[\s\S]*minReplicas: 0/);
  // the App's context gives the target when the variable is not set; the variable wins over it
  const app = (version: string) => {
    const a = new App({ outdir: join(dir, `ctx-${version}`) });
    a.node.setContext(KUBE_VERSION_CONTEXT, version);
    return a;
  };
  assert.equal(synthesizeApp(app('1.37'), env({})), undefined);
  assert.ok(existsSync(join(dir, 'ctx-1.37', 'chat.k8s.yaml')));
  assert.equal(synthesizeApp(app('1.37'), env({ MODEL_SERVING_KUBE_VERSION: '1.35' })), NEEDS);
  assert.equal(synthesizeApp(app('1.9'), env({})), `cdk8s context model-serving/kube-version: 1.9 is not a target this version of cdk8s-model-serving knows: use 1.28 to 1.37 (supported upstream: 1.35, 1.36, 1.37)`);
});
