/**
 * Property-based tests of the spec loader (fast-check): over random specs and random corruptions of the
 * templates, the loader never throws anything but a SpecError, every rejection names a field path (or a
 * YAML position), and every accepted spec synthesizes into strictly valid manifests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { parseSpecs } from '../lib/spec/load';
import { SpecError } from '../lib/spec/errors';
import { synthesizeSpecs } from '../lib/synth';
import { validateObjects } from './support/k8s-validate';
import type { ModelServingDocument } from '../lib/spec/schema/spec';

const templates = readdirSync('templates').filter((f) => f.endsWith('.yaml')).sort()
  .map((f) => ({ file: f, docs: parseAllDocuments(readFileSync(join('templates', f), 'utf8')).map((d) => d.toJS()) }));
const seeds = templates.flatMap((t) => t.docs);

/** Outcome of loading text: accepted documents, or the SpecError; any other exception fails the property. */
function load(text: string) {
  try {
    return { docs: parseSpecs(text, 'p.yaml').map((l) => l.document) };
  } catch (e) {
    if (!(e instanceof SpecError)) throw new Error(`unexpected ${(e as Error).name}: ${(e as Error).message}`);
    return { error: e };
  }
}

function assertLocated(e: SpecError) {
  assert.ok(e.issues.length > 0);
  for (const i of e.issues) {
    assert.ok(i.path !== '' || /YAML|alias|document must be a mapping|file /.test(i.message), `issue without a field path: ${i.message}`);
    assert.doesNotMatch(i.message, /\n\s+at /, 'no stack trace');
  }
}

/** Every path (as key arrays) of a JSON value. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}
function setAt(root: any, path: (string | number)[], value: unknown, del: boolean): any {
  const copy = structuredClone(root);
  if (!path.length) return value;
  let cur = copy;
  for (const k of path.slice(0, -1)) cur = cur[k];
  const last = path[path.length - 1];
  if (del) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else cur[last] = value;
  return copy;
}

const junk = fc.oneof(
  fc.string({ maxLength: 12 }), fc.integer({ min: -5, max: 100000 }), fc.double({ noNaN: false }), fc.boolean(),
  fc.constant(null), fc.constant([]), fc.constant({}), fc.constant('latest'), fc.constant('-1'), fc.constant('1e999'),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }),
);

test('templates are the seeds and each is valid', () => {
  assert.ok(seeds.length >= 1);
  for (const t of templates) assert.ok(load(readFileSync(join('templates', t.file), 'utf8')).docs, t.file);
});

test('random corruptions of the templates give a SpecError with field paths, never a crash', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: seeds.length - 1 }), fc.nat(), junk, fc.boolean(), fc.string({ minLength: 1, maxLength: 8 }),
    (si, pi, value, del, extraKey) => {
      const seed = seeds[si];
      const all = paths(seed);
      const path = all[pi % all.length];
      let doc = setAt(seed, path, value, del && path.length > 0);
      if (pi % 7 === 0 && doc && typeof doc === 'object' && !Array.isArray(doc)) doc = { ...doc, [extraKey]: 1 };
      const r = load(stringify(doc));
      if (r.error) assertLocated(r.error);
    },
  ), { numRuns: 400, seed: 20261125 });
});

test('random text never crashes the loader', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
    const r = load(text);
    if (r.error) assertLocated(r.error);
  }), { numRuns: 300, seed: 7 });
});

test('random byte-level edits of a template never crash the loader', () => {
  const base = readFileSync(join('templates', templates[0].file), 'utf8');
  fc.assert(fc.property(fc.nat(base.length), fc.string({ maxLength: 4 }), fc.nat(5), (at, ins, cut) => {
    const r = load(base.slice(0, at) + ins + base.slice(at + cut));
    if (r.error) assertLocated(r.error);
  }), { numRuns: 300, seed: 11 });
});

/** Random valid-looking Triton specs built from the schema's vocabulary. */
const tritonSpec = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
  models: fc.uniqueArray(fc.record({
    name: fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/),
    format: fc.constantFrom('onnx', 'torchscript', 'python', 'tensorrt'),
    maxBatchSize: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }),
    versions: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  }), { minLength: 1, maxLength: 3, selector: (m) => m.name }),
  gpu: fc.integer({ min: 1, max: 8 }),
  replicas: fc.integer({ min: 0, max: 10 }),
  source: fc.constantFrom('pvc', 'create', 'uri'),
  cpu: fc.constantFrom('500m', '1', '2', 4),
});

test('random valid Triton specs synthesize into strictly valid manifests', async () => {
  const samples = fc.sample(tritonSpec, { numRuns: 25, seed: 42 });
  const objects: Record<string, any>[] = [];
  for (const s of samples) {
    const repository = s.source === 'pvc' ? { pvc: { claimName: 'models' } }
      : s.source === 'create' ? { pvc: { create: { size: '50Gi' } } } : { uri: 's3://bucket/models', credentialsSecret: 's3' };
    const doc = {
      apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: s.name, namespace: 'ml' },
      spec: {
        runtime: 'triton',
        models: s.models.map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined))),
        repository, replicas: s.replicas,
        resources: { cpu: { request: s.cpu, limit: 8 }, gpu: { count: s.gpu, product: 'NVIDIA-L4' } },
      },
    };
    const r = load(JSON.stringify(doc));
    assert.ok(r.docs, r.error?.message);
    objects.push(...synthesizeSpecs(r.docs!).flatMap((m) => m.objects));
  }
  const problems = await validateObjects(objects);
  assert.deepEqual(problems, []);
});

test('accepted corruptions synthesize into strictly valid manifests', async () => {
  const accepted: ModelServingDocument[] = [];
  fc.assert(fc.property(
    fc.integer({ min: 0, max: seeds.length - 1 }), fc.nat(), junk,
    (si, pi, value) => {
      const all = paths(seeds[si]);
      const r = load(stringify(setAt(seeds[si], all[pi % all.length], value, false)));
      if (r.docs && accepted.length < 40) accepted.push(...r.docs);
    },
  ), { numRuns: 300, seed: 99 });
  const objects = synthesizeSpecs(accepted).flatMap((m) => m.objects);
  assert.deepEqual(await validateObjects(objects), []);
});
