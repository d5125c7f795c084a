/**
 * Nothing is dropped silently. cdk8s-plus-28's L1 serializers know the Kubernetes 1.28 schema only: each
 * object we emit is passed through the L1 serializer of its kind, and every field that serializer would lose
 * must be a declared newer field (NEWER_FIELDS), present in our output. Every declared field must appear in
 * at least one synthesized object, so the list cannot hold a field nobody emits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { k8s } from 'cdk8s-plus-28';
import { synthFile, synth, tritonDoc, K8sObject } from './support/synth';
import { NEWER_FIELDS } from '../lib/k8s/api';

/** JSON names the L1 interfaces spell differently (their serializer renames them back). */
const L1_NAMES: Record<string, string> = { clusterIP: 'clusterIp', loadBalancerIP: 'loadBalancerIp', hostIP: 'hostIp', hostPID: 'hostPid', hostIPC: 'hostIpc', setHostnameAsFQDN: 'setHostnameAsFqdn' };

/** Our JSON in the L1 props' form: renamed keys, and every leaf a boxed value that also has `.value` (read by Quantity/IntOrString). */
function toL1(v: unknown): any {
  if (Array.isArray(v)) return v.map(toL1);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [L1_NAMES[k] ?? k, toL1(x)]));
  if (typeof v === 'string') return Object.assign(new String(v), { value: v });
  if (typeof v === 'number') return Object.assign(new Number(v), { value: v });
  if (typeof v === 'boolean') return Object.assign(new Boolean(v), { value: v });
  return v;
}

/** Every field path of a JSON value (`[]` for list items); map keys of labels/annotations/data are values, not fields. */
function paths(v: unknown, prefix = '', out = new Set<string>()): Set<string> {
  const MAPS = /(^|\.)(labels|annotations|matchLabels|selector|nodeSelector|data|limits|requests|capacity)$/;
  if (Array.isArray(v)) v.forEach((x) => paths(x, `${prefix}[]`, out));
  else if (v && typeof v === 'object' && !(v instanceof String || v instanceof Number || v instanceof Boolean)) {
    if (MAPS.test(prefix)) { out.add(prefix); return out; }
    for (const [k, x] of Object.entries(v)) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.add(p);
      paths(x, p, out);
    }
  }
  return out;
}

/** apiVersion/kind -> the L1 props serializer of the class with that GVK. */
const L1_SERIALIZERS = new Map<string, (p: unknown) => unknown>(
  Object.entries(k8s as Record<string, any>)
    .filter(([n, c]) => typeof c === 'function' && c.GVK && typeof (k8s as any)[`toJson_${n}Props`] === 'function')
    .map(([n, c]) => [`${c.GVK.apiVersion}/${c.GVK.kind}`, (k8s as any)[`toJson_${n}Props`]]),
);

/** Fields of `obj` that the L1 serializer of its kind would drop (none when the kind has no L1 class). */
function droppedByL1(obj: K8sObject): string[] {
  const fn = L1_SERIALIZERS.get(`${obj.apiVersion}/${obj.kind}`);
  if (!fn) return [];
  const { apiVersion: _v, kind: _k, ...props } = obj;
  const kept = paths(fn(toL1(props)));
  const renamed = new Map(Object.entries(L1_NAMES).map(([json, l1]) => [l1, json]));
  const keptJson = new Set([...kept].map((p) => p.split('.').map((s) => { const [n, b] = s.split('['); return (renamed.get(n) ?? n) + (b !== undefined ? `[${b}` : ''); }).join('.')));
  return [...paths(props)].filter((p) => !keptJson.has(p));
}

/** A corpus that exercises every declared newer field: every template, plus specs for the features templates lack. */
function corpus(): K8sObject[] {
  const objs = readdirSync('templates').filter((f) => f.endsWith('.yaml')).flatMap((f) => synthFile(join('templates', f)));
  objs.push(...synth(tritonDoc({ mode: 'edge', edge: { nodeSelector: { edge: 'true' } } })));
  objs.push(...synth(tritonDoc({ autoscaling: { maxReplicas: 4, behavior: { scaleUp: { tolerance: 0.05 }, scaleDown: { tolerance: '0.1' } } } })));
  // image volumes and DRA claims in every workload kind that can carry them
  const image = { image: { reference: 'registry.example.com/models:1' } };
  const claim = (sharing?: object) => ({ gpu: { count: 1, claim: sharing ? { sharing } : {} } });
  objs.push(...synth(tritonDoc({ repository: image, resources: claim() })));
  objs.push(...synth(tritonDoc({ mode: 'edge', edge: { nodeSelector: { edge: 'true' } }, repository: image, resources: claim() })));
  const batch = { mode: 'batch', batch: { input: 's3://in/x/', output: 's3://out/y/' } };
  objs.push(...synth(tritonDoc({ ...batch, repository: image, resources: claim({ strategy: 'MPS' }) })));
  objs.push(...synth(tritonDoc({ ...batch, resources: claim() })));
  // a scheduled batch: a CronJob, whose pod template is under spec.jobTemplate
  const scheduled = { mode: 'batch', batch: { ...batch.batch, schedule: '0 2 * * *' } };
  objs.push(...synth(tritonDoc({ ...scheduled, repository: image, resources: claim({ strategy: 'MPS' }) })));
  objs.push(...synth(tritonDoc({ ...scheduled, resources: claim() })));
  return objs;
}

const objects = corpus();

test('every field the L1 serializers would drop is a declared newer field', () => {
  const undeclared: string[] = [];
  for (const o of objects) {
    for (const p of droppedByL1(o)) {
      if (!NEWER_FIELDS.some((f) => f.kind === o.kind && (p === f.path || p.startsWith(`${f.path}.`)))) undeclared.push(`${o.kind}/${o.metadata.name}: ${p}`);
    }
  }
  assert.deepEqual(undeclared, []);
});

test('every declared newer field survives synthesis in at least one object', () => {
  for (const f of NEWER_FIELDS) {
    const carriers = objects.filter((o) => o.kind === f.kind && paths(o).has(f.path));
    assert.ok(carriers.length > 0, `${f.kind} ${f.path} (Kubernetes ${f.since}) is in no synthesized object`);
    assert.ok(carriers.every((o) => droppedByL1(o).includes(f.path)), `${f.kind} ${f.path}: the L1 serializer keeps it, so it is not newer than 1.28`);
  }
});

test('the check itself sees a dropped field: trafficDistribution on a Service is lost by the L1 serializer', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { selector: { a: 'b' }, trafficDistribution: 'PreferClose', clusterIP: 'None' } };
  assert.deepEqual(droppedByL1(svc), ['spec.trafficDistribution']);
});

test('lib emits no object through an L1 or L2 class of cdk8s-plus-28 (they would drop newer fields again)', () => {
  const files = (readdirSync('lib', { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join('lib', f));
  const offenders = files.flatMap((f) => {
    const src = readFileSync(f, 'utf8');
    const found: string[] = [];
    if (/new\s+k8s\.Kube\w+\s*\(/.test(src)) found.push(`${f}: new k8s.Kube*`);
    // only the k8s namespace (types, GVKs, Quantity/IntOrString) may come from cdk8s-plus-28, never its L2 constructs
    for (const m of src.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'cdk8s-plus-28'/g)) {
      const names = m[1].split(',').map((n) => n.trim()).filter(Boolean);
      if (names.some((n) => n !== 'k8s')) found.push(`${f}: imports ${names.join(', ')} from cdk8s-plus-28`);
    }
    if (/import\s+\*\s+as\s+\w+\s+from\s+'cdk8s-plus-28'/.test(src)) found.push(`${f}: imports all of cdk8s-plus-28`);
    return found;
  });
  assert.ok(files.length > 50, `read ${files.length} files under lib/`);
  assert.deepEqual(offenders, []);
});
