/**
 * `model-serving validate` must start fast: its import graph holds the spec loader only, never the
 * synthesis stack (cdk8s, constructs), the Pulumi SDK, the Grafana SDK or (for a spec without a PromQL
 * query) the PromQL parser. Checked in a fresh process,
 * which lists the npm packages in require.cache after running the command. No timing here: the start
 * time itself is measured by `npm run bench` (bench/startup.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const REPO = join(__dirname, '..');

const PROBE = `
const { main } = require('./lib/cli/main.ts');
let out = '';
const code = main(['validate', 'templates/triton-onnx-classifier.yaml'], { out: (s) => { out += s; }, err: (s) => process.stderr.write(s) });
const packages = new Set();
for (const k of Object.keys(require.cache)) { const m = /node_modules\\/((@[^/]+\\/)?[^/]+)/.exec(k); if (m) packages.add(m[1]); }
process.stdout.write(JSON.stringify({ code, out, packages: [...packages].sort() }));
`;

// the PromQL parser (Lezer) loads on first use: a spec without autoscaling.keda.query never needs it
const HEAVY = [/^@pulumi\//, /^cdk8s$/, /^cdk8s-plus-28$/, /^constructs$/, /^@grafana\//, /^@lezer\//, /^@prometheus-io\//];

test('validate loads no Pulumi, cdk8s, constructs, Grafana or PromQL parser module', () => {
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', PROBE], { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { code, out, packages } = JSON.parse(r.stdout) as { code: number; out: string; packages: string[] };
  assert.equal(code, 0);
  assert.equal(out, 'templates/triton-onnx-classifier.yaml: vision-classifier: valid\n');
  // the probe sees the loader's own packages, so an empty list cannot pass by accident
  assert.ok(packages.includes('yaml') && packages.includes('@sinclair/typebox'), packages.join(', '));
  assert.deepEqual(packages.filter((p) => HEAVY.some((h) => h.test(p))), []);
});
