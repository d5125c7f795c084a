/**
 * The Pulumi component with an inference pool, on an empty cluster (docs/LLM.md, docs/PULUMI.md): RBAC and the pool
 * before the endpoint picker, the route after the picker, and every CRD-based object after the resources that install
 * its CRDs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as pulumi from '@pulumi/pulumi';
import * as k8s from '@pulumi/kubernetes';
import { ModelServingStack, planResources } from '../lib/pulumi';
import { loadSpecFile } from '../lib/spec/load';

interface Registration { type: string; name: string; inputs: Record<string, any>; parent: string; dependencies: string[] }
const records = new Map<string, Partial<Registration>>();
const record = (name: string, r: Partial<Registration>) => records.set(name, { ...records.get(name), ...r });
pulumi.runtime.setMocks({
  newResource: (a) => { record(a.name, { type: a.type, name: a.name, inputs: a.inputs }); return { id: `${a.name}-id`, state: a.inputs }; },
  call: () => ({}),
}, 'model-serving', 'test', false);
const monitor = pulumi.runtime.getMonitor() as any;
const register = monitor.registerResource.bind(monitor);
monitor.registerResource = (req: any, cb: unknown) => {
  record(req.getName(), { parent: req.getParent(), dependencies: req.getDependenciesList() });
  return register(req, cb);
};
const resolved = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((r) => o.apply(r));

const TEMPLATE = 'templates/vllm-inference-pool.yaml';

test('plans RBAC, the picker\'s config and the InferencePool before the picker, and the HTTPRoute after it', () => {
  const plan = planResources(loadSpecFile(TEMPLATE).map((l) => l.document), { componentName: 'llm' });
  const r = (kind: string, name: string) => plan.resources.find((x) => x.kind === kind && x.name === name)!;
  const picker = r('Deployment', 'llama-pool-epp');
  assert.equal(r('InferencePool', 'llama-pool').stage, 'prerequisites');
  for (const [kind, name] of [['ServiceAccount', 'llama-pool-epp'], ['Role', 'llama-pool-epp'], ['RoleBinding', 'llama-pool-epp'], ['ConfigMap', 'llama-pool-epp'], ['InferencePool', 'llama-pool'], ['NetworkPolicy', 'llama-pool-epp']]) {
    assert.ok(picker.dependsOn.includes(r(kind, name).logicalName), `the picker waits for ${kind} ${name}`);
  }
  const route = r('HTTPRoute', 'llama-pool');
  assert.ok(route.dependsOn.includes(picker.logicalName) && route.dependsOn.includes(r('Service', 'llama-pool-epp').logicalName));
  assert.ok(r('ScaledObject', 'llama-pool').dependsOn.includes(r('Deployment', 'llama-pool').logicalName));
  assert.ok(plan.requiredCrds.includes('inference.networking.k8s.io/v1 InferencePool'));
});

test('every CRD-based child waits for the resources that install the CRDs; built-in kinds do not', async () => {
  // stands for what installs the CRDs (a Helm release, a ConfigFile of the upstream manifests)
  const crds = new k8s.core.v1.ConfigMap('gie-crds', { metadata: { name: 'gie-crds' } });
  const crdsUrn = await resolved(crds.urn);
  const stack = new ModelServingStack('llm', { specFile: TEMPLATE, crdDependencies: [crds] });
  const urn = await resolved(stack.urn);
  await Promise.all(Object.values(stack.resources).map((x) => resolved(x.urn)));
  const children = [...records.values()].filter((x) => x.parent === urn) as Registration[];
  const crdBased = children.filter((c) => !/^kubernetes:(core|apps|rbac\.authorization\.k8s\.io|networking\.k8s\.io)\//.test(String(c.type)));
  assert.deepEqual(crdBased.map((c) => String(c.inputs.kind)).sort(), ['HTTPRoute', 'InferencePool', 'PrometheusRule', 'ScaledObject', 'ServiceMonitor', 'ServiceMonitor']);
  for (const c of crdBased) assert.ok(c.dependencies.includes(crdsUrn), `${c.inputs.kind} ${c.inputs.metadata.name} waits for the CRDs`);
  const deployment = children.find((c) => c.inputs.kind === 'Deployment' && c.inputs.metadata.name === 'llama-pool-epp')!;
  assert.ok(!deployment.dependencies.includes(crdsUrn));
});
