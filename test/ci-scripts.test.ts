/** The CI scripts (.ci/) load from this checkout's node_modules only packages package.json declares. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const declared = { ...pkg.dependencies, ...pkg.devDependencies } as Record<string, string>;

test('every package a .ci script loads from $root/node_modules is a pinned dependency, in the lockfile at that version', () => {
  const used = new Set<string>();
  for (const f of readdirSync('.ci')) {
    const text = readFileSync(join('.ci', f), 'utf8');
    for (const m of text.matchAll(/\$root\/node_modules\/((?:@[a-z0-9._-]+\/)?[a-z0-9._-]+)/g)) used.add(m[1]);
  }
  assert.ok(used.has('semver') && used.has('cdk8s-cli'), [...used].join(', '));
  for (const name of used) {
    assert.match(declared[name] ?? '', /^\d+\.\d+\.\d+$/, `${name} is declared with an exact version`);
    assert.equal(lock.packages[`node_modules/${name}`]?.version, declared[name], `${name} in package-lock.json`);
    assert.equal(lock.packages['']?.devDependencies?.[name] ?? lock.packages['']?.dependencies?.[name], declared[name]);
  }
});
