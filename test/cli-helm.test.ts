/**
 * The CLI the way Helm users work: YAML on stdout, stdin and directories as input, --namespace, --json,
 * --version, diff against an output folder, --prune, init, and the exit codes 0 / 1 / 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { starterSpec } from '../lib/cli/init';
import { unifiedDiff, diffLines } from '../lib/cli/text-diff';
import { RUNTIMES } from '../lib/spec/schema/spec';
import { tritonDoc } from './support/synth';
import { runCli as run } from './support/cli';

const REPO = resolve(__dirname, '..');
const tmp = () => mkdtempSync(join(tmpdir(), 'ms-helm-'));
const docs = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS());
function spec(dir: string, name: string, patch: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, JSON.stringify(tritonDoc(patch, { name, ...meta })));
  return f;
}

test('synth -o - writes every object of every spec as one YAML stream on stdout, and nothing else', () => {
  const dir = tmp();
  const a = spec(dir, 'a');
  const b = spec(dir, 'b');
  const r = run(['synth', a, b, '-o', '-']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const objs = docs(r.out);
  const fileA = run(['synth', a, '-o', join(dir, 'out')]);
  assert.equal(fileA.code, 0);
  assert.equal(r.out.startsWith(readFileSync(join(dir, 'out', 'a.k8s.yaml'), 'utf8')), true, 'the stream starts with exactly the file synth writes');
  assert.deepEqual([...new Set(objs.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name))], ['a', 'b']);
  assert.equal(existsSync(join(REPO, '-')), false, 'no folder named -');
});

test('- as FILE reads the spec from standard input, and names it <stdin> in errors', () => {
  const text = JSON.stringify(tritonDoc({}, { name: 'piped' }));
  assert.deepEqual(run(['validate', '-'], text), { code: 0, out: '<stdin>: piped: valid\n', err: '' });
  assert.deepEqual(run(['validate', '-'], JSON.stringify(tritonDoc({ replicas: -1 }))), { code: 1, out: '', err: '<stdin>: spec.replicas: must be >= 0 (got -1)\n' });
  const r = run(['validate', '-', '-'], text);
  assert.equal(r.code, 2);
  assert.match(r.err, /^model-serving validate: - \(standard input\) can be given once\n/);
  // through a real pipe
  const p = spawnSync(process.execPath, ['-r', 'tsx/cjs', 'lib/cli/main.ts', 'synth', '-', '-o', '-'], { cwd: REPO, input: text, encoding: 'utf8' });
  assert.equal(p.status, 0, p.stderr);
  assert.ok(docs(p.stdout).some((o) => o.kind === 'Deployment' && o.metadata.name === 'piped'));
});

test('a directory as FILE means its *.yaml, *.yml and *.json files, in name order, hidden files skipped', () => {
  const dir = tmp();
  spec(dir, 'b');
  spec(dir, 'a');
  writeFileSync(join(dir, 'c.json'), JSON.stringify(tritonDoc({}, { name: 'c' })));
  writeFileSync(join(dir, '.hidden.yaml'), 'not: a spec');
  writeFileSync(join(dir, 'README.md'), '# not a spec');
  mkdirSync(join(dir, 'nested'));
  spec(join(dir, 'nested'), 'deep');
  assert.deepEqual(run(['validate', dir]), { code: 0, out: `${join(dir, 'a.yaml')}: a: valid\n${join(dir, 'b.yaml')}: b: valid\n${join(dir, 'c.json')}: c: valid\n`, err: '' });
});

test('--namespace puts every namespace of the output in NS, exactly as if the spec said so', () => {
  const src = readFileSync(join(REPO, 'templates', 'vllm-keda.yaml'), 'utf8');
  assert.match(src, /namespace="llm"/, 'the template has a hand-written KEDA query naming its namespace');
  const moved = run(['synth', join(REPO, 'templates', 'vllm-keda.yaml'), '-o', '-', '--namespace', 'team-b']);
  assert.equal(moved.code, 0, moved.err);
  const dir = tmp();
  writeFileSync(join(dir, 'b.yaml'), src.replace('namespace: llm', 'namespace: team-b').replace(/namespace="llm"/g, 'namespace="team-b"'));
  assert.equal(moved.out, run(['synth', join(dir, 'b.yaml'), '-o', '-']).out);
  // (not the rule group `model-serving.<name>.llm`, named after the LLM recording rules)
  assert.doesNotMatch(moved.out, /"llm"|namespace: llm|\.llm\.svc|(?<!\.)\bllm\b(?![-_.:a-z])/);
  const objs = docs(moved.out);
  assert.ok(objs.every((o) => o.metadata.namespace === 'team-b'));
  assert.deepEqual(objs.find((o) => o.kind === 'ServiceMonitor').spec.namespaceSelector, { matchNames: ['team-b'] });
  assert.match(JSON.stringify(objs.find((o) => o.kind === 'PrometheusRule')), /namespace=\\"team-b\\"/);
  assert.match(objs.find((o) => o.kind === 'ScaledObject').spec.triggers[0].metadata.query, /namespace="team-b",job="llama-chat-metrics"/);
  const board = objs.find((o) => o.kind === 'ConfigMap' && /dashboard/.test(o.metadata.name));
  assert.match(Object.values(board.data).join('\n'), /namespace=\\"team-b\\"/);
});

test('--namespace reaches in-cluster URLs and the other commands', () => {
  const dir = tmp();
  const f = spec(dir, 'm', { ingress: { host: 'm.example.org' }, networkPolicy: { allowFromNamespaces: ['ingress-system'] } });
  const v = run(['validate', f, '--namespace', 'team-b', '--json']);
  assert.equal(JSON.parse(v.out).specs[0].namespace, 'team-b');
  const objs = docs(run(['synth', f, '-o', '-', '-n', 'team-b']).out);
  const route = objs.find((o) => o.kind === 'Ingress');
  assert.equal(route.metadata.namespace, 'team-b');
  assert.ok(objs.filter((o) => o.kind === 'NetworkPolicy').every((o) => o.metadata.namespace === 'team-b'));
});

test('refuses a --namespace that is not a namespace name (exit 2)', () => {
  const r = run(['validate', 'x.yaml', '--namespace', 'Team_B']);
  assert.equal(r.code, 2);
  assert.equal(r.err, "model-serving validate: --namespace \"Team_B\" is not a namespace name (a DNS-1123 label: lower-case letters, digits and '-', at most 63 characters)\nRun 'model-serving validate --help'.\n");
});

test('validate --json prints the specs and every issue for tools, with the same exit codes', () => {
  const dir = tmp();
  const good = spec(dir, 'good');
  const bad = spec(dir, 'bad', { replicas: -1 });
  const ok = run(['validate', good, '--json']);
  assert.equal(ok.code, 0);
  assert.deepEqual(JSON.parse(ok.out), { valid: true, specs: [{ file: good, index: 1, name: 'good', namespace: 'ml' }], issues: [] });
  const r = run(['validate', good, bad, '/nonexistent.yaml', '--json']);
  assert.equal(r.code, 2, 'an unreadable file makes it an IO error');
  assert.deepEqual(JSON.parse(r.out), {
    valid: false,
    specs: [{ file: good, index: 1, name: 'good', namespace: 'ml' }],
    issues: [
      { file: bad, path: 'spec.replicas', message: 'must be >= 0 (got -1)' },
      { file: '/nonexistent.yaml', path: '', message: 'cannot read file: ENOENT', io: true },
    ],
  });
  assert.equal(run(['validate', bad, '--json']).code, 1);
});

test('lint --json prints the warnings of every spec', () => {
  const dir = tmp();
  const f = spec(dir, 'm');
  const r = run(['lint', f, '--json']);
  assert.equal(r.code, 0);
  const j = JSON.parse(r.out);
  assert.equal(j.valid, true);
  assert.deepEqual(j.issues, []);
  assert.deepEqual(j.warnings.find((w: any) => w.path === 'spec.replicas'),
    { file: f, name: 'm', path: 'spec.replicas', message: 'one replica: no PodDisruptionBudget is made, and a node drain or a rollout (maxSurge 0) takes the model offline; use at least 2' });
  assert.equal(run(['lint', f, '--json', '--strict']).code, 1);
});

test('--version prints the package version', () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  assert.deepEqual(run(['--version']), { code: 0, out: `model-serving ${pkg.version}\n`, err: '' });
  assert.deepEqual(run(['version']), { code: 0, out: `model-serving ${pkg.version}\n`, err: '' });
});

test('diff -o DIR prints what synth would change in the folder, and writes nothing', () => {
  const dir = tmp();
  const out = join(dir, 'out');
  const a = spec(dir, 'a');
  const b = spec(dir, 'b');
  assert.equal(run(['synth', a, b, '-o', out]).code, 0);
  writeFileSync(a, JSON.stringify(tritonDoc({ replicas: 3 }, { name: 'a' })));
  const c = spec(dir, 'c');
  const before = readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8'));
  const r = run(['diff', a, b, c, '-o', out]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(readdirSync(out).map((f) => readFileSync(join(out, f), 'utf8')), before, 'nothing written');
  assert.match(r.out, new RegExp(`^--- ${join(out, 'a.k8s.yaml')}\n\\+\\+\\+ ${join(out, 'a.k8s.yaml')} \\(synthesized\\)\n@@ `, 'm'));
  assert.match(r.out, /^-  replicas: 1\n\+  replicas: 3$/m);
  assert.match(r.out, new RegExp(`^--- /dev/null\n\\+\\+\\+ ${join(out, 'c.k8s.yaml')} \\(synthesized\\)\n@@ -0,0 \\+1,`, 'm'));
  assert.doesNotMatch(r.out, /b\.k8s\.yaml/);
  assert.match(r.out, /\n1 to create, 1 to change, 1 unchanged, 0 stale\n$/);
});

test('diff output applies with patch(1) and turns the old file into the new one', () => {
  const dir = tmp();
  const out = join(dir, 'out');
  const a = spec(dir, 'a', { replicas: 2, gateway: { parentRef: { name: 'inference' } } });
  assert.equal(run(['synth', a, '-o', out]).code, 0);
  writeFileSync(a, JSON.stringify(tritonDoc({ replicas: 4, autoscaling: { minReplicas: 2, maxReplicas: 5 } }, { name: 'a' })));
  const d = run(['diff', a, '-o', out]).out.replace(/\n\d+ to create.*\n$/, '\n');
  writeFileSync(join(dir, 'p.diff'), d);
  const p = spawnSync('patch', ['-s', join(out, 'a.k8s.yaml'), join(dir, 'p.diff')], { encoding: 'utf8' });
  if (p.error) return; // no patch(1) here: the hunks are checked by the next test's reconstruction
  assert.equal(p.status, 0, p.stderr + p.stdout);
  assert.equal(readFileSync(join(out, 'a.k8s.yaml'), 'utf8'), run(['synth', a, '-o', '-']).out);
});

test('the line diff is a shortest edit script that rebuilds both texts', () => {
  const lcs = (a: string[], b: string[]) => {
    const d = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) d[i][j] = a[i - 1] === b[j - 1] ? d[i - 1][j - 1] + 1 : Math.max(d[i - 1][j], d[i][j - 1]);
    return d[a.length][b.length];
  };
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let t = 0; t < 500; t++) {
    const gen = () => Array.from({ length: Math.floor(rnd() * 14) }, () => 'abcd'[Math.floor(rnd() * 4)]);
    const a = gen();
    const b = gen();
    const ops = diffLines(a, b);
    assert.deepEqual(ops.filter((o) => o.t !== '+').map((o) => o.line), a);
    assert.deepEqual(ops.filter((o) => o.t !== '-').map((o) => o.line), b);
    assert.equal(ops.filter((o) => o.t === ' ').length, lcs(a, b));
  }
  assert.equal(unifiedDiff('x\n', 'x\n', 'a', 'b'), '');
  assert.equal(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', 'old', 'new'), '--- old\n+++ new\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
});

test('--prune removes stale files this tool wrote and nothing else', () => {
  const dir = tmp();
  const out = join(dir, 'out');
  const a = spec(dir, 'a');
  const old = spec(dir, 'old');
  assert.equal(run(['synth', a, old, '-o', out]).code, 0);
  writeFileSync(join(out, 'hand-written.k8s.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine}\n');
  writeFileSync(join(out, 'notes.txt'), 'keep me');
  const mixed = `${readFileSync(join(out, 'old.k8s.yaml'), 'utf8')}---\napiVersion: v1\nkind: Secret\nmetadata: {name: other}\n`;
  writeFileSync(join(out, 'mixed.k8s.yaml'), mixed);
  symlinkSync(join(out, 'old.k8s.yaml'), join(out, 'link.k8s.yaml'));
  const d = run(['diff', a, '-o', out]);
  assert.match(d.out, new RegExp(`^stale: ${join(out, 'old.k8s.yaml')} \\(no spec writes it; synth --prune removes it\\)$`, 'm'));
  assert.match(d.out, /0 to create, 0 to change, 1 unchanged, 1 stale\n$/);
  const r = run(['synth', a, '-o', out, '--prune']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `wrote ${join(out, 'a.k8s.yaml')} (${docs(readFileSync(join(out, 'a.k8s.yaml'), 'utf8')).length} objects)\nremoved ${join(out, 'old.k8s.yaml')} (stale: no spec writes it)\n`);
  assert.deepEqual(readdirSync(out).sort(), ['a.k8s.yaml', 'hand-written.k8s.yaml', 'link.k8s.yaml', 'mixed.k8s.yaml', 'notes.txt']);
  // without --prune nothing is removed
  const again = spec(dir, 'again');
  assert.equal(run(['synth', again, '-o', out]).code, 0);
  assert.ok(existsSync(join(out, 'a.k8s.yaml')));
});

test('every object synth writes carries the managed-by label --prune relies on', () => {
  const files = readdirSync(join(REPO, 'templates')).filter((f) => f.endsWith('.yaml')).map((f) => join(REPO, 'templates', f));
  const objs = docs(run(['synth', ...files, '-o', '-']).out);
  assert.ok(objs.length > 100);
  assert.deepEqual(objs.filter((o) => o.metadata?.labels?.['app.kubernetes.io/managed-by'] !== 'cdk8s-model-serving').map((o) => `${o.kind}/${o.metadata?.name}`), []);
});

test('refuses --prune with -o - (exit 2)', () => {
  const r = run(['synth', 'x.yaml', '-o', '-', '--prune']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^model-serving synth: --prune needs an output directory \(-o DIR\), not standard output\n/);
});

test('exit codes: 0 ok, 1 invalid spec, 2 usage or IO', () => {
  const dir = tmp();
  const good = spec(dir, 'good');
  const bad = spec(dir, 'bad', { replicas: -1 });
  assert.equal(run(['validate', good]).code, 0);
  assert.equal(run(['validate', bad]).code, 1);
  assert.equal(run(['validate']).code, 2);
  assert.equal(run(['validate', '--nope']).code, 2);
  assert.equal(run(['validate', join(dir, 'missing.yaml')]).code, 2);
  assert.equal(run(['validate', bad, join(dir, 'missing.yaml')]).code, 2);
  assert.equal(run(['synth', good, '-o', '/dev/null']).code, 2);
  assert.equal(run(['frobnicate']).code, 2);
});

for (const runtime of RUNTIMES) {
  test(`init --runtime ${runtime} writes a starter spec that validates, leads with spec.gateway and synthesizes an HTTPRoute`, () => {
    const dir = tmp();
    const file = join(dir, `${runtime}.yaml`);
    const r = run(['init', '--runtime', runtime, '-o', file]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `wrote ${file} (runtime ${runtime}); next: model-serving validate ${file}\n`);
    assert.equal(readFileSync(file, 'utf8'), starterSpec(runtime));
    assert.equal(run(['validate', file]).code, 0);
    assert.equal(run(['lint', file]).code, 0);
    const objs = docs(run(['synth', file, '-o', '-']).out);
    const route = objs.find((o) => o.kind === 'HTTPRoute');
    assert.deepEqual(route.spec.parentRefs, [{ name: 'inference-gateway', namespace: 'gateway-system' }]);
    assert.equal(objs.some((o) => o.kind === 'Ingress'), false);
  });
}

test('init\'s starter spec admits monitoring to the metrics port only, never to Triton\'s serving ports (model load/unload)', () => {
  const doc = docs(starterSpec('triton'))[0];
  assert.equal(doc.spec.networkPolicy, undefined, 'the defaults: the spec\'s namespace, the Gateway\'s, and monitoring for metrics');
  const np = docs(run(['synth', '-', '-o', '-'], starterSpec('triton')).out).find((o) => o.kind === 'NetworkPolicy');
  const inNs = (...values: string[]) => [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values }] } }];
  assert.deepEqual(np.spec.ingress, [
    { from: inNs('default', 'gateway-system'), ports: [{ port: 8000, protocol: 'TCP' }, { port: 8001, protocol: 'TCP' }] },
    { from: inNs('monitoring'), ports: [{ port: 8002, protocol: 'TCP' }] },
  ]);
  assert.match(starterSpec('triton'), /\n {2}# The NetworkPolicy admits pods of this namespace and of the Gateway's \(gateway-system\) to the serving\n/);
});

test('init points yaml-language-server at the schema\'s $id URL, which the published schema carries, not at a path relative to the spec', () => {
  const dir = tmp();
  const file = join(dir, 'specs', 'nested', 'chat.yaml');
  assert.equal(run(['init', '--runtime', 'vllm', '-o', file]).code, 0);
  const first = readFileSync(file, 'utf8').split('\n')[0];
  const schema = JSON.parse(readFileSync('model-serving.schema.json', 'utf8'));
  assert.equal(first, `# yaml-language-server: $schema=${schema.$id}`);
  assert.match(schema.$id, /^https:\/\//);
});

test('init names, namespaces and prints the starter spec; refuses to overwrite without --force', () => {
  const dir = tmp();
  const file = join(dir, 'chat.yaml');
  assert.equal(run(['init', '--runtime', 'vllm', '--name', 'chat', '-n', 'llm', '-o', file]).code, 0);
  const doc = docs(readFileSync(file, 'utf8'))[0];
  assert.deepEqual(doc.metadata, { name: 'chat', namespace: 'llm' });
  const again = run(['init', '--runtime', 'vllm', '-o', file]);
  assert.deepEqual(again, { code: 2, out: '', err: `model-serving init: ${file} exists; use --force to replace it\n` });
  assert.equal(run(['init', '--runtime', 'triton', '-o', file, '--force']).code, 0);
  assert.equal(docs(readFileSync(file, 'utf8'))[0].spec.runtime, 'triton');
  assert.equal(run(['init', '--runtime', 'tfserving', '-o', '-']).out, starterSpec('tfserving'));
});

test('refuses init without a known runtime or with a bad name (exit 2)', () => {
  assert.match(run(['init']).err, /^model-serving init: init needs --runtime \(triton, tfserving, torchserve, vllm\)\n/);
  assert.match(run(['init', '--runtime', 'onnx']).err, /^model-serving init: --runtime "onnx" is not a runtime \(triton, tfserving, torchserve, vllm\)\n/);
  assert.match(run(['init', '--runtime', 'vllm', '--name', '9chat']).err, /^model-serving init: --name "9chat": must be a DNS-1035 label/);
  assert.equal(run(['init']).code, 2);
});
