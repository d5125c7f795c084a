/** LoRA adapters (docs/LLM.md): vLLM's flags, the downloads before the server starts, routing, and the rules. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { synth, find, container, specErrors, tritonDoc, type K8sObject } from './support/synth';
import { assertValidObjects } from './support/k8s-validate';
import { vllmPoolDoc } from './support/llm';
import { HF_DOWNLOAD_PROGRAM } from '../lib/constructs/lora-adapters';
import { DOWNLOAD_IMAGE } from '../lib/constructs/model-repository';

const ADAPTERS = [
  { name: 'sql', huggingface: { modelId: 'org/sql-lora', revision: 'abc123' } },
  { name: 'support.v2', uri: 's3://adapters/support/v2', credentialsSecret: 's3-adapters' },
];
const doc = (model: Record<string, unknown> = {}, spec: Record<string, unknown> = {}) => vllmPoolDoc({
  models: [{ name: 'llama', format: 'huggingface', adapters: ADAPTERS, ...model }],
  repository: { huggingface: { modelId: 'meta-llama/Llama-3.1-8B-Instruct', tokenSecret: 'hf-token' } },
  ...spec,
});

test('serves the adapters with --enable-lora and one --lora-modules list of name=path, with the LoRA limits when set', () => {
  const server = container(find(synth(doc({ engine: { maxLoras: 2, maxLoraRank: 64 } })), 'Deployment', 'chat'));
  const args: string[] = server.args;
  const i = args.indexOf('--lora-modules');
  assert.ok(args.includes('--enable-lora'));
  // one flag, every adapter after it: vLLM's LoRAParserAction replaces the list at each --lora-modules
  assert.equal(args.filter((a) => a === '--lora-modules').length, 1);
  assert.deepEqual(args.slice(i + 1, i + 3), ['sql=/model-adapters/sql', 'support.v2=/model-adapters/support.v2']);
  assert.deepEqual(args.slice(args.indexOf('--max-loras'), args.indexOf('--max-loras') + 2), ['--max-loras', '2']);
  assert.deepEqual(args.slice(args.indexOf('--max-lora-rank'), args.indexOf('--max-lora-rank') + 2), ['--max-lora-rank', '64']);
  // vLLM's own defaults otherwise (max_loras 1, max_lora_rank 16)
  const plain: string[] = container(find(synth(doc()), 'Deployment', 'chat')).args;
  assert.ok(!plain.includes('--max-loras') && !plain.includes('--max-lora-rank'));
  const none: string[] = container(find(synth(vllmPoolDoc()), 'Deployment', 'chat')).args;
  assert.ok(!none.includes('--enable-lora') && !none.includes('--lora-modules'));
});

test('downloads each adapter before the server starts: Hugging Face at the pinned revision, object stores with rclone', async () => {
  const objs = synth(doc());
  const dep = find(objs, 'Deployment', 'chat');
  const pod = dep.spec.template.spec;
  const [hf, s3] = ['download-adapter-0', 'download-adapter-1'].map((n) => container(dep, n));
  assert.deepEqual(pod.initContainers.map((c: K8sObject) => c.name), ['download-adapter-0', 'download-adapter-1']);
  assert.equal(hf.image, container(dep).image);
  assert.deepEqual(hf.command, ['python3', '-c', HF_DOWNLOAD_PROGRAM]);
  assert.deepEqual(hf.args, ['org/sql-lora', 'abc123', '/model-adapters/sql']);
  assert.deepEqual(hf.env.find((e: K8sObject) => e.name === 'HF_TOKEN'), { name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } } });
  assert.equal(s3.image, DOWNLOAD_IMAGE);
  assert.deepEqual(s3.args.slice(0, 2), [':s3,provider=AWS,env_auth=true:adapters/support/v2', '/model-adapters/support.v2']);
  assert.deepEqual(s3.envFrom, [{ secretRef: { name: 's3-adapters' } }]);
  for (const c of [hf, s3]) {
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(c.volumeMounts.find((m: K8sObject) => m.mountPath === '/model-adapters'), { name: 'model-adapters', mountPath: '/model-adapters' });
  }
  assert.deepEqual(container(dep).volumeMounts.find((m: K8sObject) => m.name === 'model-adapters'), { name: 'model-adapters', mountPath: '/model-adapters', readOnly: true });
  // two adapters of the default 1Gi, plus a fifth
  assert.deepEqual(pod.volumes.find((v: K8sObject) => v.name === 'model-adapters'), { name: 'model-adapters', emptyDir: { sizeLimit: '2458Mi' } });
  await assertValidObjects(objs);
});

test('sizes the adapters\' volume from their size (default 1Gi each) plus a fifth and requests it as ephemeral storage', () => {
  const server = (d: unknown) => container(find(synth(d as K8sObject), 'Deployment', 'chat'));
  const volume = (d: unknown) => find(synth(d as K8sObject), 'Deployment', 'chat').spec.template.spec.volumes.find((v: K8sObject) => v.name === 'model-adapters');
  const sized = doc({ adapters: [{ ...ADAPTERS[0], size: '200Mi' }, { ...ADAPTERS[1], size: '1Gi' }] });
  // (200Mi + 1024Mi) x 1.2 = 1468.8Mi, rounded up
  assert.deepEqual(volume(sized).emptyDir, { sizeLimit: '1469Mi' });
  // the Hub cache (20Gi model size plus a fifth), vLLM's HOME (10Gi) and the adapters
  const base = server(doc({ adapters: undefined })).resources.requests['ephemeral-storage'];
  assert.equal(base, '34Gi');
  assert.equal(server(sized).resources.requests['ephemeral-storage'], '36285Mi', '34Gi (34816Mi) + 1469Mi');
  assert.equal(server(doc()).resources.requests['ephemeral-storage'], '37274Mi', '34816Mi + 2458Mi');
});

test('the Hugging Face download program calls snapshot_download with the repository, revision and directory', (t) => {
  if (spawnSync('python3', ['--version']).status !== 0) return t.skip('python3 not found');
  const dir = mkdtempSync(join(tmpdir(), 'hf-program-'));
  try {
    // a stand-in huggingface_hub that records its call (the real one downloads from the Hub)
    mkdirSync(join(dir, 'huggingface_hub'));
    writeFileSync(join(dir, 'huggingface_hub', '__init__.py'), [
      'import json, os',
      'def snapshot_download(**kw):',
      '    open(os.environ["CALL_LOG"], "w").write(json.dumps(kw, sort_keys=True))',
      '    return kw["local_dir"]',
    ].join('\n'));
    const log = join(dir, 'call.json');
    const r = spawnSync('python3', ['-c', HF_DOWNLOAD_PROGRAM, 'org/sql-lora', 'abc123', '/model-adapters/sql'], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: dir, CALL_LOG: log } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(readFileSync(log, 'utf8')), { local_dir: '/model-adapters/sql', repo_id: 'org/sql-lora', revision: 'abc123' });
    assert.equal(r.stdout.trim(), 'downloaded org/sql-lora@abc123 to /model-adapters/sql');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with the inference pool, the picker scores LoRA affinity for the adapters', () => {
  const cfg = parse(find(synth(doc()), 'ConfigMap', 'chat-epp').data['endpoint-picker-config.yaml']);
  assert.ok(cfg.plugins.some((p: K8sObject) => p.type === 'lora-affinity-scorer'));
  assert.ok(cfg.schedulingProfiles[0].plugins.some((p: K8sObject) => p.pluginRef === 'lora-affinity-scorer'));
  const without = parse(find(synth(vllmPoolDoc()), 'ConfigMap', 'chat-epp').data['endpoint-picker-config.yaml']);
  assert.ok(!without.plugins.some((p: K8sObject) => p.type === 'lora-affinity-scorer'));
});

const model = (extra: Record<string, unknown>) => specErrors(doc(extra));

test('refuses an adapter with both or neither of huggingface and uri', () => {
  assert.equal(model({ adapters: [{ name: 'a', uri: 's3://b/a', huggingface: { modelId: 'o/a' } }, { name: 'b' }] }),
    'spec.yaml: spec.models[0].adapters[0]: set exactly one of huggingface or uri (found 2)\nspec.yaml: spec.models[0].adapters[1]: set exactly one of huggingface or uri (found 0)');
});

test('refuses duplicate adapter names, and an adapter named like the base model', () => {
  assert.equal(model({ adapters: [{ name: 'a', uri: 's3://b/a' }, { name: 'a', uri: 's3://b/b' }, { name: 'llama', uri: 's3://b/c' }] }),
    'spec.yaml: spec.models[0].adapters[1].name: duplicate adapter name "a" (also spec.models[0].adapters[0])\n' +
    'spec.yaml: spec.models[0].adapters[2].name: "llama" is the base model\'s served name: requests naming it could not reach the adapter');
});

test('refuses credentials inside an adapter URI, and credentialsSecret without a URI', () => {
  assert.equal(model({ adapters: [{ name: 'a', uri: 's3://key:secret@b/a' }, { name: 'b', huggingface: { modelId: 'o/b' }, credentialsSecret: 's' }] }),
    'spec.yaml: spec.models[0].adapters[0].uri: must not contain credentials (user:password@); put them in a Secret and name it in credentialsSecret\n' +
    'spec.yaml: spec.models[0].adapters[1].credentialsSecret: applies to uri only');
});

test('refuses the LoRA limits without adapters, and a rank vLLM does not accept', () => {
  assert.equal(specErrors(vllmPoolDoc({ models: [{ name: 'llama', format: 'huggingface', engine: { maxLoras: 2 } }] })),
    'spec.yaml: spec.models[0].engine.maxLoras: applies only with spec.models[0].adapters (it sizes the GPU memory reserved for LoRA adapters)');
  assert.match(model({ engine: { maxLoraRank: 24 } }) ?? '', /^spec\.yaml: spec\.models\[0\]\.engine\.maxLoraRank: /);
});

test('refuses adapters on a runtime that does not serve them', () => {
  assert.equal(specErrors(tritonDoc({ models: [{ name: 'resnet50', format: 'onnx', adapters: [{ name: 'a', uri: 's3://b/a' }] }] })),
    'spec.yaml: spec.models[0].adapters: is not used by runtime triton (it applies to: vllm)');
});
