/**
 * ModelServing in your own cdk8s code: the Chart namespace convention, unique names per chart, and the typed
 * escape hatches (the objects users patch with cdk8s's JsonPatch, labels and annotations).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { ModelServing, ModelServingProps, ModelServingChart, SpecError } from '../lib';
import { tritonDoc, find, all, container } from './support/synth';

const props = (extra: Partial<ModelServingProps> = {}): ModelServingProps => ({
  name: 'vision',
  runtime: 'triton',
  models: [{ name: 'resnet50', format: 'onnx' }],
  repository: { pvc: { claimName: 'models' } },
  resources: { gpu: { count: 1 } },
  ...extra,
});

test('a Chart namespace reaches every object, PromQL matchers and the URL when the props name none', () => {
  const chart = new Chart(new App(), 'c', { namespace: 'ml-team' });
  const serving = new ModelServing(chart, 'vision', props({ autoscaling: { maxReplicas: 4, targetInferencesPerSecondPerPod: 100 } }));
  const objects = chart.toJson();
  assert.ok(objects.length > 8);
  for (const o of objects) assert.equal(o.metadata.namespace, 'ml-team', `${o.kind} ${o.metadata.name}`);
  assert.equal(serving.context.namespace, 'ml-team');
  assert.equal(serving.url, 'http://vision.ml-team.svc.cluster.local:8000');
  const rule = find(objects, 'PrometheusRule');
  const exprs = rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.expr)).join('\n');
  assert.match(exprs, /namespace="ml-team",job="vision-metrics"/);
  assert.doesNotMatch(exprs, /namespace="default"/);
  assert.deepEqual(find(objects, 'ServiceMonitor').spec.namespaceSelector, { matchNames: ['ml-team'] });
});

test('the props namespace wins over the Chart namespace; without either it is default', () => {
  const chart = new Chart(new App(), 'c', { namespace: 'ml-team' });
  new ModelServing(chart, 'vision', props({ namespace: 'ml-prod' }));
  assert.deepEqual([...new Set(chart.toJson().map((o) => o.metadata.namespace))], ['ml-prod']);
  const bare = new Chart(new App(), 'c');
  new ModelServing(bare, 'vision', props());
  assert.deepEqual([...new Set(bare.toJson().map((o) => o.metadata.namespace))], ['default']);
});

test('ModelServingChart: specs without a namespace take the chart namespace', () => {
  const { metadata: { namespace: _ns, ...metadata }, ...rest } = tritonDoc();
  const chart = new ModelServingChart(new App(), 'c', { namespace: 'ml-team', specs: [{ ...rest, metadata }] });
  assert.deepEqual([...new Set(chart.toJson().map((o) => o.metadata.namespace))], ['ml-team']);
});

test('refuses a Chart namespace that is not a DNS label, like a spec namespace', () => {
  const chart = new Chart(new App(), 'c', { namespace: 'ML_Team' });
  assert.throws(() => new ModelServing(chart, 'vision', props()), (e: unknown) => {
    assert.ok(e instanceof SpecError);
    assert.equal(e.issues[0].path, 'metadata.namespace');
    return true;
  });
});

test('refuses two ModelServing with the same name in one chart and namespace, naming the first one', () => {
  const chart = new Chart(new App(), 'serving');
  new ModelServing(chart, 'a', props());
  assert.throws(() => new ModelServing(chart, 'b', props({ models: [{ name: 'other', format: 'onnx' }] })), (e: unknown) => {
    assert.ok(e instanceof SpecError);
    assert.equal(e.message, 'metadata.name: "vision" is already the name of the ModelServing serving/a in namespace default of chart serving; their objects (Deployment, Service, ConfigMaps, ...) would have the same names: give each ModelServing of a chart and namespace its own name');
    return true;
  });
  // also below a plain construct of the same chart
  assert.throws(() => new ModelServing(new Construct(chart, 'group'), 'c', props()), /"vision" is already the name of the ModelServing serving\/a/);
  // the same name in two charts is fine, and so is a failed construct: its name is not taken
  new ModelServing(new Chart(chart.node.scope!, 'other'), 'a', props());
  const fresh = new Chart(new App(), 'fresh');
  assert.throws(() => new ModelServing(fresh, 'bad', props({ replicas: -1 })), /spec.replicas/);
  new ModelServing(fresh, 'good', props());
});

test('accepts ModelServing of the same name in different namespaces of one chart: their objects do not collide', () => {
  const chart = new Chart(new App(), 'serving');
  new ModelServing(chart, 'a', props({ namespace: 'team-a' }));
  new ModelServing(chart, 'b', props({ namespace: 'team-b' }));
  const objects = chart.toJson();
  const deployments = all(objects, 'Deployment').map((d) => `${d.metadata.namespace}/${d.metadata.name}`);
  assert.deepEqual(deployments, ['team-a/vision', 'team-b/vision']);
});

test('refuses two ModelServing of one chart whose objects clash (foo and foo-metrics: Service foo-metrics), as the file rule does', () => {
  const chart = new Chart(new App(), 'serving');
  new ModelServing(chart, 'first', props({ name: 'foo' }));
  assert.throws(() => new ModelServing(chart, 'second', props({ name: 'foo-metrics' })), (e: unknown) => {
    assert.ok(e instanceof SpecError);
    assert.equal(e.message, 'metadata.name: "foo-metrics" and the ModelServing serving/first ("foo") of chart serving both write Service/foo-metrics in namespace default: one would overwrite the other; rename one of them');
    return true;
  });
  // ModelServingChart: the same rule, and a clear refusal of one name twice (its construct IDs are the names)
  assert.throws(() => new ModelServingChart(new App(), 'c', { specs: [tritonDoc({}, { name: 'bar' }), tritonDoc({}, { name: 'bar-metrics' })] }),
    /: metadata\.name: "bar-metrics" and the ModelServing c\/bar \("bar"\) of chart c both write Service\/bar-metrics in namespace ml: one would overwrite the other; rename one of them$/);
  // in another namespace the objects do not clash
  new ModelServingChart(new App(), 'c', { specs: [tritonDoc({}, { name: 'bar' }), tritonDoc({}, { name: 'bar-metrics', namespace: 'other' })] });
});

test('refuses two specs of the same name in one ModelServingChart, even in different namespaces, saying why', () => {
  assert.throws(() => new ModelServingChart(new App(), 'c', { specs: [tritonDoc(), tritonDoc({}, { namespace: 'other' })] }), (e: unknown) => {
    assert.ok(e instanceof SpecError);
    assert.equal(e.message, 'metadata.name: "m" is also the name of spec 1 of this ModelServingChart (spec 2, namespace other): the chart uses each spec\'s name as its construct ID, so names must be unique in a chart; put specs of the same name in separate charts');
    return true;
  });
});

test('refuses a ModelServing that would write one object twice (a blue-green track named epp next to the endpoint picker)', () => {
  const chart = new Chart(new App(), 'serving');
  const llm = {
    name: 'chat', namespace: 'llm', runtime: 'vllm', models: [{ name: 'llama', format: 'huggingface' }],
    repository: { huggingface: { modelId: 'meta-llama/Llama-3.1-8B-Instruct' } }, resources: { gpu: { count: 1 } },
    gateway: { parentRef: { name: 'gw' } }, inferencePool: {}, networkPolicy: { allowFromNamespaces: ['gateway-system'] },
    rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, epp: {} } },
  } as unknown as ModelServingProps;
  assert.throws(() => new ModelServing(chart, 'chat', llm), (e: unknown) => {
    assert.ok(e instanceof SpecError);
    assert.equal(e.message, 'spec.rollout.tracks.epp: track "epp" and the endpoint picker of spec.inferencePool both write Deployment/chat-epp in namespace llm: one would overwrite the other; choose another track name');
    return true;
  });
  assert.equal(chart.node.children.length, 0);
});

test('escape hatches: the track Deployments, Services and any object are typed and take a JsonPatch', () => {
  const chart = new Chart(new App(), 'c');
  const serving = new ModelServing(chart, 'vision', props({
    gateway: { parentRef: { name: 'inference' } },
    rollout: { strategy: 'canary', weight: 10, canary: { image: 'nvcr.io/nvidia/tritonserver:26.06-py3' } },
  }));
  assert.deepEqual(serving.workloads.map((w) => [w.track.key, w.deployment.kind, w.deployment.name]), [['stable', 'Deployment', 'vision'], ['canary', 'Deployment', 'vision-canary']]);
  serving.workloads[0].deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', 'gpu-high'));
  serving.services!.service.metadata.addAnnotation('example.com/owner', 'ml-platform');
  assert.equal(serving.services!.trackServices.canary.name, 'vision-canary');
  assert.equal(serving.services!.metricsService.name, 'vision-metrics');
  serving.findObject('PrometheusRule')!.metadata.addLabel('prometheus', 'main');
  assert.equal(serving.findObject('Deployment', 'vision-canary'), serving.workloads[1].deployment);
  assert.equal(serving.findObject('Job'), undefined);
  assert.equal(serving.serviceAccount!.name, 'vision');
  assert.deepEqual(serving.apiObjects.map((o) => o.kind).filter((k) => k === 'Deployment'), ['Deployment', 'Deployment']);

  const objects = chart.toJson();
  assert.equal(find(objects, 'Deployment', 'vision').spec.template.spec.priorityClassName, 'gpu-high');
  assert.equal(find(objects, 'Deployment', 'vision-canary').spec.template.spec.priorityClassName, undefined);
  assert.equal(find(objects, 'Service', 'vision').metadata.annotations['example.com/owner'], 'ml-platform');
  assert.equal(find(objects, 'PrometheusRule').metadata.labels.prometheus, 'main');
  // the patched object keeps everything else
  assert.equal(container(find(objects, 'Deployment', 'vision')).resources.limits['nvidia.com/gpu'], 1);
});

test('escape hatches per mode: batch Job, edge DaemonSet; no online parts where the mode has none', () => {
  const batch = new ModelServing(new Chart(new App(), 'b'), 'nightly', props({
    name: 'nightly', mode: 'batch', batch: { input: 's3://bucket/in', output: 's3://bucket/out' },
  }));
  assert.equal(batch.batchJob!.workload.kind, 'Job');
  assert.deepEqual([batch.workloads.length, batch.services, batch.ingress, batch.observability, batch.url], [0, undefined, undefined, undefined, undefined]);
  const edge = new ModelServing(new Chart(new App(), 'e'), 'edge', props({
    name: 'edge', mode: 'edge', resources: undefined, repository: { uri: 's3://bucket/models' }, edge: { nodeSelector: { 'example.com/edge': 'true' } },
  }));
  assert.equal(edge.edgeWorkload!.daemonSet.kind, 'DaemonSet');
  assert.equal(all(edge.apiObjects.map((o) => o.toJson()), 'DaemonSet').length, 1);
});

test('the README escape-hatch example runs as written and patches every track Deployment', async (t) => {
  const { existsSync, mkdtempSync, writeFileSync, readFileSync } = await import('node:fs');
  const { spawnSync } = await import('node:child_process');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  if (!existsSync('build/lib/index.js')) return t.skip('run `npm run build` first (npm test builds)');
  const example = /## Escape hatches\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readFileSync('README.md', 'utf8'))![1];
  const file = join('build', 'readme-escape-hatch.ts');
  writeFileSync(file, example);
  const out = mkdtempSync(join(tmpdir(), 'readme-'));
  const p = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: out } });
  assert.equal(p.status, 0, p.stderr);
  const { parseAllDocuments } = await import('yaml');
  const objects = parseAllDocuments(readFileSync(join(out, 'llm.k8s.yaml'), 'utf8')).map((d) => d.toJS());
  assert.equal(find(objects, 'Deployment', 'llm').spec.template.spec.priorityClassName, 'gpu-inference');
  assert.equal(find(objects, 'Service', 'llm').metadata.annotations['example.com/owner'], 'ml-platform');
  assert.equal(find(objects, 'PrometheusRule').metadata.labels.prometheus, 'main');
  assert.deepEqual([...new Set(objects.map((o) => o.metadata.namespace))], ['ml-prod']);
});

test('the README states the name rule of ModelServing in a chart as the code applies it: per namespace', async () => {
  const { readFileSync } = await import('node:fs');
  const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
  assert.match(readme, /Two `ModelServing` of one chart with the same name in the same namespace are refused/);
  assert.match(readme, /in different namespaces the same name is fine/);
  assert.match(readme, /`ModelServingChart` uses each spec's name as its construct ID, so its specs need distinct names even in different namespaces/);
  const chart = new Chart(new App(), 'serving');
  new ModelServing(chart, 'a', props({ namespace: 'team-a' }));
  new ModelServing(chart, 'b', props({ namespace: 'team-b' }));
  assert.throws(() => new ModelServing(chart, 'c', props({ namespace: 'team-a' })), SpecError);
  assert.throws(() => new ModelServingChart(new App(), 'c', { specs: [tritonDoc({}, { name: 'm' }), tritonDoc({}, { name: 'm', namespace: 'other' })] }), SpecError);
});
