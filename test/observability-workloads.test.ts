/**
 * What the alerts and the dashboard watch beyond a Deployment: the LeaderWorkerSets of spec.multiNode, the endpoint
 * pickers of spec.inferencePool, and where each alert's runbook_url points. promtool proves the expressions fire
 * (test/alerts-promtool.test.ts, fixtures multinode.ts and picker.ts); these tests pin what they select.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { synth, find, all, tritonDoc, K8sObject } from './support/synth';
import { ALERTS, DEFAULT_RUNBOOK, defaultRunbookBase, runbookAnchor, runbookUrl, type AlertName, type AlertingRule } from '../lib/observability/alerts';
import { githubRepoOf } from '../lib/model/package-info';
import { promqlProblems } from '../lib/promql/promql';

const rules = (o: K8sObject[]) => find(o, 'PrometheusRule').spec.groups.flatMap((g: K8sObject) => g.rules);
const alerts = (o: K8sObject[]) => rules(o).filter((r: K8sObject): r is AlertingRule => 'alert' in r) as AlertingRule[];
const named = (o: K8sObject[], name: string) => alerts(o).filter((a) => a.alert === name);
const dashboard = (o: K8sObject[]) => JSON.parse(find(o, 'ConfigMap', 'm-dashboard').data['ml-m.json']);

const VLLM = { runtime: 'vllm', models: [{ name: 'llama', format: 'huggingface' }] };
const multiNode = (spec: Record<string, unknown> = {}) => synth(tritonDoc({ ...VLLM, resources: { gpu: { count: 8 } }, multiNode: { nodes: 2 }, ...spec }));
const CANARY = { gateway: { parentRef: { name: 'gw' } }, rollout: { strategy: 'canary', weight: 10, canary: {} } };

// ---- spec.multiNode ----

test('multi-node: ModelServingDown reads the ready leaders of each serving track\'s LeaderWorkerSet (its leader StatefulSet), never a Deployment', () => {
  const o = multiNode(CANARY);
  assert.deepEqual(all(o, 'LeaderWorkerSet').map((l) => l.metadata.name), ['m-lws', 'm-canary-lws']);
  assert.deepEqual(all(o, 'Deployment'), []);
  const down = named(o, ALERTS.down);
  assert.deepEqual(down.map((a) => [a.labels.model_serving_track, a.labels.severity]), [['stable', 'critical'], ['canary', 'warning']]);
  assert.equal(down[0].expr, 'max by (namespace, statefulset) (kube_statefulset_status_replicas_ready{namespace="ml",statefulset="m-lws"}) < 1'
    + ' unless on (namespace, statefulset) (time() - max by (namespace, statefulset) (kube_statefulset_created{namespace="ml",statefulset="m-lws"}) < 1800)');
  assert.match(down[1].expr, /statefulset="m-canary-lws"/);
  assert.match(down[0].annotations.summary, /LeaderWorkerSet m-lws has no serving group/);
  assert.match(down[0].annotations.description, /kubectl -n ml describe leaderworkerset m-lws$/);
  for (const a of alerts(o)) assert.doesNotMatch(a.expr, /kube_deployment|kube_replicaset/, a.alert);
});

test('multi-node: ModelServingNotScraped needs a ready leader; crash loops follow the leader and worker StatefulSets of every track', () => {
  const o = multiNode(CANARY);
  assert.equal(named(o, ALERTS.notScraped)[0].expr,
    'sum(kube_statefulset_status_replicas_ready{namespace="ml",statefulset=~"m-lws|m-canary-lws"}) > 0 unless on () count(up{namespace="ml",job="m-metrics"})');
  assert.match(named(o, ALERTS.crashLooping)[0].expr,
    /and on \(namespace, pod\) max by \(namespace, pod\) \(kube_pod_owner\{namespace="ml",owner_kind="StatefulSet",owner_name=~"\(m-lws\|m-canary-lws\)\(-\[0-9\]\+\)\?"\}\)$/);
});

test('multi-node: the Replicas panel shows ready and desired groups and the ready workers; the GPU panels say they cover the leaders only', () => {
  const d = dashboard(multiNode());
  const replicas = d.panels.find((p: K8sObject) => p.title === 'Replicas (groups)');
  assert.deepEqual(replicas.targets.map((t: K8sObject) => t.expr), [
    'kube_statefulset_status_replicas_ready{namespace="ml",statefulset="m-lws"}',
    'kube_statefulset_replicas{namespace="ml",statefulset="m-lws"}',
    'sum by (namespace) (kube_statefulset_status_replicas_ready{namespace="ml",statefulset=~"(m-lws)-[0-9]+"})',
  ]);
  for (const t of replicas.targets) assert.deepEqual(promqlProblems(t.expr), []);
  assert.match(d.panels.find((p: K8sObject) => p.title === 'GPU utilization').description, /group leaders' GPUs only/);
  assert.match(named(multiNode(), ALERTS.gpuUtilization)[0].annotations.description, /only the group leaders' GPUs are measured/);
  // a spec without multiNode keeps its Deployment panel
  assert.ok(dashboard(synth(tritonDoc())).panels.some((p: K8sObject) => p.title === 'Replicas'));
});

// ---- the track label of ModelServingDown ----

test('ModelServingDown carries the track\'s pod label, the value its pods and series have; the description names the track', () => {
  const o = synth(tritonDoc({ rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: {} } } }));
  const deployment = all(o, 'Deployment').find((d) => d.metadata.name === 'm')!;
  assert.equal(deployment.spec.template.metadata.labels['model-serving/track'], 'stable', 'blue is the primary track: its pods keep `stable`');
  const [down] = named(o, ALERTS.down);
  assert.equal(down.labels.model_serving_track, 'stable');
  assert.match(down.annotations.description, /^Deployment m \(track blue, behind Service m\)/);
});

// ---- endpoint pickers ----

const POOL = { ...VLLM, repository: { huggingface: { modelId: 'meta-llama/Llama-3.1-8B-Instruct' } }, inferencePool: {} };

test('picker alerts exist only with spec.inferencePool: one pair per pool, the canary pool\'s drops as a warning', () => {
  assert.deepEqual(alerts(synth(tritonDoc({ ...POOL, inferencePool: undefined, gateway: { parentRef: { name: 'gw' } } })))
    .filter((a) => a.alert.startsWith('ModelServingPicker')), []);
  const o = synth(tritonDoc({ ...POOL, gateway: { parentRef: { name: 'gw' }, timeoutSeconds: 3000 }, rollout: { strategy: 'canary', weight: 10, canary: {} } }));
  const dropped = named(o, ALERTS.pickerRequestsDropped);
  assert.deepEqual(dropped.map((a) => [a.expr.match(/job="([^"]+)"/)![1], a.labels.severity]), [['m-epp', 'critical'], ['m-canary-epp', 'warning']]);
  const c = 'llm_d_epp_flow_control_requests_total{namespace="ml",job="m-epp",outcome!~"Dispatched|EvictedContextCancelled"}';
  assert.equal(dropped[0].expr, `sum by (namespace, job, inference_pool, outcome) ((${c} unless ${c} offset 10m) or increase(${c}[10m])) > 0`);
  const notScraped = named(o, ALERTS.pickerNotScraped);
  assert.deepEqual(notScraped.map((a) => a.labels), [
    { namespace: 'ml', job: 'm-epp', inference_pool: 'm', severity: 'warning' },
    { namespace: 'ml', job: 'm-canary-epp', inference_pool: 'm-canary', severity: 'warning' },
  ]);
  assert.equal(notScraped[0].expr, 'sum(kube_deployment_status_replicas_available{namespace="ml",deployment="m-epp"}) > 0 unless on () count(up{namespace="ml",job="m-epp"} == 1)');
  // the picker Deployment and scrape job are the names the constructs give them
  assert.deepEqual(all(o, 'Deployment').map((d) => d.metadata.name).filter((n) => n.endsWith('-epp')), ['m-epp', 'm-canary-epp']);
});

test('with scale to zero an unscraped picker is critical: the autoscaler cannot see the held requests', () => {
  const o = synth(tritonDoc({
    ...POOL, gateway: { parentRef: { name: 'gw' }, timeoutSeconds: 3600 },
    autoscaling: { engine: 'keda', minReplicas: 0, maxReplicas: 2, keda: { serverAddress: 'http://prometheus.monitoring:9090', threshold: 10 } },
  }));
  const [a] = named(o, ALERTS.pickerNotScraped);
  assert.equal(a.labels.severity, 'critical');
  assert.match(a.annotations.description, /the pool never wakes from zero/);
  assert.match(named(o, ALERTS.pickerRequestsDropped)[0].annotations.description, /waking from zero failed or took longer than the hold/);
  assert.deepEqual(named(o, ALERTS.down), [], 'a deployment that may scale to zero has no down alert');
});

// ---- runbook_url ----

test('runbook_url defaults to docs/OBSERVABILITY.md at this release\'s tag in the package\'s repository', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  const repo = githubRepoOf(pkg.repository.url)!;
  assert.equal(repo, 'cdk8s-model-serving/cdk8s-model-serving');
  assert.equal(DEFAULT_RUNBOOK, `https://github.com/${repo}/blob/v${pkg.version}/docs/OBSERVABILITY.md`);
  assert.equal(runbookUrl(ALERTS.down), `${DEFAULT_RUNBOOK}#modelservingdown`);
  assert.equal(runbookUrl(ALERTS.down, 'https://runbooks.example.org/ml/'), 'https://runbooks.example.org/ml/ModelServingDown');
  assert.equal(defaultRunbookBase({ version: '1.2.3', githubRepo: 'o/n' }), 'https://github.com/o/n/blob/v1.2.3/docs/OBSERVABILITY.md');
  assert.equal(defaultRunbookBase({ version: 'unknown', githubRepo: 'o/n' }), 'https://github.com/o/n/blob/main/docs/OBSERVABILITY.md');
  assert.deepEqual(['git+https://github.com/o/n.git', 'https://github.com/o/n#readme', 'github:o/n', 'git@github.com:o/n.git'].map(githubRepoOf),
    ['o/n', 'o/n', 'o/n', 'o/n']);
  assert.equal(githubRepoOf('https://gitlab.com/o/n'), undefined);
});

test('the compiled package finds its package.json too (build/lib sits inside the package root)', (t) => {
  if (!existsSync('build/lib/observability/alerts.js')) return t.skip('run `npm run build` first (npm test builds)');
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(require("./build/lib/observability/alerts.js").DEFAULT_RUNBOOK)'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, DEFAULT_RUNBOOK);
});

/** GitHub's heading anchor: lower case, punctuation other than `-` and `_` dropped, spaces to `-`. */
const slug = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');

test('every alert\'s default runbook anchor is a heading of docs/OBSERVABILITY.md', () => {
  const headings = new Set([...readFileSync('docs/OBSERVABILITY.md', 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
  assert.ok(headings.has('runbooks') && headings.has('logs'), 'the slug function reads the headings');
  const missing = (Object.values(ALERTS) as AlertName[]).map(runbookAnchor).filter((a) => !headings.has(a));
  assert.deepEqual(missing, []);
});

test('docs/OBSERVABILITY.md cites upstream paths and versions, not how its facts were looked up', () => {
  const md = readFileSync('docs/OBSERVABILITY.md', 'utf8');
  for (const re of [/stored index/i, /\bsnapshot\b/i, /\bcheckout\b/i, /\bmirror\b/i, /file read\b/i]) assert.doesNotMatch(md, re);
  // the vLLM metric names say which release they were checked at
  assert.match(md, /The names\nbelow were checked at vLLM 0\.12/);
});
