/** spec.inferencePool: the InferencePool, its endpoint picker, the HTTPRoute backendRefs, and their rules (docs/LLM.md). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { synth, synthFile, find, all, container, specErrors, type K8sObject } from './support/synth';
import { assertValidObjects, validateObjects } from './support/k8s-validate';
import { crdSchema } from './support/crd-validate';
import { inferencePoolCelProblems } from '../lib/k8s/inference-pool';
import { PICKER_IMAGE } from '../lib/constructs/endpoint-picker';

import { vllmPoolDoc } from './support/llm';

const TEMPLATE = 'templates/vllm-inference-pool.yaml';
const eppConfig = (objs: K8sObject[], name: string) => parse(find(objs, 'ConfigMap', name).data['endpoint-picker-config.yaml']);

test('templates/vllm-inference-pool.yaml synthesizes to strictly valid objects, the picker configuration included', async () => {
  const objs = synthFile(TEMPLATE);
  for (const kind of ['InferencePool', 'HTTPRoute', 'ScaledObject', 'Role', 'RoleBinding']) assert.ok(all(objs, kind).length, kind);
  await assertValidObjects(objs);
  // the EndpointPickerConfig is a file, not an object: checked against the Go types of the pinned picker release
  const problems = await validateObjects([eppConfig(objs, 'llama-pool-epp')]);
  assert.deepEqual(problems, []);
});

test('checks InferencePools against the upstream CRD schema, unknown fields included', { skip: crdSchema('inference.networking.k8s.io_inferencepools.yaml', 'v1') ? false : 'the shared CRD directory (../shared/crds) is absent' }, async () => {
  const pool = structuredClone(find(synthFile(TEMPLATE), 'InferencePool'));
  pool.spec.targetPorts = [{ number: 0 }];
  pool.spec.endpointPickerRef.failureMode = 'Open';
  pool.spec.selector.matchLabels = {};
  pool.spec.extra = true;
  const messages = (await validateObjects([pool])).map((p) => p.message).join('\n');
  assert.match(messages, /\[schema\] \/spec\/targetPorts\/0\/number: must be >= 1/);
  assert.match(messages, /\[schema\] \/spec\/endpointPickerRef\/failureMode: must be equal to one of the allowed values/);
  assert.match(messages, /\[schema\] \/spec\/selector\/matchLabels: must NOT have fewer than 1 properties/);
  assert.match(messages, /\[schema\] \/spec: must NOT have additional properties \(extra\)/);
  // the strict layer (the closed TypeScript model of the CRD) refuses the unknown field on its own too
  const extra = structuredClone(find(synthFile(TEMPLATE), 'InferencePool'));
  extra.spec.extra = true;
  const strict = (await validateObjects([extra])).map((p) => p.message).join('\n');
  assert.match(strict, /\[strict\] spec\.extra: .*'extra' does not exist/);
});

test('checks the CRD\'s CEL rules in code, and the CRD holds exactly those rules', { skip: crdSchema('inference.networking.k8s.io_inferencepools.yaml', 'v1') ? false : 'the shared CRD directory (../shared/crds) is absent' }, () => {
  const spec = crdSchema('inference.networking.k8s.io_inferencepools.yaml', 'v1')!.properties.spec.properties;
  assert.deepEqual(spec.endpointPickerRef['x-kubernetes-validations'].map((r: any) => r.rule), ["self.kind != 'Service' || has(self.port)"]);
  assert.deepEqual(spec.targetPorts['x-kubernetes-validations'].map((r: any) => r.rule), ['self.all(p1, self.exists_one(p2, p1.number==p2.number))']);
  assert.deepEqual(inferencePoolCelProblems({ targetPorts: [{ number: 8000 }, { number: 8001 }], endpointPickerRef: { port: { number: 9002 } } }), []);
  assert.deepEqual(inferencePoolCelProblems({ targetPorts: [{ number: 8000 }, { number: 8000 }], endpointPickerRef: {} }), [
    "spec.endpointPickerRef: port is required when kind is 'Service' or unspecified (defaults to 'Service')",
    'spec.targetPorts: port number must be unique',
  ]);
  // another kind than Service needs no port
  assert.deepEqual(inferencePoolCelProblems({ targetPorts: [{ number: 8000 }], endpointPickerRef: { kind: 'Other' } }), []);
});

test('the pool selects this spec\'s model pods on the server port and names the picker\'s Service and gRPC port', () => {
  const objs = synth(vllmPoolDoc());
  const pool = find(objs, 'InferencePool', 'chat');
  const dep = find(objs, 'Deployment', 'chat');
  const podLabels = dep.spec.template.metadata.labels;
  for (const [k, v] of Object.entries(pool.spec.selector.matchLabels)) assert.equal(podLabels[k], v, k);
  const http = container(dep).ports.find((p: K8sObject) => p.name === 'http');
  assert.deepEqual(pool.spec.targetPorts, [{ number: http.containerPort }]);
  const svc = find(objs, 'Service', pool.spec.endpointPickerRef.name);
  const grpc = svc.spec.ports.find((p: K8sObject) => p.name === 'grpc-ext-proc');
  assert.equal(pool.spec.endpointPickerRef.port.number, grpc.port);
  assert.equal(grpc.appProtocol, 'kubernetes.io/h2c');
  assert.equal(pool.spec.endpointPickerRef.failureMode, 'FailClose');
  // the picker's pods are not model pods: no model Service, NetworkPolicy or PDB selects them
  const picker = find(objs, 'Deployment', 'chat-epp');
  const pickerLabels = picker.spec.template.metadata.labels;
  for (const s of all(objs, 'Service').filter((x) => !x.metadata.name.endsWith('-epp'))) {
    assert.ok(!Object.entries(s.spec.selector).every(([k, v]) => pickerLabels[k] === v), `Service ${s.metadata.name} selects the picker`);
  }
  assert.deepEqual(svc.spec.selector, pickerLabels);
});

test('the HTTPRoute targets the InferencePool instead of the Service', () => {
  const route = find(synth(vllmPoolDoc()), 'HTTPRoute');
  assert.deepEqual(route.spec.rules[0].backendRefs, [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'chat' }]);
});

test('a canary is a second pool with its own picker, weighted in the HTTPRoute', async () => {
  const objs = synth(vllmPoolDoc({ rollout: { strategy: 'canary', weight: 10, canary: { image: 'vllm/vllm-openai:v0.11.1' } } }));
  const route = find(objs, 'HTTPRoute');
  assert.deepEqual(route.spec.rules[0].backendRefs, [
    { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'chat', weight: 90 },
    { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'chat-canary', weight: 10 },
  ]);
  assert.equal(find(objs, 'InferencePool', 'chat').spec.selector.matchLabels['model-serving/track'], 'stable');
  assert.equal(find(objs, 'InferencePool', 'chat-canary').spec.selector.matchLabels['model-serving/track'], 'canary');
  assert.deepEqual(find(objs, 'Deployment', 'chat-canary-epp').spec.template.spec.containers[0].args.slice(0, 2), ['--pool-name', 'chat-canary']);
  await assertValidObjects(objs);
});

test('a blue-green rollout routes through one pool that selects the active track', () => {
  const objs = synth(vllmPoolDoc({ rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: { image: 'vllm/vllm-openai:v0.11.1' } } } }));
  assert.equal(all(objs, 'InferencePool').length, 1);
  // blue is active and the primary track (the first by name): its pods carry the track label `stable` (docs/TRAFFIC.md)
  assert.equal(find(objs, 'InferencePool', 'chat').spec.selector.matchLabels['model-serving/track'], 'stable');
  const flipped = synth(vllmPoolDoc({ rollout: { strategy: 'blueGreen', active: 'green', tracks: { blue: {}, green: { image: 'vllm/vllm-openai:v0.11.1' } } } }));
  assert.equal(find(flipped, 'InferencePool', 'chat').spec.selector.matchLabels['model-serving/track'], 'green');
});

test('the picker serves ext_proc over TLS by default, and plaintext gRPC with picker.secureServing: false', () => {
  const args = (doc: unknown) => find(synth(doc as K8sObject), 'Deployment', 'chat-epp').spec.template.spec.containers[0].args as string[];
  assert.deepEqual(args(vllmPoolDoc()).filter((a) => a.startsWith('--secure-serving')), ['--secure-serving=true']);
  const plain = vllmPoolDoc();
  (plain.spec as K8sObject).inferencePool = { picker: { secureServing: false } };
  assert.deepEqual(args(plain).filter((a) => a.startsWith('--secure-serving')), ['--secure-serving=false']);
});

test('the picker runs restricted, as the image\'s non-root user, with the flags and probes of its release', () => {
  const objs = synth(vllmPoolDoc({ security: { unsafe: { runAsRoot: true, writableRootFilesystem: true } } }));
  const dep = find(objs, 'Deployment', 'chat-epp');
  const pod = dep.spec.template.spec;
  const c = pod.containers[0];
  assert.equal(c.image, PICKER_IMAGE);
  // spec.security.unsafe loosens the model server only
  assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
  assert.equal(pod.serviceAccountName, 'chat-epp');
  assert.deepEqual(c.args.slice(0, 6), ['--pool-name', 'chat', '--pool-namespace', 'llm', '--pool-group', 'inference.networking.k8s.io']);
  for (const flag of ['--metrics-endpoint-auth=false', '--tracing=false', '--enable-pprof=false', '--grpc-port=9002', '--grpc-health-port=9003', '--metrics-port=9090']) assert.ok(c.args.includes(flag), flag);
  assert.ok(!c.args.includes('--ha-enable-leader-election'));
  // --config-file names the mounted ConfigMap key
  const file = c.args[c.args.indexOf('--config-file') + 1];
  const mount = c.volumeMounts.find((m: K8sObject) => file.startsWith(`${m.mountPath}/`));
  const vol = pod.volumes.find((v: K8sObject) => v.name === mount.name);
  assert.ok(find(objs, 'ConfigMap', vol.configMap.name).data[file.slice(mount.mountPath.length + 1)]);
  assert.deepEqual(c.livenessProbe.grpc, { port: 9003, service: 'liveness' });
  assert.deepEqual(c.readinessProbe.grpc, { port: 9003, service: 'readiness' });
  assert.equal(dep.spec.strategy.type, 'RollingUpdate');
});

test('the picker may read exactly pods, its pool and the objectives; leader election adds leases and events', () => {
  const one = synth(vllmPoolDoc());
  const role = find(one, 'Role', 'chat-epp');
  assert.deepEqual(role.rules, [
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'watch'] },
    { apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools'], verbs: ['list', 'watch'] },
    { apiGroups: ['llm-d.ai'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: ['list', 'watch'] },
    // the picker falls back to the legacy group when only its CRDs are installed
    { apiGroups: ['inference.networking.x-k8s.io'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: ['list', 'watch'] },
  ]);
  const binding = find(one, 'RoleBinding', 'chat-epp');
  assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'chat-epp' });
  assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'chat-epp', namespace: 'llm' }]);
  // only the picker's pod gets the account's token, mounted explicitly where client-go's in-cluster config reads it
  assert.equal(find(one, 'ServiceAccount', 'chat-epp').automountServiceAccountToken, false);
  const pod = find(one, 'Deployment', 'chat-epp').spec.template.spec;
  assert.equal(pod.automountServiceAccountToken, false);
  const mount = pod.containers[0].volumeMounts.find((m: K8sObject) => m.mountPath === '/var/run/secrets/kubernetes.io/serviceaccount');
  assert.deepEqual(pod.volumes.find((v: K8sObject) => v.name === mount.name).projected.sources, [
    { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
    { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
  ]);

  const three = synth(vllmPoolDoc({ inferencePool: { picker: { replicas: 3 } } }));
  const rules = find(three, 'Role', 'chat-epp').rules;
  assert.deepEqual(rules.slice(4), [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
    { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  ]);
  const dep = find(three, 'Deployment', 'chat-epp');
  assert.equal(dep.spec.replicas, 3);
  assert.equal(dep.spec.strategy.type, 'Recreate');
  assert.ok(dep.spec.template.spec.containers[0].args.includes('--ha-enable-leader-election'));
});

test('configures the picker with the prefix-cache, KV-cache and queue scorers, and flow control', async () => {
  const cfg = eppConfig(synth(vllmPoolDoc()), 'chat-epp');
  assert.deepEqual(cfg.featureGates, ['flowControl']);
  assert.deepEqual(cfg.schedulingProfiles[0].plugins, [
    { pluginRef: 'queue-scorer', weight: 2 }, { pluginRef: 'kv-cache-utilization-scorer', weight: 2 },
    { pluginRef: 'prefix-cache-scorer', weight: 3 }, { pluginRef: 'max-score-picker' },
  ]);
  // no scale to zero: the picker's own 60s hold
  assert.deepEqual(cfg.flowControl, { defaultRequestTTL: '60s', maxBytes: '2Gi' });
  assert.deepEqual(await validateObjects([cfg]), []);
  const broken = { ...cfg, plugins: [...cfg.plugins, { type: 'no-such-scorer' }], schedulingProfiles: [{ name: 'default', plugins: [{ pluginRef: 'missing' }] }], flowControl: { defaultRequestTTL: '20 min' } };
  const messages = (await validateObjects([broken])).map((p) => p.message);
  assert.ok(messages.includes("[schema] plugins[5].type: plugin type 'no-such-scorer' is not registered"), messages.join('\n'));
  assert.ok(messages.includes("[schema] schedulingProfiles[0].plugins[0].pluginRef: 'missing' is not a plugin of plugins[]"));
  assert.ok(messages.includes('[schema] flowControl.defaultRequestTTL: not a Go duration'));
});

test('lets the Gateway reach the picker and the picker reach the model pods, and scrapes the picker', () => {
  const objs = synth(vllmPoolDoc());
  const toServers = find(objs, 'NetworkPolicy', 'chat-epp-to-servers');
  // every track's model pods (the canary's too)
  assert.deepEqual(toServers.spec.podSelector.matchLabels, { 'app.kubernetes.io/name': 'vllm', 'app.kubernetes.io/instance': 'chat' });
  assert.deepEqual(toServers.spec.ingress, [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'endpoint-picker', 'app.kubernetes.io/instance': 'chat' } } }], ports: [{ protocol: 'TCP', port: 8000 }] }]);
  const picker = find(objs, 'NetworkPolicy', 'chat-epp');
  assert.deepEqual(picker.spec.ingress.map((r: K8sObject) => [r.from[0].namespaceSelector.matchExpressions[0].values, r.ports[0].port]), [[['llm', 'gateway-system', 'monitoring'], 9002], [['monitoring'], 9090]]);
  const sm = find(objs, 'ServiceMonitor', 'chat-epp');
  const svc = find(objs, 'Service', 'chat-epp');
  for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) assert.equal(svc.metadata.labels[k], v);
  assert.equal(sm.spec.endpoints[0].port, 'metrics');
  assert.ok(svc.spec.ports.some((p: K8sObject) => p.name === 'metrics'));
});

const err = (spec: Record<string, unknown>) => specErrors(vllmPoolDoc(spec));

test('refuses spec.inferencePool on a runtime without LLM support', () => {
  const doc = vllmPoolDoc({ runtime: 'triton', models: [{ name: 'r', format: 'onnx' }], repository: { pvc: { claimName: 'm' } } });
  assert.equal(specErrors(doc), 'spec.yaml: spec.inferencePool: is supported by runtime vllm only (runtime is triton): the endpoint picker reads an LLM server\'s queue and KV-cache metrics');
});

test('refuses spec.inferencePool without spec.gateway', () => {
  const doc = vllmPoolDoc();
  delete (doc.spec as any).gateway;
  delete (doc.spec as any).networkPolicy;
  assert.equal(specErrors(doc), 'spec.yaml: spec.inferencePool: needs spec.gateway: only a Gateway API HTTPRoute can route to an InferencePool (backendRef group inference.networking.k8s.io, kind InferencePool)');
});

test('refuses spec.ingress next to spec.inferencePool (it would route around the picker)', () => {
  assert.equal(err({ ingress: { host: 'llm.example.org', className: 'nginx' } }),
    'spec.yaml: spec.ingress: cannot be used with spec.inferencePool: an Ingress routes to the Service, around the endpoint picker (no prefix-cache or KV-cache routing, no hold while scaled to zero); use spec.gateway only (its hostnames replace ingress.host)');
});

test('refuses a picker image without a pinned tag', () => {
  assert.match(err({ inferencePool: { picker: { image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:latest' } } }) ?? '', /^spec\.yaml: spec\.inferencePool\.picker\.image: /);
});

test('refuses spec.inferencePool outside mode online (an edge DaemonSet has no Gateway route to pool)', () => {
  assert.equal(err({ mode: 'edge', edge: { nodeSelector: { 'node-role.kubernetes.io/edge': 'true' } } }),
    'spec.yaml: spec.inferencePool: applies to mode online only (mode is edge)');
});
