/** Generated docs stay true: the spec reference and the JSON Schema are regenerated and compared. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { specReference } from '../lib/spec/reference';

test('docs/SPEC.md is the reference generated from the current schema', () => {
  assert.equal(readFileSync('docs/SPEC.md', 'utf8'), specReference(), 'run: npx tsx lib/spec/reference.ts > docs/SPEC.md');
});

test('the README gives the two commands and links the spec reference', () => {
  const readme = readFileSync('README.md', 'utf8');
  assert.match(readme, /npm ci && npm run synth/);
  assert.match(readme, /npm test/);
  assert.match(readme, /docs\/SPEC\.md/);
});

test('docs/BAD_INPUTS.md lists every refusal test (generated from the test names)', async () => {
  const { catalogue } = await import('./support/catalogue');
  assert.equal(readFileSync('docs/BAD_INPUTS.md', 'utf8'), catalogue(), 'run: npx tsx test/support/catalogue.ts > docs/BAD_INPUTS.md');
});
