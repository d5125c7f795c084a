/** TensorRT engine builds: the Job, the serving pods' wait step, rebuild triggers, Pulumi order, every refusal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, existsSync, chmodSync, utimesSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synth, synthFile, tritonDoc, find, all, container, specErrors, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { planResources } from '../lib/pulumi/plan';
import { loadSpecFile } from '../lib/spec/load';
import { tensorrtImageFor } from '../lib/runtimes/triton-engine';
import { parseSpecs } from '../lib/spec/load';
import { ModelServingChart } from '../lib/constructs/chart';
import { App, ApiObject } from 'cdk8s';

const TEMPLATE = 'templates/triton-trt-build.yaml';
const IMAGE_25 = 'nvcr.io/nvidia/tritonserver:25.08-py3';

/** A Triton spec with one built model; `build` and `extra` override parts of it. */
function buildDoc(build: Record<string, unknown> = {}, extra: Record<string, unknown> = {}, model: Record<string, unknown> = {}) {
  return tritonDoc({
    image: IMAGE_25,
    models: [{
      name: 'det', format: 'tensorrt', versions: [1], maxBatchSize: 8,
      inputs: [{ name: 'images', dataType: 'FP32', dims: [3, 64, 64] }], outputs: [{ name: 'out', dataType: 'FP32', dims: [10] }],
      build: { tensorrt: { minShapes: { images: [1, 3, 64, 64] }, optShapes: { images: [4, 3, 64, 64] }, maxShapes: { images: [8, 3, 64, 64] }, ...build } },
      ...model,
    }],
    repository: { pvc: { claimName: 'models', subPath: 'triton', readOnly: false } },
    resources: { gpu: { count: 1, product: 'NVIDIA-L4' } },
    ...extra,
  });
}
const jobOf = (objs: K8sObject[]) => find(objs, 'Job');
const synthDocOf = (file: string) => loadSpecFile(file)[0].document;
const script = (job: K8sObject) => job.spec.template.spec.containers[0].command[2] as string;

test(`every object of ${TEMPLATE} is valid against the Kubernetes schemas, strictly`, async () => {
  await assertValidObjects(synthFile(TEMPLATE));
});

test('the build image is the TensorRT image of the serving release', () => {
  assert.equal(jobOf(synthFile(TEMPLATE)).spec.template.spec.containers[0].image, 'nvcr.io/nvidia/tensorrt:26.07-py3');
  assert.equal(jobOf(synth(buildDoc())).spec.template.spec.containers[0].image, 'nvcr.io/nvidia/tensorrt:25.08-py3');
  assert.equal(tensorrtImageFor('nvcr.io/nvidia/tritonserver:26.02-py3-igpu'), 'nvcr.io/nvidia/tensorrt:26.02-py3-igpu');
  assert.equal(tensorrtImageFor('nvcr.io/nvidia/tritonserver:26.07-trtllm-python-py3'), undefined, 'TensorRT-LLM images carry their own TensorRT');
  assert.equal(tensorrtImageFor('registry.example.org/triton:1.0'), undefined);
});

test('the Job runs trtexec on the pods\' GPU product with one GPU and the repository writable', () => {
  const objs = synth(buildDoc({}, { nodeSelector: { pool: 'gpu' } }));
  const job = jobOf(objs);
  const pod = job.spec.template.spec;
  const dep = find(objs, 'Deployment').spec.template.spec;
  assert.deepEqual(pod.affinity, dep.affinity);
  assert.deepEqual(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions, [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-L4'] }]);
  assert.deepEqual(pod.nodeSelector, dep.nodeSelector);
  assert.deepEqual(pod.tolerations, dep.tolerations);
  assert.equal(pod.restartPolicy, 'Never');
  const c = pod.containers[0];
  assert.equal(c.resources.limits['nvidia.com/gpu'], 1);
  assert.deepEqual(c.volumeMounts[0], { name: 'model-store', mountPath: '/model-store', readOnly: false, subPath: 'triton' });
  assert.deepEqual(pod.volumes[0], { name: 'model-store', persistentVolumeClaim: { claimName: 'models', readOnly: false } });
  assert.deepEqual(c.command.slice(3), ['build-engine', '1']);
  assert.match(script(job), /--saveEngine="\$tmp" '--minShapes=images:1x3x64x64' '--optShapes=images:4x3x64x64' '--maxShapes=images:8x3x64x64';/);
  assert.equal(job.spec.activeDeadlineSeconds, 3600);
  assert.deepEqual(job.spec.podFailurePolicy.rules[1], { action: 'FailJob', onExitCodes: { containerName: 'build', operator: 'In', values: [2, 3] } });
});

test('serving pods mount the repository read-only (server and init containers); only the build Job writes', () => {
  for (const doc of [buildDoc(), synthDocOf(TEMPLATE)]) {
    const objs = synth(doc);
    const job = jobOf(objs);
    assert.equal(job.spec.template.spec.volumes.find((v: K8sObject) => v.name === 'model-store').persistentVolumeClaim.readOnly, false);
    assert.equal(job.spec.template.spec.containers[0].volumeMounts.find((m: K8sObject) => m.name === 'model-store').readOnly, false);
    for (const dep of all(objs, 'Deployment')) {
      const pod = dep.spec.template.spec;
      assert.equal(pod.volumes.find((v: K8sObject) => v.name === 'model-store').persistentVolumeClaim.readOnly, true);
      const mounts = [...pod.initContainers, ...pod.containers].flatMap((c: K8sObject) => (c.volumeMounts ?? []).filter((m: K8sObject) => m.name === 'model-store').map((m: K8sObject) => `${c.name}:${m.readOnly}`));
      assert.deepEqual(mounts, ['wait-for-engines:true', 'assemble-repository:true', 'server:true']);
    }
  }
});

test('precision flags on TensorRT 10: FP16 adds --fp16, INT8 adds --int8 with the calibration cache', () => {
  assert.match(script(jobOf(synth(buildDoc({ precision: 'FP16' })))), / '--fp16' '--minShapes=/);
  assert.match(script(jobOf(synth(buildDoc({ precision: 'INT8', calibrationCache: 'calib.cache' })))), / '--int8' "--calib=\$dir\/calib\.cache" /);
  assert.doesNotMatch(script(jobOf(synth(buildDoc({ precision: 'FP32' })))), /--fp16|--int8/);
});

test('the serving pods wait for the plan the Job writes, then link it as model.plan', () => {
  const objs = synth(buildDoc());
  const job = jobOf(objs);
  const plan = /plan='(model\.[0-9a-f]{12}\.plan)'/.exec(script(job))![1];
  const dep = find(objs, 'Deployment');
  const init = dep.spec.template.spec.initContainers.map((c: K8sObject) => c.name);
  assert.deepEqual(init, ['wait-for-engines', 'assemble-repository']);
  const wait = container(dep, 'wait-for-engines').command[2];
  // the wait step finds the Job by its labels, so a renamed Job does not roll the pods
  const key = job.spec.template.metadata.labels['model-serving/engine'];
  assert.equal(plan, `model.${key}.plan`);
  assert.ok(wait.includes(`p="$d/${plan}"`) && wait.includes(`kubectl logs -l app.kubernetes.io/component=engine-build,model-serving/model=det,model-serving/engine=${key}`));
  assert.ok(!wait.includes(job.metadata.name), 'the Job name is not in the pod template');
  assert.ok(container(dep, 'assemble-repository').command[2].includes(`ln -sf "/model-store/det/1/${plan}" "/models/det/1/model.plan"`));  // a failed wait prints the build's error: kubectl describe shows it as the container's message
  assert.equal(container(dep, 'wait-for-engines').terminationMessagePolicy, 'FallbackToLogsOnError');
});

test('a change of shapes, precision, image, product or versions names a new Job; other changes keep it', () => {
  const name = (doc: ReturnType<typeof buildDoc>) => jobOf(synth(doc)).metadata.name;
  const base = name(buildDoc());
  assert.match(base, /^m-trt-[0-9a-f]{10}$/);
  assert.equal(name(buildDoc({}, { replicas: 3 })), base);
  for (const changed of [
    buildDoc({ maxShapes: { images: [16, 3, 64, 64] } }, {}, { maxBatchSize: 16 }),
    buildDoc({ precision: 'FP16' }),
    buildDoc({}, { image: 'nvcr.io/nvidia/tritonserver:25.09-py3' }),
    buildDoc({}, { resources: { gpu: { count: 1, product: 'NVIDIA-A10' } } }),
    buildDoc({}, {}, { versions: [1, 2] }),
    buildDoc({ onnx: 'export/model.onnx' }),
  ]) assert.notEqual(name(changed), base);
});

test('the plan the Job writes and the wait step checks (model-serving/engine key) changes with the source, precision, each shape, the image and the product', () => {
  // dynamic height and width, so that each of min, opt and max can change alone
  const dyn = (build: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => buildDoc({
    minShapes: { images: [1, 3, 32, 32] }, optShapes: { images: [4, 3, 64, 64] }, maxShapes: { images: [8, 3, 128, 128] }, ...build,
  }, extra, { inputs: [{ name: 'images', dataType: 'FP32', dims: [3, -1, -1] }] });
  const planOf = (doc: ReturnType<typeof buildDoc>) => {
    const objs = synth(doc);
    const job = jobOf(objs);
    const key = job.spec.template.metadata.labels['model-serving/engine'];
    const plan = /plan='(model\.[0-9a-f]{12}\.plan)'/.exec(script(job))![1];
    assert.equal(plan, `model.${key}.plan`);
    const wait = container(find(objs, 'Deployment'), 'wait-for-engines').command[2];
    assert.ok(wait.includes(`p="$d/${plan}"`), 'the wait step checks the plan the Job writes');
    return plan;
  };
  const base = planOf(dyn());
  assert.equal(planOf(dyn({}, { replicas: 3 })), base, 'a change the plan does not depend on keeps it');
  const changed: Record<string, ReturnType<typeof buildDoc>> = {
    source: dyn({ onnx: 'export/model.onnx' }),
    'precision FP16': dyn({ precision: 'FP16' }),
    'precision INT8': dyn({ precision: 'INT8', calibrationCache: 'calib.cache' }),
    minShapes: dyn({ minShapes: { images: [1, 3, 16, 16] } }),
    optShapes: dyn({ optShapes: { images: [4, 3, 96, 96] } }),
    maxShapes: dyn({ maxShapes: { images: [8, 3, 256, 256] } }),
    image: dyn({}, { image: 'nvcr.io/nvidia/tritonserver:25.09-py3' }),
    product: dyn({}, { resources: { gpu: { count: 1, product: 'NVIDIA-A10' } } }),
  };
  const plans = Object.entries(changed).map(([what, doc]) => [what, planOf(doc)] as const);
  for (const [what, plan] of plans) assert.notEqual(plan, base, what);
  assert.equal(new Set(plans.map(([, p]) => p)).size, plans.length, 'each change makes its own plan');
  assert.notEqual(planOf(dyn({ precision: 'INT8', calibrationCache: 'calib-v2.cache' })), planOf(changed['precision INT8']), 'calibration cache');
});

test('serving pods wait for the plan timeoutSeconds plus 300 seconds (the schema description says so)', () => {
  const wait = (doc: ReturnType<typeof buildDoc>) => container(find(synth(doc), 'Deployment'), 'wait-for-engines').command[2] as string;
  assert.ok(wait(buildDoc()).includes('deadline=$(( $(date +%s) + 3900 ))'));
  assert.ok(wait(buildDoc({ timeoutSeconds: 1200 })).includes('deadline=$(( $(date +%s) + 1500 ))'));
  assert.match(readFileSync('model-serving.schema.json', 'utf8'), /Serving pods wait for their plans up to the longest timeoutSeconds of their builds plus 300 seconds/);
});

test('each rollout track with its own image gets its own build', () => {
  const objs = synth(buildDoc({}, {
    replicas: 2, gateway: { parentRef: { name: 'inference' } },
    rollout: { strategy: 'canary', weight: 10, canary: { image: 'nvcr.io/nvidia/tritonserver:25.09-py3' } },
  }));
  const jobs = all(objs, 'Job');
  assert.deepEqual(jobs.map((j) => j.spec.template.spec.containers[0].image), ['nvcr.io/nvidia/tensorrt:25.08-py3', 'nvcr.io/nvidia/tensorrt:25.09-py3']);
  // each track's pods wait for the plan of their own image
  for (const [dep, job] of [[find(objs, 'Deployment', 'm'), jobs[0]], [find(objs, 'Deployment', 'm-canary'), jobs[1]]]) {
    assert.ok(container(dep, 'wait-for-engines').command[2].includes(`model-serving/engine=${job.metadata.labels['model-serving/engine']}`));
  }
});

const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

test('no Deployment, PodDisruptionBudget, autoscaler or Service selects a build pod', () => {
  const objs = synth(buildDoc({}, {
    replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercent: 70 }, gateway: { parentRef: { name: 'inference' } },
    rollout: { strategy: 'canary', weight: 10, canary: { image: 'nvcr.io/nvidia/tritonserver:25.09-py3' } },
  }));
  const jobs = all(objs, 'Job');
  assert.equal(jobs.length, 2);
  const selectors = [
    ...all(objs, 'Deployment').map((d) => d.spec.selector.matchLabels),
    ...all(objs, 'PodDisruptionBudget').map((p) => p.spec.selector.matchLabels),
    ...all(objs, 'Service').map((x) => x.spec.selector),
  ];
  assert.ok(selectors.length >= 6);
  for (const job of jobs) {
    const labels = job.spec.template.metadata.labels;
    assert.equal(labels['model-serving/track'], undefined);
    // the metrics Service selects every pod of the spec; it targets the named port metrics, which a build pod has not
    for (const sel of selectors) {
      if (matches(sel, labels)) assert.ok(!job.spec.template.spec.containers.some((c: K8sObject) => (c.ports ?? []).length), JSON.stringify(sel));
    }
    for (const sel of [...all(objs, 'Deployment').map((d) => d.spec.selector.matchLabels), ...all(objs, 'PodDisruptionBudget').map((p) => p.spec.selector.matchLabels)]) {
      assert.ok(!matches(sel, labels), `${JSON.stringify(sel)} selects the build pod`);
    }
  }
});

test('blue-green tracks on the same image and repository share one build Job; a track with its own versions gets its own', () => {
  const tracks = { blue: {}, green: {} };
  const shared = synth(buildDoc({}, { replicas: 2, rollout: { strategy: 'blueGreen', active: 'blue', tracks } }));
  const [job] = all(shared, 'Job');
  assert.equal(all(shared, 'Job').length, 1);
  for (const dep of all(shared, 'Deployment')) assert.ok(container(dep, 'wait-for-engines').command[2].includes(`model-serving/engine=${job.metadata.labels['model-serving/engine']}`));
  const own = synth(buildDoc({}, { replicas: 2, rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: { models: [{ name: 'det', versions: [2] }] } } } }));
  assert.deepEqual(all(own, 'Job').map((j) => j.spec.template.spec.containers[0].command.slice(4)), [['1'], ['2']]);
  // a track with its own created claim builds into that claim
  const claims = synth(buildDoc({}, {
    replicas: 2, repository: { pvc: { create: { size: '10Gi', accessMode: 'ReadWriteMany' }, readOnly: false } },
    rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: { repository: { pvc: { create: { size: '10Gi', accessMode: 'ReadWriteMany' }, readOnly: false } } } } },
  }));
  assert.deepEqual(all(claims, 'Job').map((j) => j.spec.template.spec.volumes[0].persistentVolumeClaim.claimName), ['m-models', 'm-green-models']);
  assert.deepEqual(all(claims, 'PersistentVolumeClaim').map((c) => c.metadata.name), ['m-models', 'm-green-models']);
});

test('construct IDs: the primary track\'s build keeps Build-<model> when a rollout is added; another track\'s is Build-<model>-<track>', () => {
  const ids = (doc: ReturnType<typeof buildDoc>) => {
    const [loaded] = parseSpecs(JSON.stringify(doc));
    const chart = new ModelServingChart(new App(), 'c', { specs: [loaded.document] });
    return chart.node.findAll().filter((c) => c instanceof ApiObject && c.node.path.includes('/EngineBuild/'))
      .map((c) => `${c.node.path.split('/EngineBuild/')[1]}=${(c as ApiObject).name}`);
  };
  const alone = ids(buildDoc());
  assert.equal(alone.length, 1);
  assert.match(alone[0], /^Build-det=m-trt-[0-9a-f]{10}$/);
  const canary = ids(buildDoc({}, { replicas: 2, gateway: { parentRef: { name: 'inference' } }, rollout: { strategy: 'canary', weight: 10, canary: { image: 'nvcr.io/nvidia/tritonserver:25.09-py3' } } }));
  assert.deepEqual(canary.map((x) => x.split('=')[0]), ['Build-det', 'Build-det-canary']);
  assert.equal(canary[0], alone[0], 'the primary track\'s Job keeps its ID and its name');
  // blue-green: the primary (spec.rollout.primary, else the first name) keeps the bare ID, also when it is listed second
  const bg = ids(buildDoc({}, { replicas: 2, rollout: { strategy: 'blueGreen', active: 'green', primary: 'green', tracks: { blue: { image: 'nvcr.io/nvidia/tritonserver:25.09-py3' }, green: {} } } }));
  assert.deepEqual(bg.map((x) => x.split('=')[0]), ['Build-det', 'Build-det-blue']);
});

test('a change of anything in the Job\'s pod template names a new Job: resources, labels, node selector, tolerations, platform fields', () => {
  const name = (doc: ReturnType<typeof buildDoc>) => jobOf(synth(doc)).metadata.name;
  const base = name(buildDoc());
  for (const extra of [
    { resources: { gpu: { count: 1, product: 'NVIDIA-L4' }, cpu: { request: '6', limit: '8' } } },
    { resources: { gpu: { count: 1, product: 'NVIDIA-L4' }, memory: { request: '20Gi', limit: '20Gi' } } },
    { nodeSelector: { pool: 'gpu' } },
    { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ml', effect: 'NoSchedule' }] },
    { priorityClassName: 'ml-high' },
    { runtimeClassName: 'nvidia' },
    { imagePullSecrets: ['ngc'] },
    { serviceAccountName: 'builder' },
    { podLabels: { 'cost-center': 'ml' } },
    { podAnnotations: { 'karpenter.sh/do-not-disrupt': 'true' } },
    { nodeAffinity: { required: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['a'] }] } },
  ]) assert.notEqual(name(buildDoc({}, extra)), base, JSON.stringify(extra));
  assert.notEqual(jobOf(synth(buildDoc({}, {}, {}))).metadata.name, name(buildDoc({ timeoutSeconds: 1200 })));
  // a label of the spec's metadata is on the pod template too
  assert.notEqual(jobOf(synth({ ...buildDoc(), metadata: { name: 'm', namespace: 'ml', labels: { team: 'vision' } } })).metadata.name, base);
});

test('the build pods carry spec.podLabels and spec.podAnnotations, under the selector labels', () => {
  const job = jobOf(synth(buildDoc({}, { podLabels: { 'cost-center': 'ml' }, podAnnotations: { 'karpenter.sh/do-not-disrupt': 'true' } })));
  assert.equal(job.spec.template.metadata.labels['cost-center'], 'ml');
  assert.equal(job.spec.template.metadata.labels['app.kubernetes.io/component'], 'engine-build');
  assert.deepEqual(job.spec.template.metadata.annotations, { 'karpenter.sh/do-not-disrupt': 'true' });
  assert.equal(job.metadata.labels['cost-center'], undefined, 'pod labels only on the pods');
  assert.equal(specErrors(buildDoc({}, { podLabels: { 'app.kubernetes.io/component': 'x' } }))?.split('\n')[0].startsWith('spec.yaml: spec.podLabels'), true);
});

test('the Pulumi component runs the build before the workloads that wait for it', () => {
  const plan = planResources(loadSpecFile(TEMPLATE).map((l) => l.document), { componentName: 'p' });
  const job = plan.resources.find((r) => r.kind === 'Job')!;
  const dep = plan.resources.find((r) => r.kind === 'Deployment')!;
  assert.equal(job.stage, 'builds');
  assert.deepEqual(dep.dependsOn, [job.logicalName]);
  assert.ok(job.dependsOn.includes('p-serviceaccount-shelf-detector-trt'));
  assert.equal(job.timeouts!.createSeconds, 600 + 2400);
});

// --- the scripts, run by a real shell against a model store with a stand-in trtexec ----------------------

function sandbox(trtexecBody: string) {
  const root = mkdtempSync(join(tmpdir(), 'trt-'));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'trtexec'), `#!/bin/sh\n${trtexecBody}\n`);
  chmodSync(join(bin, 'trtexec'), 0o755);
  mkdirSync(join(root, 'store', 'det', '1'), { recursive: true });
  writeFileSync(join(root, 'store', 'det', '1', 'model.onnx'), 'onnx-bytes');
  const objs = synth(buildDoc());
  const local = (s: string) => s.replaceAll('/model-store', join(root, 'store')).replaceAll('/usr/src/tensorrt/bin/trtexec', join(root, 'usr-src-tensorrt', 'trtexec'));
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, POD_NAME: 'build-pod-a', TRACE: join(root, 'trace') };
  const job = jobOf(objs);
  const run = (s: string, args: string[] = []) => spawnSync('sh', ['-c', local(s), 'x', ...args], { env, encoding: 'utf8', timeout: 20000 });
  const versions: string[] = job.spec.template.spec.containers[0].command.slice(4);
  return {
    root,
    build: () => run(script(job), versions),
    /** The build as one more pod (its own POD_NAME) running at the same time as others. */
    buildAsync: (pod: string, extra: Record<string, string> = {}) => new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const p = spawn('sh', ['-c', local(script(job)), 'x', ...versions], { env: { ...env, POD_NAME: pod, ...extra } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (status) => done({ status, stdout, stderr }));
    }),
    wait: () => run(container(find(objs, 'Deployment'), 'wait-for-engines').command[2]),
    /** The wait step's first line of output while it waits (then it is stopped). */
    waitingLine: () => new Promise<string>((done) => {
      const p = spawn('sh', ['-c', local(container(find(objs, 'Deployment'), 'wait-for-engines').command[2])], { env, detached: true });
      p.stdout.once('data', (d) => { process.kill(-p.pid!, 'SIGKILL'); done(String(d).trim()); });
    }),
    plan: /plan='(model\.[0-9a-f]{12}\.plan)'/.exec(script(job))![1],
  };
}

/** A stand-in trtexec that records each build in $TRACE (its --saveEngine path), takes `seconds`, then writes the plan. */
const slowBuild = (seconds: number) => `for a in "$@"; do case "$a" in --saveEngine=*) out="\${a#--saveEngine=}"; echo "$out" >> "$TRACE"; sleep ${seconds}; echo plan > "$out";; esac; done`;
const traced = (root: string) => (existsSync(join(root, 'trace')) ? readFileSync(join(root, 'trace'), 'utf8').trim().split('\n') : []);

const SAVE_ENGINE = 'for a in "$@"; do case "$a" in --saveEngine=*) echo plan > "${a#--saveEngine=}";; esac; done; echo "&&&& PASSED TensorRT.trtexec"';

test('the build script writes the plan and its source id, skips an up-to-date plan, and the wait step passes', () => {
  const s = sandbox(SAVE_ENGINE);
  const first = s.build();
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stdout, /version 1: model\.[0-9a-f]+\.plan built/);
  assert.equal(readFileSync(join(s.root, 'store/det/1', s.plan), 'utf8'), 'plan\n');
  assert.match(readFileSync(join(s.root, 'store/det/1', `${s.plan}.source`), 'utf8'), /^10 \d+\n$/);
  const again = s.build();
  assert.equal(again.status, 0);
  assert.match(again.stdout, /is up to date/);
  const wait = s.wait();
  assert.equal(wait.status, 0, wait.stderr);
  assert.match(wait.stdout, /TensorRT plans ready: det model\.[0-9a-f]+\.plan/);
});

test('two pods building the same plan at once: one builds, the other waits for it and finds the plan up to date', async () => {
  const s = sandbox(slowBuild(4));
  // heartbeats every second and a lock taken over after 3 s without one: the holder's heartbeat keeps its lock
  const lock = { BUILD_LOCK_POLL_SECONDS: '1', BUILD_LOCK_HEARTBEAT_SECONDS: '1', BUILD_LOCK_STALE_SECONDS: '3' };
  const [a, b] = await Promise.all([s.buildAsync('build-pod-a', lock), s.buildAsync('build-pod-b', lock)]);
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.status, 0, b.stderr);
  const builds = traced(s.root);
  assert.equal(builds.length, 1, `trtexec ran ${builds.length} times: ${builds.join(', ')}`);
  const [builder, waiter] = /built/.test(a.stdout) ? [a, b] : [b, a];
  assert.match(builder.stdout, /version 1: model\.[0-9a-f]{12}\.plan built/);
  assert.match(waiter.stdout, /version 1: waiting for build-pod-[ab]\.\d+, which builds model\.[0-9a-f]{12}\.plan/);
  assert.match(waiter.stdout, /version 1: model\.[0-9a-f]{12}\.plan is up to date/);
  assert.doesNotMatch(waiter.stdout, /taking its lock over/);
  assert.equal(readFileSync(join(s.root, 'store/det/1', s.plan), 'utf8'), 'plan\n');
  // no temporary file and no lock is left behind
  assert.deepEqual(readdirSync(join(s.root, 'store/det/1')).sort(), ['model.onnx', s.plan, `${s.plan}.source`].sort());
  assert.equal(s.wait().status, 0);
});

test('the plan is written under a temporary name of the pod (POD_NAME), never one another pod could use', () => {
  const s = sandbox(slowBuild(0));
  assert.equal(s.build().status, 0);
  const [tmp] = traced(s.root);
  assert.match(tmp, new RegExp(`/store/det/1/\\.${s.plan.replaceAll('.', '\\.')}\\.build-pod-a\\.\\d+$`));
});

test('a lock whose holder stopped (its pod was lost) is taken over once its heartbeat has stopped for the stale time', async () => {
  const s = sandbox(slowBuild(0));
  const lock = join(s.root, 'store/det/1', `.${s.plan}.lock`);
  mkdirSync(lock);
  writeFileSync(join(lock, 'owner'), 'lost-pod.7\n');
  const r = await s.buildAsync('build-pod-b', { BUILD_LOCK_POLL_SECONDS: '1', BUILD_LOCK_STALE_SECONDS: '2' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /version 1: waiting for lost-pod\.7, which builds/);
  assert.match(r.stdout, /version 1: no heartbeat from lost-pod\.7 for 2s: taking its lock over/);
  assert.match(r.stdout, /version 1: model\.[0-9a-f]{12}\.plan built/);
  assert.ok(!existsSync(lock));
});

test('while it waits, the wait step says who builds the plan, or that no build runs (the build pod may lack a GPU these pods hold)', async () => {
  const s = sandbox(SAVE_ENGINE);
  assert.match(await s.waitingLine(), /^waiting for the TensorRT build: model det version 1: no build of model\.[0-9a-f]{12}\.plan is running yet \(Job with labels app\.kubernetes\.io\/component=engine-build,model-serving\/model=det,model-serving\/engine=[0-9a-f]{12}\)\. If its pod stays Pending for want of a GPU, the serving pods waiting here hold the nvidia\.com\/gpu of NVIDIA-L4 it needs/);
  const lock = join(s.root, 'store/det/1', `.${s.plan}.lock`);
  mkdirSync(lock);
  writeFileSync(join(lock, 'owner'), 'm-trt-0123456789-x7k2p.1\n');
  assert.equal(await s.waitingLine(), `waiting for the TensorRT build: model det version 1: ${s.plan} is being built by m-trt-0123456789-x7k2p.1`);
});

test('a failed trtexec fails the Job (exit 3) and the wait step fails with the reason', () => {
  const s = sandbox('echo "[E] Error[4]: ITensor::getDimensions: Error Code 4: Shape Error"; exit 1');
  const r = s.build();
  assert.equal(r.status, 3);
  assert.ok(!existsSync(join(s.root, 'store/det/1', s.plan)));
  const wait = s.wait();
  assert.equal(wait.status, 1);
  assert.match(wait.stderr, /model det version 1: the TensorRT build failed \(kubectl logs -l app\.kubernetes\.io\/component=engine-build,model-serving\/model=det,model-serving\/engine=[0-9a-f]{12}\):\ntrtexec exited with 1 in pod build-pod-a:\n.*Shape Error/);
});

test('a missing ONNX file or version directory fails the Job at once (exit 3, not set -e\'s 1), and the wait step says why', () => {
  const s = sandbox(SAVE_ENGINE);
  rmSync(join(s.root, 'store/det/1/model.onnx'));
  const noFile = s.build();
  assert.equal(noFile.status, 3, noFile.stderr);
  assert.equal(noFile.stderr, `ONNX file ${join(s.root, 'store/det/1/model.onnx')} not found\n`);
  assert.equal(readFileSync(join(s.root, 'store/det/1', `${s.plan}.failed`), 'utf8'), `ONNX file ${join(s.root, 'store/det/1/model.onnx')} not found\n`);
  const waitFile = s.wait();
  assert.equal(waitFile.status, 1);
  assert.match(waitFile.stderr, /model det version 1: the TensorRT build failed \(kubectl logs -l [^)]+\):\nONNX file .*\/store\/det\/1\/model\.onnx not found\n$/);
  // no version directory at all: nothing can be written there, the exit code stays 3
  rmSync(join(s.root, 'store/det/1'), { recursive: true });
  const noDir = s.build();
  assert.equal(noDir.status, 3, noDir.stderr);
  assert.equal(noDir.stderr, `ONNX file ${join(s.root, 'store/det/1/model.onnx')} not found\n`);
  assert.ok(!existsSync(join(s.root, 'store/det/1')), 'the build does not create the version directory');
  const waitDir = s.wait();
  assert.equal(waitDir.status, 1);
  assert.match(waitDir.stderr, /^model det version 1: .*\/store\/det\/1\/model\.onnx not found in the model repository\n$/);
});

test('the wait step refuses a plan built from an ONNX file that has changed since', () => {
  const s = sandbox(SAVE_ENGINE);
  assert.equal(s.build().status, 0);
  const onnx = join(s.root, 'store/det/1/model.onnx');
  writeFileSync(onnx, 'new-onnx-bytes');
  utimesSync(onnx, new Date(), new Date(Date.now() + 60000));
  const wait = s.wait();
  assert.equal(wait.status, 1);
  assert.match(wait.stderr, /model det version 1: model\.onnx changed after model\.[0-9a-f]+\.plan was built; delete the build Job \(kubectl delete job -l app\.kubernetes\.io\/component=engine-build,model-serving\/model=det,model-serving\/engine=[0-9a-f]{12}\) and apply the manifests again/);
  assert.match(s.build().stdout, /building/, 'the Job builds again when it runs');
});

test('the build script runs trtexec from the PATH, else from the TensorRT install directory /usr/src/tensorrt/bin', () => {
  const s = sandbox(`echo path >> "$TRACE"; ${SAVE_ENGINE}`);
  mkdirSync(join(s.root, 'usr-src-tensorrt'));
  writeFileSync(join(s.root, 'usr-src-tensorrt', 'trtexec'), `#!/bin/sh\necho install-dir >> "$TRACE"\n${SAVE_ENGINE}\n`);
  chmodSync(join(s.root, 'usr-src-tensorrt', 'trtexec'), 0o755);
  assert.equal(s.build().status, 0);
  assert.deepEqual(traced(s.root), ['path']);
  rmSync(join(s.root, 'bin', 'trtexec'));
  rmSync(join(s.root, 'store/det/1', s.plan));
  const r = s.build();
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(traced(s.root), ['path', 'install-dir']);
});

test('the build script fails at once (exit 2) when the image has no trtexec', () => {
  assert.notEqual(spawnSync('sh', ['-c', 'command -v trtexec']).status, 0, 'this machine has no trtexec');
  const s = sandbox('exit 0');
  rmSync(join(s.root, 'bin', 'trtexec'));
  const r = s.build();
  assert.equal(r.status, 2);
  // the sandbox stands in its own directory for /usr/src/tensorrt/bin
  assert.equal(r.stderr, `no trtexec in this image (not on the PATH, nor ${join(s.root, 'usr-src-tensorrt', 'trtexec')})\n`);
  assert.ok(script(jobOf(synth(buildDoc()))).includes('echo "no trtexec in this image (not on the PATH, nor /usr/src/tensorrt/bin/trtexec)" >&2; exit 2;'));
});

// --- refusals --------------------------------------------------------------------------------------------

const err = (doc: unknown) => specErrors(doc)!;

test('refuses a build on a read-only repository', () => {
  assert.equal(err(buildDoc({}, { repository: { pvc: { claimName: 'models' } } })),
    'spec.yaml: spec.repository.pvc.readOnly: must be false: spec.models[0].build writes the plan into the version directories (the repository is read-only by default)');
  assert.equal(err(buildDoc({}, { repository: { pvc: { create: { size: '10Gi' }, readOnly: false } } })),
    'spec.yaml: spec.repository.pvc.create.accessMode: ReadOnlyMany (the default) cannot be written: spec.models[0].build writes the plan into the version directories (use ReadWriteMany)');
});

test('refuses a build on a downloaded (uri) repository', () => {
  assert.equal(err(buildDoc({}, { repository: { uri: 's3://models/triton' } })),
    'spec.yaml: spec.repository: spec.models[0].build writes the plan into the model repository: use a PersistentVolumeClaim (pvc) with readOnly: false (a uri or huggingface repository is downloaded into each pod, where a plan would be lost)');
});

test('refuses a build without resources.gpu.product', () => {
  assert.equal(err(buildDoc({}, { resources: { gpu: { count: 1 } } })),
    'spec.yaml: spec.resources.gpu.product: is required for model "det" (spec.models[0], format tensorrt): a TensorRT plan loads only on the GPU architecture and TensorRT version it was built for; name the GPU product the plan was built on');
});

test('refuses a build without versions, or of a format other than tensorrt', () => {
  assert.equal(err(buildDoc({}, {}, { versions: undefined })),
    'spec.yaml: spec.models[0].versions: is required with build: a plan is built in each listed version directory, and a new version starts a new build');
  assert.equal(err(buildDoc({}, {}, { format: 'onnx' })),
    'spec.yaml: spec.models[0].format: must be tensorrt with build.tensorrt: the build produces the TensorRT plan the server loads (format is onnx)');
});

test('refuses a build on a runtime other than triton', () => {
  const doc = { apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm' }, spec: { runtime: 'tfserving', models: [{ name: 'x', format: 'savedmodel', build: { tensorrt: {} } }], repository: { pvc: { claimName: 'p', readOnly: false } } } };
  assert.match(err(doc), /^spec\.yaml: spec\.models\[0\]\.build: is not used by runtime tfserving \(it applies to: triton\)/);
});

test('refuses INT8 without a calibration cache, and a cache without INT8', () => {
  assert.equal(err(buildDoc({ precision: 'INT8' })),
    'spec.yaml: spec.models[0].build.tensorrt.calibrationCache: is required with precision INT8: without a calibration cache trtexec builds INT8 with placeholder dynamic ranges and the engine computes wrong results');
  assert.equal(err(buildDoc({ calibrationCache: 'calib.cache' })),
    'spec.yaml: spec.models[0].build.tensorrt.calibrationCache: applies to precision INT8 only (precision is FP32)');
});

test('refuses FP16 and INT8 (with a calibration cache) builder flags on TensorRT 11 (Triton 26.06 and later)', () => {
  assert.equal(err(buildDoc({ precision: 'FP16' }, { image: 'nvcr.io/nvidia/tritonserver:26.07-py3' })),
    'spec.yaml: spec.models[0].build.tensorrt.precision: FP16 needs trtexec --fp16, which TensorRT 11 (release 26.07, 26.06 and later) no longer has: its networks are strongly typed, so export the ONNX in FP16 and leave precision out (or serve with a release older than 26.06)');
  assert.equal(err(buildDoc({ precision: 'INT8', calibrationCache: 'calib.cache' }, { image: 'nvcr.io/nvidia/tritonserver:26.07-py3' })),
    'spec.yaml: spec.models[0].build.tensorrt.precision: INT8 needs trtexec --int8, which TensorRT 11 (release 26.07, 26.06 and later) no longer has: its networks are strongly typed, so export the ONNX in INT8 with Q/DQ nodes and leave precision out (or serve with a release older than 26.06)');
  assert.equal(specErrors(buildDoc({ precision: 'FP16' }, { image: 'nvcr.io/nvidia/tritonserver:26.05-py3' })), undefined);
});

test('reports INT8 without a calibration cache on TensorRT 11 and the missing precision flag in one pass', () => {
  assert.equal(err(buildDoc({ precision: 'INT8' }, { image: 'nvcr.io/nvidia/tritonserver:26.07-py3' })), [
    'spec.yaml: spec.models[0].build.tensorrt.calibrationCache: is required with precision INT8: without a calibration cache trtexec builds INT8 with placeholder dynamic ranges and the engine computes wrong results',
    'spec.yaml: spec.models[0].build.tensorrt.precision: INT8 needs trtexec --int8, which TensorRT 11 (release 26.07, 26.06 and later) no longer has: its networks are strongly typed, so export the ONNX in INT8 with Q/DQ nodes and leave precision out (or serve with a release older than 26.06)',
  ].join('\n'));
});

test('refuses a build without shapes when an input has -1 dimensions (no batching)', () => {
  assert.equal(err(buildDoc({ minShapes: undefined, optShapes: undefined, maxShapes: undefined }, {}, { maxBatchSize: 0, inputs: [{ name: 'images', dataType: 'FP32', dims: [3, -1, -1] }, { name: 'mask', dataType: 'FP32', dims: [-1] }] })),
    'spec.yaml: spec.models[0].build.tensorrt.maxShapes: is required: input(s) images, mask have -1 dimensions, which trtexec would build at 1');
});

test('refuses optShapes or maxShapes that name other inputs than minShapes', () => {
  assert.equal(err(buildDoc({ optShapes: { image: [4, 3, 64, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.optShapes: must name the same inputs as minShapes (images; found image)');
  assert.equal(err(buildDoc({ maxShapes: { images: [8, 3, 64, 64], extra: [1] } })),
    'spec.yaml: spec.models[0].build.tensorrt.maxShapes: must name the same inputs as minShapes (images; found images, extra)');
});

test('refuses min, opt and max shapes of one input with different numbers of dimensions', () => {
  assert.equal(err(buildDoc({ optShapes: { images: [4, 3, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.minShapes.images: min, opt and max shapes of input "images" must have the same number of dimensions (4, 3, 4)');
});

test('refuses a build when a rollout track has a read-only repository of its own', () => {
  assert.equal(err(buildDoc({}, { replicas: 2, rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: { repository: { pvc: { claimName: 'models-green' } } } } } })),
    'spec.yaml: spec.rollout.tracks.green.repository.pvc.readOnly: must be false: spec.models[0].build writes the plan into the version directories (the repository is read-only by default)');
});

test('refuses shapes that contradict maxBatchSize', () => {
  assert.equal(err(buildDoc({ minShapes: { images: [2, 3, 64, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.minShapes.images: batch dimension must be 1 (is 2): Triton sends batches of 1 to maxBatchSize');
  assert.equal(err(buildDoc({ optShapes: { images: [2, 3, 64, 64] }, maxShapes: { images: [4, 3, 64, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.maxShapes.images: batch dimension 4 is below maxBatchSize (8): Triton refuses a config whose max_batch_size the engine cannot take');
  assert.equal(err(buildDoc({ minShapes: undefined, optShapes: undefined, maxShapes: undefined })),
    "spec.yaml: spec.models[0].build.tensorrt.maxShapes: is required when maxBatchSize > 0 (8): without shapes trtexec builds dynamic dimensions at 1, and the engine could not take Triton's batches");
});

test('refuses shapes that contradict the declared inputs', () => {
  assert.equal(err(buildDoc({ minShapes: { image: [1, 3, 64, 64] }, optShapes: { image: [4, 3, 64, 64] }, maxShapes: { image: [8, 3, 64, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.minShapes.image: names input "image", which the model\'s inputs do not declare (declared: images)');
  assert.equal(err(buildDoc({ minShapes: { images: [1, 64, 64] }, optShapes: { images: [4, 64, 64] }, maxShapes: { images: [8, 64, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.minShapes.images: has 3 dimensions; input "images" has 4 (dims [3, 64, 64] after the batch dimension)');
  assert.equal(err(buildDoc({ maxShapes: { images: [8, 3, 128, 128] } })), [
    'spec.yaml: spec.models[0].build.tensorrt.maxShapes.images: dimension 2 must be 64 as the input declares (min 64, max 128)',
    'spec.yaml: spec.models[0].build.tensorrt.maxShapes.images: dimension 3 must be 64 as the input declares (min 64, max 128)',
  ].join('\n'));
  assert.equal(err(buildDoc({ optShapes: { images: [16, 3, 64, 64] } })),
    'spec.yaml: spec.models[0].build.tensorrt.optShapes.images: dimension 0 must satisfy min <= opt <= max (1, 16, 8)');
  assert.equal(err(buildDoc({ optShapes: undefined })),
    'spec.yaml: spec.models[0].build.tensorrt: set minShapes, optShapes and maxShapes together: they form one optimization profile (missing optShapes)');
});

test('refuses a build image of another release, and a serving image whose release cannot be read without one', () => {
  assert.equal(err(buildDoc({ image: 'nvcr.io/nvidia/tensorrt:25.09-py3' })),
    'spec.yaml: spec.models[0].build.tensorrt.image: TensorRT 25.09 would build a plan that the 25.08 server (spec.image) cannot load: use nvcr.io/nvidia/tensorrt:25.08-py3');
  assert.equal(err(buildDoc({}, { image: 'registry.example.org/ml/tritonserver@sha256:' + 'a'.repeat(64) })),
    `spec.yaml: spec.models[0].build.tensorrt.image: is required: the TensorRT release cannot be read from spec.image (registry.example.org/ml/tritonserver@sha256:${'a'.repeat(64)}); set the nvcr.io/nvidia/tensorrt:<YY.MM>-py3 image of the same release`);
  assert.equal(specErrors(buildDoc({ image: 'registry.example.org/ml/trt-builder:10.13' }, { image: 'registry.example.org/ml/tritonserver@sha256:' + 'a'.repeat(64) })), undefined);
});
