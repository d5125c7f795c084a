/** TensorRT engine builds: the Job, the serving pods' wait step, rebuild triggers, Pulumi order (the scripts: engine-build-script.test.ts; refusals: engine-build-rules.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { synth, synthFile, find, all, container, specErrors, K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { planResources } from '../lib/pulumi/plan';
import { loadSpecFile } from '../lib/spec/load';
import { tensorrtImageFor } from '../lib/runtimes/triton-engine';
import { parseSpecs } from '../lib/spec/load';
import { ModelServingChart } from '../lib/constructs/chart';
import { App, ApiObject } from 'cdk8s';
import { TEMPLATE, buildDoc, jobOf, synthDocOf, script } from './support/engine-build';

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
