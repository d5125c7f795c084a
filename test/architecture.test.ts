/** The layers of lib/ (docs/ARCHITECTURE.md): every relative import points to the same or a lower layer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

const LAYERS: Record<string, number> = {
  promql: 0, spec: 1, runtimes: 1, k8s: 2, model: 2, observability: 3, batch: 3, logging: 3, constructs: 4,
  'synth.ts': 5, 'lint.ts': 5, 'lint-traffic.ts': 5, 'lint-gpu.ts': 5, 'plan.ts': 5, cli: 6, pulumi: 6, 'index.ts': 7,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));
}
const layerOf = (file: string) => LAYERS[relative('lib', file).split('/')[0]];

test('every folder of lib/ has a layer', () => {
  for (const f of files('lib')) assert.notEqual(layerOf(f), undefined, f);
});

test('imports point down only: no module imports from a higher layer', () => {
  const upward: string[] = [];
  for (const f of files('lib')) {
    for (const m of readFileSync(f, 'utf8').matchAll(/from '(\.[^']+)'/g)) {
      const target = `${normalize(join(dirname(f), m[1]))}.ts`;
      if (layerOf(target) > layerOf(f)) upward.push(`${f} -> ${m[1]}`);
    }
  }
  assert.deepEqual(upward, []);
});
