/**
 * The published JSON Schema (model-serving.schema.json) works with plain validators and editors: ajv compiles it in
 * strict mode with no custom formats, every template validates, it refuses what the loader refuses, closed choices
 * are `enum`s, defaults are real `default` keywords that the field itself accepts, and `$id` is a stable https URL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { jsonSchema, SCHEMA_ID, plainDefault } from '../lib/spec/json-schema';
import { RUNTIMES } from '../lib/spec/schema/spec';
import { VLLM_DTYPES } from '../lib/spec/schema/model';
import { validateDocument } from '../lib/spec/load';
import { Type } from '@sinclair/typebox';

const committed = JSON.parse(readFileSync('model-serving.schema.json', 'utf8')) as Record<string, any>;

function strictAjv() {
  return new Ajv2020({ strict: true, allErrors: true });
}

test('the committed schema is the generated one', () => {
  assert.deepEqual(committed, JSON.parse(JSON.stringify(jsonSchema())), 'run: npm run generate');
});

test('plain ajv compiles the schema in strict mode, with no custom formats registered', () => {
  assert.doesNotThrow(() => strictAjv().compile(committed));
  assert.doesNotMatch(JSON.stringify(committed), /"format":\s*"quantity"/);
});

const templates = readdirSync('templates').filter((f) => f.endsWith('.yaml')).sort();

test('every template validates against the JSON Schema', () => {
  const validate = strictAjv().compile(committed);
  assert.ok(templates.length > 5);
  for (const f of templates) {
    const doc = parse(readFileSync(join('templates', f), 'utf8'));
    assert.ok(validate(doc), `${f}: ${JSON.stringify(validate.errors)}`);
  }
});

test('refuses in the JSON Schema what the loader refuses field by field (dtype, quantity, unknown field, int-or-percent)', () => {
  const validate = strictAjv().compile(committed);
  const base = parse(readFileSync('templates/vllm-llama.yaml', 'utf8'));
  const bad: Array<[string, (d: any) => void]> = [
    ['engine.dtype bf16', (d) => { d.spec.models[0].engine = { dtype: 'bf16' }; }],
    ['memory 8 GB', (d) => { d.spec.resources = { memory: { limit: '8 GB' } }; }],
    ['negative cpu', (d) => { d.spec.resources = { cpu: { limit: -1 } }; }],
    ['unknown field replica', (d) => { d.spec.replica = 2; }],
    ['runtime trtion', (d) => { d.spec.runtime = 'trtion'; }],
    ['maxSurge 10 (no %)', (d) => { d.spec.rollingUpdate = { maxSurge: '10' }; }],
  ];
  for (const [what, mutate] of bad) {
    const d = structuredClone(base);
    mutate(d);
    assert.equal(validate(d), false, `${what}: the JSON Schema accepted it`);
    assert.notDeepEqual(validateDocument(d), [], `${what}: the loader accepted it`);
  }
  const ok = structuredClone(base);
  ok.spec.resources = { memory: { limit: 8589934592, request: '8Gi' }, cpu: { request: '500m' } };
  ok.spec.rollingUpdate = { maxSurge: '25%', maxUnavailable: 0 };
  assert.ok(validate(ok), JSON.stringify(validate.errors));
});

/** Every node of the schema with its JSON pointer. */
function nodes(s: unknown, path = '', out: Array<[string, Record<string, any>]> = []) {
  if (Array.isArray(s)) s.forEach((x, i) => nodes(x, `${path}/${i}`, out));
  else if (s && typeof s === 'object') {
    out.push([path, s as Record<string, any>]);
    for (const [k, v] of Object.entries(s)) nodes(v, `${path}/${k}`, out);
  }
  return out;
}

test('closed choices are enums (editors list them), never anyOf of consts', () => {
  for (const [path, n] of nodes(committed)) {
    if (Array.isArray(n.anyOf)) assert.ok(!n.anyOf.every((a: any) => 'const' in a), `${path}: anyOf of consts`);
  }
  const spec = committed.properties.spec.properties;
  assert.deepEqual(spec.runtime, { description: 'Serving runtime.', type: 'string', enum: [...RUNTIMES] });
  assert.deepEqual(spec.models.items.properties.engine.properties.dtype.enum, [...VLLM_DTYPES]);
  assert.equal(spec.models.items.properties.engine.properties.dtype.default, 'auto');
});

test('defaults are plain values the field accepts, taken from the @default sentences', () => {
  const spec = committed.properties.spec.properties;
  assert.equal(spec.replicas.default, 1);
  assert.equal(spec.mode.default, 'online');
  assert.equal(spec.monitoring.properties.interval.default, '15s');
  assert.equal(spec.batch.properties.backoffLimit.default, 2);
  assert.equal('default' in spec.resources.properties.memory.properties.limit, false); // "8Gi (vllm: 10Gi per GPU), raised to ..."

  assert.deepEqual(spec.verticalAutoscaling.properties.controlledResources.default, ['cpu', 'memory']);
  assert.equal(spec.security.properties.unsafe.properties.runAsRoot.default, false);
  // texts that are not one plain value give no default
  assert.equal('default' in spec.startupTimeoutSeconds, false); // "600 (vllm: 1800)"
  assert.equal('default' in spec.rollout.properties.canary.properties.image, false); // "spec.image", another field
  assert.equal('default' in spec.models.items.properties.engine.properties.quantization, false); // "none"
  let count = 0;
  for (const [path, n] of nodes(committed)) {
    if (!('default' in n) || path.endsWith('/properties')) continue;
    count++;
    const { $comment: _c, default: _d, ...node } = n;
    assert.ok(strictAjv().validate(node, n.default), `${path}: default ${JSON.stringify(n.default)} is not accepted by its own schema`);
  }
  assert.ok(count >= 30, `only ${count} defaults`);
});

test('plainDefault keeps only values: numbers, booleans, choices, lists; not prose or references', () => {
  assert.deepEqual(plainDefault(Type.Integer({ description: 'x. @default - 600' })), { value: 600 });
  assert.deepEqual(plainDefault(Type.String({ description: 'x. @default - 1.0' })), { value: '1.0' });
  assert.equal(plainDefault(Type.Integer({ description: 'x. @default - 600 (vllm: 1800)' })), undefined);
  assert.equal(plainDefault(Type.String({ description: 'x. @default - none' })), undefined);
  assert.equal(plainDefault(Type.String({ description: 'x. @default - spec.image' })), undefined);
  assert.equal(plainDefault(Type.Integer({ description: 'x. @default - auto' })), undefined);
});

test('$id is a stable https URL for this release line, documented in the README', () => {
  assert.equal(committed.$id, SCHEMA_ID);
  const { name, version } = JSON.parse(readFileSync('package.json', 'utf8'));
  const [major, minor] = version.split('.');
  assert.equal(SCHEMA_ID, `https://cdn.jsdelivr.net/npm/${name}@${major}.${minor}/model-serving.schema.json`);
  assert.ok(readFileSync('README.md', 'utf8').includes(SCHEMA_ID));
});
