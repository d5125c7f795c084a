/**
 * Pod fields platform teams need: runtimeClassName, priorityClassName, imagePullSecrets, podAnnotations,
 * podLabels and node affinity, on every workload kind, validated like every other field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { synth, synthFile, find, specErrors, tritonDoc } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';

type K = Record<string, any>;
const POD = {
  runtimeClassName: 'nvidia',
  priorityClassName: 'inference-high',
  imagePullSecrets: ['ngc-pull'],
  podAnnotations: { 'karpenter.sh/do-not-disrupt': 'true' },
  podLabels: { 'cost-center': 'ml' },
  nodeAffinity: {
    required: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a', 'eu-west-1b'] }],
    preferred: [{ weight: 50, key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g6.xlarge'] }],
  },
};

const WORKLOADS: [string, Record<string, unknown>, (o: K[]) => K][] = [
  ['Deployment', {}, (o) => find(o, 'Deployment').spec.template],
  ['Job', { mode: 'batch', batch: { input: 's3://in/x', output: 's3://out/x' } }, (o) => find(o, 'Job').spec.template],
  ['CronJob', { mode: 'batch', batch: { schedule: '0 2 * * *', input: 's3://in/x', output: 's3://out/x' } }, (o) => find(o, 'CronJob').spec.jobTemplate.spec.template],
  ['DaemonSet', { mode: 'edge', edge: { nodeSelector: { edge: 'true' } } }, (o) => find(o, 'DaemonSet').spec.template],
];

for (const [kind, mode, template] of WORKLOADS) {
  test(`puts the pod fields on the pods of a ${kind}`, async () => {
    const objs = synth(tritonDoc({ ...POD, ...mode, resources: { gpu: { count: 1, product: 'NVIDIA-L4' } } }));
    const t = template(objs);
    assert.equal(t.spec.runtimeClassName, 'nvidia');
    assert.equal(t.spec.priorityClassName, 'inference-high');
    assert.deepEqual(t.spec.imagePullSecrets, [{ name: 'ngc-pull' }]);
    assert.equal(t.metadata.annotations['karpenter.sh/do-not-disrupt'], 'true');
    assert.ok(t.metadata.annotations['model-serving/config-hash']);
    assert.equal(t.metadata.labels['cost-center'], 'ml');
    assert.deepEqual(t.spec.affinity.nodeAffinity, {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [
        { key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-L4'] },
        { key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a', 'eu-west-1b'] },
      ] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 50, preference: { matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g6.xlarge'] }] } },
      ],
    });
    await assertValidObjects(objs);
  });
}

test('podLabels stay off the selectors and the other objects; the pod keeps its selector labels', () => {
  const objs = synth(tritonDoc({ podLabels: { 'cost-center': 'ml' } }));
  const d = find(objs, 'Deployment');
  assert.equal(d.spec.selector.matchLabels['cost-center'], undefined);
  assert.equal(d.metadata.labels['cost-center'], undefined);
  assert.equal(find(objs, 'Service', 'm').spec.selector['cost-center'], undefined);
  for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) assert.equal(d.spec.template.metadata.labels[k], v);
});

test('emits none of the pod fields when the spec leaves them out', () => {
  const spec = find(synth(tritonDoc()), 'Deployment').spec.template.spec;
  for (const f of ['runtimeClassName', 'priorityClassName', 'imagePullSecrets']) assert.equal(spec[f], undefined, f);
});

test('refuses podLabels keys the selectors use and podAnnotations keys this library writes', () => {
  assert.equal(specErrors(tritonDoc({ podLabels: { 'app.kubernetes.io/instance': 'other', 'model-serving/track': 'x' }, podAnnotations: { 'model-serving/config-hash': 'x' } })), [
    'spec.yaml: spec.podLabels["app.kubernetes.io/instance"]: label key "app.kubernetes.io/instance" is set by cdk8s-model-serving (selectors depend on it); choose another key',
    'spec.yaml: spec.podLabels["model-serving/track"]: label key "model-serving/track" is set by cdk8s-model-serving (selectors depend on it); choose another key',
    'spec.yaml: spec.podAnnotations["model-serving/config-hash"]: annotation key "model-serving/config-hash" is set by cdk8s-model-serving; choose another key',
  ].join('\n'));
});

test('refuses pod label and annotation keys and values the API server would refuse', () => {
  assert.equal(specErrors(tritonDoc({ podLabels: { 'bad key': 'v', team: 'has space' }, podAnnotations: { 'a/b/c': '1' } })), [
    'spec.yaml: spec.podLabels["bad key"]: label key name part "bad key" must be 1-63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit',
    'spec.yaml: spec.podLabels["team"]: label value "has space" must be at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit',
    'spec.yaml: spec.podAnnotations["a/b/c"]: annotation key may contain at most one "/"',
  ].join('\n'));
});

test('refuses class and Secret names that are not DNS subdomains', () => {
  const re = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
  assert.equal(specErrors(tritonDoc({ runtimeClassName: 'Nvidia', priorityClassName: 'high_prio', imagePullSecrets: ['NGC'] })), [
    `spec.yaml: spec.runtimeClassName: "Nvidia" does not match ${re} (RuntimeClass of the pods (nvidia where the NVIDIA container runtime is not the default))`,
    `spec.yaml: spec.priorityClassName: "high_prio" does not match ${re} (PriorityClass of the pods)`,
    `spec.yaml: spec.imagePullSecrets[0]: "NGC" does not match ${re} (A Secret of type kubernetes.io/dockerconfigjson)`,
  ].join('\n'));
});

test('refuses node affinity requirements the API server would refuse', () => {
  assert.equal(specErrors(tritonDoc({ nodeAffinity: {
    required: [{ key: 'zone', operator: 'In' }, { key: 'x', operator: 'Exists', values: ['a'] }, { key: 'cpus', operator: 'Gt', values: ['many'] }, { key: 'a b', operator: 'Exists' }],
    preferred: [{ weight: 5, key: 'pool', operator: 'NotIn', values: ['bad value!'] }],
  } })), [
    'spec.yaml: spec.nodeAffinity.required[0].values: operator In needs at least one value',
    'spec.yaml: spec.nodeAffinity.required[1].values: operator Exists takes no values',
    'spec.yaml: spec.nodeAffinity.required[2].values: operator Gt takes exactly one integer value',
    'spec.yaml: spec.nodeAffinity.required[3].key: label key name part "a b" must be 1-63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit',
    'spec.yaml: spec.nodeAffinity.preferred[0].values[0]: label value "bad value!" must be at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit',
  ].join('\n'));
});

test('refuses a GPU product requirement that excludes resources.gpu.product', () => {
  assert.equal(specErrors(tritonDoc({ resources: { gpu: { count: 1, product: 'NVIDIA-L4' } }, nodeAffinity: { required: [{ key: 'nvidia.com/gpu.product', operator: 'In', values: ['NVIDIA-A10G'] }] } })),
    'spec.yaml: spec.nodeAffinity.required[0]: nvidia.com/gpu.product In [NVIDIA-A10G] excludes spec.resources.gpu.product (NVIDIA-L4): no node could run the pods');
});

test('every init step of every template says why it failed in kubectl describe (terminationMessagePolicy FallbackToLogsOnError)', () => {
  const seen = new Set<string>();
  for (const f of readdirSync('templates').filter((x) => x.endsWith('.yaml'))) {
    for (const o of synthFile(`templates/${f}`)) {
      const lws = o.spec?.leaderWorkerTemplate;
      const pods = [o.spec?.template?.spec, o.spec?.jobTemplate?.spec?.template?.spec, lws?.leaderTemplate?.spec, lws?.workerTemplate?.spec].filter(Boolean);
      for (const pod of pods) {
        for (const c of pod.initContainers ?? []) {
          seen.add(c.name.replace(/-\d+$/, '-N'));
          assert.equal(c.terminationMessagePolicy, 'FallbackToLogsOnError', `${f} ${o.kind} ${o.metadata.name} init container ${c.name}`);
        }
      }
    }
  }
  // the steps that print a reason when they fail are among those checked
  for (const name of ['wait-for-engines', 'assemble-repository', 'download-models', 'download-adapter-N']) assert.ok(seen.has(name), `${name} in ${[...seen].join(', ')}`);
});

// --- Container env and mounts ------------------------------------------------------------------------------

/** Every container (init containers included) of every pod template in `objs`, with where it is. */
function containersOf(objs: K[]): [string, K][] {
  const out: [string, K][] = [];
  const walk = (v: unknown, where: string): void => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if ((k === 'containers' || k === 'initContainers') && Array.isArray(x)) for (const c of x) out.push([`${where}.${k}.${c.name}`, c]);
        else walk(x, `${where}.${k}`);
      }
    }
  };
  for (const o of objs) walk(o, `${o.kind}/${o.metadata?.name}`);
  return out;
}
const twice = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);

test('no container of any template lists an env name or a mount path twice, also when spec.env sets every generated name', () => {
  const files = readdirSync('templates').filter((f) => f.endsWith('.yaml')).sort();
  const overriding: string[] = [];
  for (const f of files) {
    const doc = parse(readFileSync(join('templates', f), 'utf8'));
    const check = (objs: K[], label: string) => {
      for (const [where, c] of containersOf(objs)) {
        assert.deepEqual(twice((c.env ?? []).map((e: K) => e.name)), [], `${label}: ${where} env`);
        assert.deepEqual(twice((c.volumeMounts ?? []).map((m: K) => m.mountPath)), [], `${label}: ${where} volumeMounts`);
      }
    };
    const objs = synth(doc);
    check(objs, f);
    // spec.env naming every variable the servers get (those filled from a Secret are refused: plain-text-secrets)
    const generated = containersOf(objs).filter(([, c]) => c.name === 'server')
      .flatMap(([, c]) => (c.env ?? []) as K[]).filter((e) => !e.valueFrom?.secretKeyRef).map((e) => e.name as string);
    const names = [...new Set(generated)];
    if (!names.length) continue;
    overriding.push(f);
    doc.spec.env = [...(doc.spec.env ?? []).filter((e: K) => !names.includes(e.name)), ...names.map((name) => ({ name, configMapKeyRef: { name: 'overrides', key: name } }))];
    assert.equal(specErrors(doc), undefined, f);
    const overridden = synth(doc);
    check(overridden, `${f} with spec.env`);
    for (const [where, c] of containersOf(overridden).filter(([, x]) => x.name === 'server')) {
      for (const name of names) assert.deepEqual(c.env.filter((e: K) => e.name === name), [{ name, valueFrom: { configMapKeyRef: { name: 'overrides', key: name } } }], `${f}: ${where} ${name}`);
    }
  }
  // TF Serving (HOME, TF_FORCE_GPU_ALLOW_GROWTH), vLLM (multi-node VLLM_HOST_IP), tracing (OTEL_*), Hub downloads
  for (const f of ['tfserving-savedmodel.yaml', 'vllm-multinode-lws.yaml', 'triton-dra-shared.yaml', 'vllm-llama.yaml']) assert.ok(overriding.includes(f), `${f} in ${overriding.join(', ')}`);
});
