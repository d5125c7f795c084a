import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { stringify } from 'yaml';
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import { loadSpecFile } from '../lib/spec/load';
import { synthesizeSpecs } from '../lib/synth';
import { main as cli } from '../lib/cli/main';
import {
  ModelServingStack, ModelServingStackError, MODEL_SERVING_STACK_TYPE, planResources, stageOf, resourceKind,
  workloadAwaitTimeouts, podReadySeconds, SKIP_AWAIT_ANNOTATION, WAIT_FOR_ANNOTATION,
} from '../lib/pulumi';
import { assertValidObjects } from './support/k8s-validate';
import { tritonDoc } from './support/synth';
import { vllmPoolDoc } from './support/llm';

// ---- mocks: set before any resource is constructed; every registration is recorded by name ----------
interface Registration {
  type: string;
  name: string;
  inputs: Record<string, any>;
  parent: string;
  provider: string;
  dependencies: string[];
  timeouts: { create: string; update: string };
}
const records = new Map<string, Partial<Registration>>();
const record = (name: string, r: Partial<Registration>) => records.set(name, { ...records.get(name), ...r });
const PROJECT = 'model-serving';
const STACK = 'test';
pulumi.runtime.setMocks({
  newResource: (a) => {
    record(a.name, { type: a.type, name: a.name, inputs: a.inputs });
    return { id: `${a.name}-id`, state: a.inputs };
  },
  call: () => ({}),
}, PROJECT, STACK, false);
const monitor = pulumi.runtime.getMonitor() as any;
const register = monitor.registerResource.bind(monitor);
monitor.registerResource = (req: any, cb: unknown) => {
  const t = req.getCustomtimeouts();
  record(req.getName(), {
    parent: req.getParent(), provider: req.getProvider(), dependencies: req.getDependenciesList(),
    timeouts: { create: t?.getCreate() ?? '', update: t?.getUpdate() ?? '' },
  });
  return register(req, cb);
};

const resolved = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((r) => o.apply(r));

/** Every child the component registered (waits until each one is registered). */
async function childrenOf(stack: ModelServingStack): Promise<Registration[]> {
  const urn = await resolved(stack.urn);
  await Promise.all(Object.values(stack.resources).map((r) => resolved(r.urn)));
  return [...records.values()].filter((r) => r.parent === urn) as Registration[];
}

const key = (o: Record<string, any>) => `${o.apiVersion} ${o.kind} ${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const byKey = (objs: Record<string, any>[]) => new Map(objs.map((o) => [key(o), o]));
const urnOf = (type: string, name: string) => `urn:pulumi:${STACK}::${PROJECT}::${MODEL_SERVING_STACK_TYPE}$${type}::${name}`;
const child = (children: Registration[], kind: string, name: string) => {
  const hit = children.find((c) => c.inputs.kind === kind && c.inputs.metadata?.name === name);
  assert.ok(hit, `no ${kind} ${name} among ${children.map((c) => c.name).join(', ')}`);
  return hit;
};

const ROOT = join(__dirname, '..');
const TEMPLATES = join(ROOT, 'templates');
const ONNX = join(TEMPLATES, 'triton-onnx-classifier.yaml');
/** A Triton spec with an Ingress (TLS), an HPA and monitoring: objects in every stage. */
const fullDoc = () => tritonDoc({
  ingress: { host: 'vision.example.org', className: 'nginx', path: '/v1/classifier', tls: { secretName: 'vision-tls' } },
  networkPolicy: { allowFromNamespaces: ['ingress-nginx'] },
  autoscaling: { minReplicas: 2, maxReplicas: 6, targetInferencesPerSecondPerPod: 100 },
  monitoring: { serviceMonitor: true },
}, { name: 'vision' });

function tempSpec(docs: unknown[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'ms-pulumi-')), 'spec.yaml');
  writeFileSync(file, docs.map((d) => stringify(d)).join('---\n'));
  return file;
}

// ---- the plan, without an engine ----------------------------------------------------------------

test('puts each kind in the stage that orders it on an empty cluster', () => {
  const cases: [string, string, string][] = [
    ['v1', 'Namespace', 'namespace'],
    ['v1', 'ServiceAccount', 'prerequisites'], ['v1', 'ConfigMap', 'prerequisites'], ['v1', 'Secret', 'prerequisites'],
    ['v1', 'PersistentVolumeClaim', 'prerequisites'], ['networking.k8s.io/v1', 'NetworkPolicy', 'prerequisites'],
    ['policy/v1', 'PodDisruptionBudget', 'prerequisites'],
    ['apps/v1', 'Deployment', 'workloads'], ['apps/v1', 'DaemonSet', 'workloads'], ['batch/v1', 'Job', 'workloads'],
    ['batch/v1', 'CronJob', 'workloads'], ['v1', 'Service', 'workloads'],
    ['autoscaling/v2', 'HorizontalPodAutoscaler', 'dependents'], ['autoscaling.k8s.io/v1', 'VerticalPodAutoscaler', 'dependents'],
    ['keda.sh/v1alpha1', 'ScaledObject', 'dependents'], ['monitoring.coreos.com/v1', 'ServiceMonitor', 'dependents'],
    ['monitoring.coreos.com/v1', 'PrometheusRule', 'dependents'], ['networking.k8s.io/v1', 'Ingress', 'dependents'],
    ['gateway.networking.k8s.io/v1', 'HTTPRoute', 'dependents'],
  ];
  for (const [apiVersion, kind, stage] of cases) assert.equal(stageOf(apiVersion, kind), stage, `${apiVersion} ${kind}`);
});

test('registers built-in kinds with their typed class and CRD kinds as CustomResources', () => {
  assert.deepEqual(resourceKind('v1', 'Service'), { pulumiType: 'kubernetes:core/v1:Service', typedClass: { module: 'core', version: 'v1', kind: 'Service' } });
  assert.deepEqual(resourceKind('apps/v1', 'Deployment'), { pulumiType: 'kubernetes:apps/v1:Deployment', typedClass: { module: 'apps', version: 'v1', kind: 'Deployment' } });
  assert.deepEqual(resourceKind('networking.k8s.io/v1', 'Ingress'), { pulumiType: 'kubernetes:networking.k8s.io/v1:Ingress', typedClass: { module: 'networking', version: 'v1', kind: 'Ingress' } });
  assert.deepEqual(resourceKind('monitoring.coreos.com/v1', 'ServiceMonitor'), { pulumiType: 'kubernetes:monitoring.coreos.com/v1:ServiceMonitor' });
  assert.deepEqual(resourceKind('autoscaling.k8s.io/v1', 'VerticalPodAutoscaler'), { pulumiType: 'kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler' });
  assert.deepEqual(resourceKind('gateway.networking.k8s.io/v1', 'HTTPRoute'), { pulumiType: 'kubernetes:gateway.networking.k8s.io/v1:HTTPRoute' });
});

const deployment = (spec: Record<string, unknown>) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'm' }, spec });
const probe = (failureThreshold: number) => ({ template: { spec: { containers: [{ name: 'server', startupProbe: { periodSeconds: 10, failureThreshold } }] } } });

test('sizes a Deployment wait as its progress deadline, once per rolling-update wave on update', () => {
  const d = deployment({ replicas: 3, progressDeadlineSeconds: 1200, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } });
  assert.deepEqual(workloadAwaitTimeouts(d, [d]), { createSeconds: 1200, updateSeconds: 3600 });
  const two = deployment({ replicas: 4, progressDeadlineSeconds: 1200, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } });
  assert.deepEqual(workloadAwaitTimeouts(two, [two]), { createSeconds: 1200, updateSeconds: 2400 });
});

test('counts an autoscaled Deployment by its HorizontalPodAutoscaler maxReplicas', () => {
  const d = deployment({ progressDeadlineSeconds: 1200, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } });
  const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'm' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'm' }, maxReplicas: 5 } };
  assert.deepEqual(workloadAwaitTimeouts(d, [d, hpa]), { createSeconds: 1200, updateSeconds: 6000 });
});

test('waits a startupProbe budget plus 10 minutes without a progress deadline, and never less than 10 minutes', () => {
  assert.equal(podReadySeconds({ kind: 'DaemonSet', spec: probe(180) }), 1800 + 600);
  assert.equal(podReadySeconds({ kind: 'DaemonSet', spec: { template: { spec: { containers: [{ name: 'server' }] } } } }), 600);
  assert.equal(podReadySeconds(deployment({ progressDeadlineSeconds: 120 })), 600);
});

test('lets a Job run for its activeDeadlineSeconds on top of the startup budget', () => {
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'm' }, spec: { activeDeadlineSeconds: 7200, ...probe(60) } };
  assert.deepEqual(workloadAwaitTimeouts(job, [job]), { createSeconds: 600 + 600 + 7200, updateSeconds: 600 + 600 + 7200 });
});

test('orders the plan by stage and makes each stage wait for the one before it', () => {
  const plan = planResources([fullDoc()], { componentName: 'p' });
  const stageOrder = plan.resources.map((r) => r.stage);
  assert.deepEqual(stageOrder, [...stageOrder].sort((a, b) => ['namespace', 'prerequisites', 'workloads', 'dependents'].indexOf(a) - ['namespace', 'prerequisites', 'workloads', 'dependents'].indexOf(b)));
  const names = (stage: string) => plan.resources.filter((r) => r.stage === stage).map((r) => r.logicalName);
  for (const r of plan.resources) {
    const expected = r.stage === 'prerequisites' ? [] : r.stage === 'workloads' ? names('prerequisites') : names('workloads');
    assert.deepEqual(r.dependsOn, expected, r.logicalName);
  }
  assert.ok(names('prerequisites').includes('p-serviceaccount-vision') && names('prerequisites').includes('p-configmap-vision-config'));
  assert.ok(names('dependents').includes('p-horizontalpodautoscaler-vision') && names('dependents').includes('p-ingress-vision'));
});

test('creates the namespace first when createNamespace is set, and every prerequisite waits for it', () => {
  const plan = planResources([tritonDoc()], { componentName: 'p', createNamespace: true });
  const [ns] = plan.resources;
  assert.equal(ns.logicalName, 'p-namespace-ml');
  assert.deepEqual(ns.object, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ml', labels: { 'app.kubernetes.io/managed-by': 'cdk8s-model-serving' } } });
  for (const r of plan.resources.filter((x) => x.stage === 'prerequisites')) assert.deepEqual(r.dependsOn, ['p-namespace-ml']);
});

test('refuses createNamespace for a namespace that always exists', () => {
  assert.throws(() => planResources([tritonDoc({}, { namespace: 'default' })], { componentName: 'p', createNamespace: true }), {
    name: 'PlanError',
    message: 'createNamespace: namespace "default" always exists and must not be created (or deleted) by this stack; leave createNamespace off',
  });
});

test('refuses two specs whose objects would have the same Pulumi name', () => {
  const a = tritonDoc({}, { name: 'a', namespace: 'one' });
  const b = tritonDoc({}, { name: 'a-metrics', namespace: 'two' });
  assert.throws(() => planResources([a, b], { componentName: 'p' }), {
    name: 'PlanError',
    message: 'Service two/a-metrics and Service one/a-metrics would both be the Pulumi resource "p-service-a-metrics": deploy these specs with separate ModelServingStack components',
  });
});

test('lists the CRDs the objects need', () => {
  const plan = planResources([fullDoc()], { componentName: 'p' });
  assert.deepEqual(plan.requiredCrds, ['monitoring.coreos.com/v1 PrometheusRule', 'monitoring.coreos.com/v1 ServiceMonitor']);
});

// ---- the component under Pulumi mocks --------------------------------------------------------------

test('registers exactly the objects model-serving synth writes, for every template', async (t) => {
  const files = readdirSync(TEMPLATES).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
  assert.ok(files.length > 0, 'templates/ has no spec');
  for (const [i, f] of files.entries()) {
    await t.test(f, async () => {
      const file = join(TEMPLATES, f);
      const expected = synthesizeSpecs(loadSpecFile(file).map((l) => l.document)).flatMap((m) => m.objects);
      const stack = new ModelServingStack(`tpl${i}`, { specFile: file });
      const children = await childrenOf(stack);
      const registered = children.map((c) => c.inputs);
      assert.equal(registered.length, expected.length);
      // the only difference: the plan's pulumi.com/* await annotations (LeaderWorkerSet waitFor, skipAwait)
      const added = new Map(stack.plan.resources.map((r) => [r.logicalName, r.pulumiAnnotations ?? {}]));
      const withoutAwait = children.map((c) => {
        const keys = Object.keys(added.get(c.name) ?? {});
        assert.ok(keys.every((k) => k.startsWith('pulumi.com/')), keys.join(','));
        if (!keys.length) return c.inputs;
        const o = structuredClone(c.inputs);
        for (const k of keys) delete o.metadata.annotations[k];
        if (!Object.keys(o.metadata.annotations).length) delete o.metadata.annotations;
        return o;
      });
      assert.deepEqual(byKey(withoutAwait), byKey(expected));
      for (const c of children) {
        const { apiVersion, kind, metadata } = c.inputs;
        assert.equal(c.type, `kubernetes:${apiVersion.includes('/') ? apiVersion : `core/${apiVersion}`}:${kind}`);
        assert.equal(c.name, `tpl${i}-${kind.toLowerCase()}-${metadata.name}`);
      }
      await assertValidObjects(registered);
    });
  }
});

test('names each child from the component, under the component type, so URNs are stable', async () => {
  const stack = new ModelServingStack('vision', { specFile: ONNX });
  const children = await childrenOf(stack);
  assert.equal(await resolved(stack.urn), `urn:pulumi:${STACK}::${PROJECT}::${MODEL_SERVING_STACK_TYPE}::vision`);
  const dep = child(children, 'Deployment', 'vision-classifier');
  assert.equal(dep.name, 'vision-deployment-vision-classifier');
  assert.equal(await resolved(stack.resources[dep.name].urn), urnOf('kubernetes:apps/v1:Deployment', 'vision-deployment-vision-classifier'));
  assert.equal(child(children, 'ServiceMonitor', 'vision-classifier').type, 'kubernetes:monitoring.coreos.com/v1:ServiceMonitor');
});

test('registers workloads after their ServiceAccount and ConfigMap, and autoscaler, monitoring and Ingress after the workloads', async () => {
  const stack = new ModelServingStack('order', { spec: fullDoc() });
  const children = await childrenOf(stack);
  const urn = (kind: string, name: string) => { const c = child(children, kind, name); return urnOf(c.type, c.name); };
  const deps = (kind: string, name: string) => child(children, kind, name).dependencies;
  for (const [kind, name] of [['Deployment', 'vision'], ['Service', 'vision']]) {
    assert.ok(deps(kind, name).includes(urn('ServiceAccount', 'vision')), `${kind} waits for the ServiceAccount`);
    assert.ok(deps(kind, name).includes(urn('ConfigMap', 'vision-config')), `${kind} waits for the ConfigMap`);
  }
  assert.ok(!deps('Deployment', 'vision').includes(urn('Service', 'vision')), 'a Service never blocks its Deployment');
  for (const [kind, name] of [['HorizontalPodAutoscaler', 'vision'], ['ServiceMonitor', 'vision'], ['PrometheusRule', 'vision'], ['Ingress', 'vision']]) {
    assert.ok(deps(kind, name).includes(urn('Deployment', 'vision')), `${kind} waits for the Deployment`);
    assert.ok(deps(kind, name).includes(urn('Service', 'vision')), `${kind} waits for the Service`);
  }
  assert.deepEqual(deps('ServiceAccount', 'vision'), []);
});

test('gives the Deployment and its Service Pulumi timeouts sized from the startup budget', async () => {
  const stack = new ModelServingStack('timeouts', { spec: fullDoc() });
  const children = await childrenOf(stack);
  const dep = child(children, 'Deployment', 'vision');
  assert.equal(dep.inputs.spec.progressDeadlineSeconds, 1200);
  assert.deepEqual(dep.inputs.spec.strategy.rollingUpdate, { maxSurge: 0, maxUnavailable: 1 });
  // create: one pod's 20 minutes; update: 6 waves of one pod (HPA maxReplicas 6, maxSurge 0 + maxUnavailable 1)
  assert.deepEqual(dep.timeouts, { create: '20m', update: '120m' });
  assert.deepEqual(child(children, 'Service', 'vision').timeouts, { create: '20m', update: '20m' });
  assert.deepEqual(child(children, 'Service', 'vision-metrics').timeouts, { create: '', update: '' }, 'a headless Service is not awaited');
  assert.deepEqual(child(children, 'ConfigMap', 'vision-config').timeouts, { create: '', update: '' });
});

const LWS_TEMPLATE = join(TEMPLATES, 'vllm-multinode-lws.yaml');

test('waits for a LeaderWorkerSet (pulumi.com/waitFor: condition=Available) and sizes it and the leader Service from the leader\'s startup budget', () => {
  const plan = planResources(loadSpecFile(LWS_TEMPLATE).map((l) => l.document), { componentName: 'p' });
  const r = (kind: string, name: string) => plan.resources.find((x) => x.kind === kind && x.name === name)!;
  const lws = r('LeaderWorkerSet', 'llama-405b-lws');
  const probe = lws.object.spec.leaderWorkerTemplate.leaderTemplate.spec.containers.find((c: any) => c.name === 'server').startupProbe;
  const budget = probe.periodSeconds * probe.failureThreshold;
  assert.equal(budget, 3600, 'startupTimeoutSeconds: 3600');
  assert.deepEqual(lws.pulumiAnnotations, { [WAIT_FOR_ANNOTATION]: 'condition=Available' });
  assert.equal(lws.object.metadata.annotations[WAIT_FOR_ANNOTATION], 'condition=Available');
  // create: one group's budget (+10 minutes for scheduling and pulls); update: one group per wave, HPA maxReplicas 4
  assert.deepEqual(lws.timeouts, { createSeconds: budget + 600, updateSeconds: (budget + 600) * 4 });
  assert.deepEqual(r('Service', 'llama-405b').timeouts, { createSeconds: budget + 600, updateSeconds: budget + 600 });
  assert.equal(r('Service', 'llama-405b').pulumiAnnotations, undefined);
  // what follows the LeaderWorkerSet waits for its groups, not for its creation
  assert.ok(r('HorizontalPodAutoscaler', 'llama-405b').dependsOn.includes(lws.logicalName));
});

test('registers the LeaderWorkerSet with its waitFor annotation and custom timeouts under mocks', async () => {
  const stack = new ModelServingStack('lws', { specFile: LWS_TEMPLATE });
  const children = await childrenOf(stack);
  const lws = child(children, 'LeaderWorkerSet', 'llama-405b-lws');
  assert.equal(lws.type, 'kubernetes:leaderworkerset.x-k8s.io/v1:LeaderWorkerSet');
  assert.equal(lws.inputs.metadata.annotations[WAIT_FOR_ANNOTATION], 'condition=Available');
  assert.deepEqual(lws.timeouts, { create: '70m', update: '280m' });
  assert.deepEqual(child(children, 'Service', 'llama-405b').timeouts, { create: '70m', update: '70m' });
});

const POOL_TEMPLATE = join(TEMPLATES, 'vllm-inference-pool.yaml');

test('skips Pulumi\'s wait for a Service whose pods may all be scaled to zero, and keeps the workload\'s own wait', async () => {
  const doc = loadSpecFile(POOL_TEMPLATE)[0].document;
  assert.equal(doc.spec.autoscaling?.minReplicas, 0);
  const plan = planResources([doc], { componentName: 'p' });
  const svc = plan.resources.find((x) => x.kind === 'Service' && x.name === doc.metadata.name)!;
  assert.deepEqual(svc.pulumiAnnotations, { [SKIP_AWAIT_ANNOTATION]: 'true' });
  assert.equal(svc.timeouts, undefined);
  const dep = plan.resources.find((x) => x.kind === 'Deployment' && x.name === doc.metadata.name)!;
  assert.ok(dep.timeouts && dep.timeouts.createSeconds > 600 && dep.pulumiAnnotations === undefined, 'the Deployment is still awaited');
  // the endpoint picker's Service selects pods that always run: awaited
  assert.equal(plan.resources.find((x) => x.kind === 'Service' && x.name.endsWith('-epp'))!.pulumiAnnotations, undefined);
  const stack = new ModelServingStack('zero', { spec: doc });
  const children = await childrenOf(stack);
  assert.equal(child(children, 'Service', doc.metadata.name).inputs.metadata.annotations[SKIP_AWAIT_ANNOTATION], 'true');
  assert.deepEqual(child(children, 'Service', doc.metadata.name).timeouts, { create: '', update: '' });
  assert.equal(child(children, 'Deployment', doc.metadata.name).inputs.metadata.annotations?.[SKIP_AWAIT_ANNOTATION], undefined);
});

test('skips the wait of a Service at zero replicas, KEDA minReplicas 0 (a canary\'s too), not of the others', () => {
  const svcs = (d: ReturnType<typeof tritonDoc>) => Object.fromEntries(planResources([d], { componentName: 'p' }).resources
    .filter((x) => x.kind === 'Service' && (x.timeouts !== undefined || x.pulumiAnnotations !== undefined))
    .map((x) => [x.name, x.pulumiAnnotations?.[SKIP_AWAIT_ANNOTATION] ?? 'awaited']));
  const keda = (minReplicas: number) => ({ engine: 'keda', minReplicas, maxReplicas: 3, keda: { serverAddress: 'http://prometheus:9090', threshold: 5, query: 'sum(rate(nginx_ingress_controller_requests{service="m"}[1m]))' } });
  assert.deepEqual(svcs(tritonDoc({ autoscaling: keda(0) })), { m: 'true' });
  assert.deepEqual(svcs(tritonDoc({ autoscaling: keda(1) })), { m: 'awaited' });
  assert.deepEqual(svcs(tritonDoc({ autoscaling: { minReplicas: 2, maxReplicas: 4, targetInferencesPerSecondPerPod: 10 } })), { m: 'awaited' });
  assert.deepEqual(svcs(tritonDoc({ replicas: 0 })), { m: 'true' });
  // a canary's floor is its share of the stable floor: 1 (scale to zero with a rollout needs an inference pool, below)
  const canary = (minReplicas: number) => tritonDoc({
    autoscaling: { ...keda(minReplicas), keda: { ...keda(minReplicas).keda, query: 'sum(nv_inference_pending_request_count{job="m-metrics"}) or vector(0)' } },
    gateway: { parentRef: { name: 'gw' } }, rollout: { strategy: 'canary', weight: 10, canary: {} },
  });
  // behind an inference pool both tracks may sit at zero: neither model Service is awaited; the endpoint pickers' are
  const pool = vllmPoolDoc({ gateway: { parentRef: { name: 'gw' }, timeoutSeconds: 3600 }, rollout: { strategy: 'canary', weight: 10, canary: {} },
    autoscaling: { engine: 'keda', minReplicas: 0, maxReplicas: 4, keda: { serverAddress: 'http://prometheus:9090', threshold: 10 } } });
  assert.deepEqual(svcs(pool as ReturnType<typeof tritonDoc>), { chat: 'true', 'chat-canary': 'true', 'chat-epp': 'awaited', 'chat-canary-epp': 'awaited' });
  assert.deepEqual(svcs(canary(1)), { m: 'awaited', 'm-canary': 'awaited' });
});

test('uses workloadTimeouts instead of the computed timeouts', async () => {
  const stack = new ModelServingStack('override', { spec: fullDoc(), workloadTimeouts: { create: '45m', update: '3h' } });
  const children = await childrenOf(stack);
  assert.deepEqual(child(children, 'Deployment', 'vision').timeouts, { create: '45m', update: '3h' });
  assert.deepEqual(child(children, 'Service', 'vision').timeouts, { create: '45m', update: '3h' });
});

test('passes the given provider to every child', async () => {
  const provider = new k8s.Provider('gpu-cluster', { context: 'gpu' });
  const providerRef = `${await resolved(provider.urn)}::${await resolved(provider.id)}`;
  const stack = new ModelServingStack('with-provider', { spec: fullDoc(), provider });
  const children = await childrenOf(stack);
  assert.ok(children.length > 5);
  for (const c of children) assert.equal(c.provider, providerRef, c.name);
});

test('creates the namespace before everything else when createNamespace is set', async () => {
  const stack = new ModelServingStack('with-ns', { spec: tritonDoc({}, { namespace: 'ml-new' }), createNamespace: true });
  const children = await childrenOf(stack);
  const ns = child(children, 'Namespace', 'ml-new');
  assert.equal(ns.type, 'kubernetes:core/v1:Namespace');
  assert.ok(child(children, 'ServiceAccount', 'm').dependencies.includes(urnOf(ns.type, ns.name)));
});

test('resolves serviceName, the in-cluster url and the https ingressUrl', async () => {
  const stack = new ModelServingStack('outputs', { spec: fullDoc() });
  assert.equal(await resolved(stack.serviceName), 'vision');
  assert.equal(await resolved(stack.url), 'http://vision.ml.svc.cluster.local:8000');
  assert.equal(await resolved(stack.ingressUrl), 'https://vision.example.org/v1/classifier');
  assert.deepEqual(await resolved(stack.endpoints), {
    vision: { namespace: 'ml', serviceName: 'vision', url: 'http://vision.ml.svc.cluster.local:8000', ingressUrl: 'https://vision.example.org/v1/classifier' },
  });
});

test('resolves no ingressUrl for a spec without an Ingress', async () => {
  const stack = new ModelServingStack('no-ingress', { specFile: ONNX });
  assert.equal(await resolved(stack.url), 'http://vision-classifier.ml-prod.svc.cluster.local:8000');
  assert.equal(await resolved(stack.ingressUrl), undefined);
});

test('deploys every document of a multi-document file and reports each endpoint', async () => {
  const file = tempSpec([tritonDoc({}, { name: 'first' }), tritonDoc({}, { name: 'second', namespace: 'ml-two' })]);
  const stack = new ModelServingStack('multi', { specFile: file });
  const children = await childrenOf(stack);
  child(children, 'Deployment', 'first');
  child(children, 'Deployment', 'second');
  assert.equal(await resolved(stack.serviceName), 'first', 'the singular outputs are those of the first document');
  assert.deepEqual(await resolved(stack.endpoints), {
    first: { namespace: 'ml', serviceName: 'first', url: 'http://first.ml.svc.cluster.local:8000', ingressUrl: undefined },
    second: { namespace: 'ml-two', serviceName: 'second', url: 'http://second.ml-two.svc.cluster.local:8000', ingressUrl: undefined },
  });
  const dep = child(children, 'Deployment', 'second');
  assert.ok(dep.dependencies.every((u) => u.endsWith('-second') || u.includes('-second-')), 'a document waits only for its own objects');
});

test('fails a bad spec file with the CLI error text, before registering anything', () => {
  const file = tempSpec([tritonDoc({ autoscaling: { minReplicas: 11, maxReplicas: 10, targetCPUUtilizationPercent: 70 } })]);
  let stderr = '';
  assert.equal(cli(['validate', file], { out: () => undefined, err: (s) => { stderr += s; } }), 1);
  assert.match(stderr, /spec\.autoscaling\.minReplicas/);
  assert.throws(() => new ModelServingStack('bad-file', { specFile: file }), (e: unknown) => {
    assert.ok(e instanceof ModelServingStackError);
    assert.ok(pulumi.RunError.isInstance(e), 'a RunError: pulumi prints the message without a stack trace');
    assert.equal((e as Error).message, stderr.trimEnd());
    assert.ok((e as Error).message.startsWith(`${file}: spec.`));
    return true;
  });
  assert.ok(![...records.keys()].some((n) => n.startsWith('bad-file')), 'nothing was registered');
});

test('fails a bad in-memory spec with every problem and its field path', () => {
  const doc = tritonDoc({ replicas: -1, modle: 'x' });
  assert.throws(() => new ModelServingStack('bad-spec', { spec: doc }), {
    name: 'ModelServingStackError',
    message: 'spec.modle: unknown field (did you mean "mode"?)\nspec.replicas: must be >= 0 (got -1)',
  });
});

test('needs exactly one of specFile and spec', () => {
  assert.throws(() => new ModelServingStack('neither', {}), { name: 'TypeError', message: 'ModelServingStack needs exactly one of specFile and spec (got neither)' });
  assert.throws(() => new ModelServingStack('both', { specFile: ONNX, spec: tritonDoc() }), { message: 'ModelServingStack needs exactly one of specFile and spec (got both)' });
});

test('the apps/pulumi program deploys the spec named by stack config', async () => {
  pulumi.runtime.setAllConfig({ [`${PROJECT}:specFile`]: 'templates/triton-onnx-classifier.yaml' });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require('../apps/pulumi/index.ts');
  assert.equal(await resolved(program.serviceName), 'vision-classifier');
  assert.equal(await resolved(program.url), 'http://vision-classifier.ml-prod.svc.cluster.local:8000');
  assert.ok(program.requiredCrds.includes('monitoring.coreos.com/v1 ServiceMonitor'));
  // serviceName resolved from the Service, so the Service is registered, under the program's component
  const svc = records.get('model-serving-service-vision-classifier');
  assert.equal(svc?.type, 'kubernetes:core/v1:Service');
  assert.equal(svc?.parent, `urn:pulumi:${STACK}::${PROJECT}::${MODEL_SERVING_STACK_TYPE}::model-serving`);
});

// ---- packaging ------------------------------------------------------------------------------------

/** How many @pulumi modules node loads for `requires` (run in a fresh process under tsx). */
function loadedPulumi(requires: string[]): number {
  const code = `${requires.map((r) => `require(${JSON.stringify(r)});`).join('')}process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('/node_modules/@pulumi/')).length));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('never loads Pulumi from the library root or the CLI', () => {
  assert.equal(loadedPulumi(['./lib/index.ts', './lib/cli/main.ts']), 0);
  assert.ok(loadedPulumi(['./lib/pulumi/index.ts']) > 0, 'the check sees @pulumi when it is loaded');
});

test('resolves cdk8s-model-serving/pulumi from the repository root after a build', { skip: !existsSync(join(ROOT, 'build/lib/pulumi/index.js')) && 'run `npm run build` first' }, () => {
  const code = "const p = require('cdk8s-model-serving/pulumi'); const root = require('cdk8s-model-serving');"
    + "process.stdout.write(JSON.stringify([typeof p.ModelServingStack, typeof root.synthesizeSpecs, require.resolve('cdk8s-model-serving/pulumi')]));";
  const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ['function', 'function', join(ROOT, 'build/lib/pulumi/index.js')]);
  const rootOnly = spawnSync(process.execPath, ['-e', "require('cdk8s-model-serving'); process.stdout.write(String(Object.keys(require.cache).some((k) => k.includes('/node_modules/@pulumi/'))))"], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(rootOnly.stdout, 'false', rootOnly.stderr);
});
