/**
 * The generated PrometheusRules under Prometheus' own tool: `promtool check rules` on every rule group, and
 * `promtool test rules` proving that each alert fires on synthetic series that break its threshold and stays
 * silent on series that do not (fixtures: test/fixtures/alerts/<runtime>.ts). Without promtool these tests
 * are skipped and say why.
 */
import { HAS_PROMTOOL, SKIP, promtool } from './support/promtool';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { synth, find, tritonDoc } from './support/synth';
import { RUNTIME_REGISTRY } from '../lib/runtimes/registry';
import type { AlertingRule, RuleGroup } from '../lib/observability/alerts';
import { ALERT_FIXTURES } from './fixtures/alerts';
import type { AlertCase } from './fixtures/alerts/types';

/** The rule groups (the PrometheusRule's spec) of a spec document. */
function ruleGroups(doc: Record<string, unknown>): RuleGroup[] {
  return find(synth(doc), 'PrometheusRule').spec.groups;
}

// ---- Go text/template functions of Prometheus (template/template.go), for the expected annotations ----

/** Go's fmt `%.4g`. */
function g4(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return '0';
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  const [mantissa, e] = v.toExponential(3).split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 4) return `${strip(mantissa)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return strip(v.toFixed(3 - exp));
}

function humanizeDuration(v: number): string {
  if (v === 0) return '0s';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    const s = Math.trunc(Math.abs(v));
    const [d, h, m, sec] = [Math.trunc(s / 86400), Math.trunc(s / 3600) % 24, Math.trunc(s / 60) % 60, s % 60];
    if (d) return `${sign}${d}d ${h}h ${m}m ${sec}s`;
    if (h) return `${sign}${h}h ${m}m ${sec}s`;
    if (m) return `${sign}${m}m ${sec}s`;
    return `${sign}${g4(Math.abs(v))}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

/**
 * Expands the template subset the rules use: `{{ if $labels.x }}a{{ else }}b{{ end }}`, `{{ $labels.x }}`,
 * `{{ $value }}`, `{{ $value | fn }}`.
 */
function expand(text: string, labels: Record<string, string>, value: number): string {
  const branched = text.replace(/\{\{ if \$labels\.([A-Za-z_][A-Za-z0-9_]*) \}\}(.*?)\{\{ else \}\}(.*?)\{\{ end \}\}/g,
    (_, label: string, then: string, otherwise: string) => (labels[label] ? then : otherwise));
  return branched.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, inner: string) => {
    const label = /^\$labels\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(inner);
    if (label) return labels[label[1]] ?? '';
    const [head, fn] = inner.split('|').map((x) => x.trim());
    assert.equal(head, '$value', `unsupported template {{ ${inner} }}`);
    if (fn === undefined) return String(value);
    if (fn === 'humanizePercentage') return `${g4(value * 100)}%`;
    if (fn === 'humanizeDuration') return humanizeDuration(value);
    throw new Error(`unsupported template function ${fn}`);
  });
}

// ---- promtool test rules ----

function unitTest(groups: RuleGroup[], c: AlertCase): string {
  // several rules may share an alert name (ModelServingDown: one per serving track): the firing one carries the
  // expected static labels
  const named = groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r && r.alert === c.alert);
  assert.ok(named.length, `the PrometheusRule has no alert ${c.alert}`);
  const rule = c.fires ? named.find((r) => Object.entries(r.labels).every(([k, v]) => c.fires!.labels[k] === v)) : named[0];
  assert.ok(rule, `no ${c.alert} rule has the labels ${JSON.stringify(c.fires?.labels)}`);
  const expAlerts = c.fires ? [{
    exp_labels: c.fires.labels,
    exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expand(v, { ...c.fires!.labels }, c.fires!.value)])),
  }] : [];
  return stringify({
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: [{
      interval: '1m',
      input_series: c.input,
      alert_rule_test: [{ eval_time: c.evalTime, alertname: c.alert, exp_alerts: expAlerts }],
    }],
  });
}

const fixtureEntries = Object.entries(ALERT_FIXTURES).flatMap(([runtime, sets]) => sets.map((f) => ({ runtime, f })));

test('every registered runtime has promtool alert fixtures', () => {
  assert.deepEqual(RUNTIME_REGISTRY.map((r) => r.name).filter((n) => !ALERT_FIXTURES[n]), []);
});

for (const [runtime, sets] of Object.entries(ALERT_FIXTURES)) {
  test(`the ${runtime} fixtures make every alert fire once and stay silent once`, () => {
    // the alerts of every fixture's spec (multi-node and inference-pool specs have alerts of their own)
    const alerts = [...new Set(sets.flatMap((s) => ruleGroups(tritonDoc(s.doc)).flatMap((g) => g.rules)
      .filter((r): r is AlertingRule => 'alert' in r).map((r) => r.alert)))];
    const cases = sets.flatMap((s) => s.cases);
    const missing = alerts.flatMap((a) => [
      ...(cases.some((c) => c.alert === a && c.fires) ? [] : [`${a} firing`]),
      ...(cases.some((c) => c.alert === a && !c.fires) ? [] : [`${a} silent`]),
    ]);
    assert.deepEqual(missing, []);
  });
}

for (const { runtime, f } of fixtureEntries) {
  for (const c of f.cases) {
    test(`${c.alert} (${f.title}) ${c.name}`, (t) => {
      if (!HAS_PROMTOOL) return t.skip(SKIP);
      const groups = ruleGroups(tritonDoc(f.doc));
      const r = promtool({ 'rules.yaml': stringify({ groups }), 'test.yaml': unitTest(groups, c) }, ['test', 'rules', 'test.yaml']);
      assert.equal(r.status, 0, `promtool test rules failed for ${runtime}:\n${r.output}`);
    });
  }
}

// ---- promtool check rules ----

const variants: { title: string; doc: Record<string, unknown> }[] = [
  ...fixtureEntries.map(({ runtime, f }) => ({ title: `${runtime}: ${f.title}`, doc: f.doc })),
  { title: 'triton on CPU only', doc: { resources: undefined } },
  { title: 'triton with blue-green tracks', doc: { rollout: { strategy: 'blueGreen', active: 'blue', tracks: { blue: {}, green: {} } } } },
  { title: 'triton scaled by KEDA down to zero', doc: { autoscaling: { engine: 'keda', minReplicas: 0, maxReplicas: 4, keda: {
      serverAddress: 'http://prometheus.monitoring:9090', threshold: 100,
      query: 'sum(rate(nginx_ingress_controller_requests{namespace="ml",ingress="m"}[2m]))',
    } } } },
  {
    title: 'triton with custom thresholds and runbooks',
    doc: { monitoring: { alerts: { p95LatencySeconds: 0.25, maxErrorRatePercent: 0.5, maxQueueTimeSeconds: 0.05, minGpuUtilizationPercent: 0, maxGpuMemoryPercent: 95, runbookBaseUrl: 'https://runbooks.example.org/ml/' } } },
  },
  {
    title: 'vllm with custom token-latency and KV-cache thresholds',
    doc: { ...ALERT_FIXTURES.vllm[0].doc, monitoring: { alerts: { timeToFirstTokenP95Seconds: 0.8, interTokenLatencyP95Seconds: 0.05, maxGpuMemoryPercent: 97 } } },
  },
  { title: 'triton with a canary on MIG slices', doc: { gateway: { parentRef: { name: 'inference' } }, rollout: { strategy: 'canary', weight: 5, canary: {} }, resources: { gpu: { count: 1, resourceName: 'nvidia.com/mig-1g.10gb' } } } },
];

for (const v of variants) {
  test(`promtool check rules accepts the rule groups of ${v.title}`, (t) => {
    if (!HAS_PROMTOOL) return t.skip(SKIP);
    const groups = ruleGroups(tritonDoc(v.doc));
    const r = promtool({ 'rules.yaml': stringify({ groups }) }, ['check', 'rules', 'rules.yaml']);
    assert.equal(r.status, 0, r.output);
    assert.match(r.output, new RegExp(`SUCCESS: ${groups.reduce((n, g) => n + g.rules.length, 0)} rules found`));
  });
}

test('the Go number formatting used for expected annotations matches %.4g', () => {
  assert.deepEqual([0.05 * 100, 93.75, 0.1 * 100, 1234.4, 12346, 0.00001234].map(g4), ['5', '93.75', '10', '1234', '1.235e+04', '1.234e-05']);
  assert.deepEqual([1.5, 0.6, 0.25, 90].map(humanizeDuration), ['1.5s', '600ms', '250ms', '1m 30s']);
});

