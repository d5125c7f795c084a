import { validateDocument } from '../lib/spec/load';
import { synthesizeSpecs } from '../lib/synth';
const n = Number(process.argv[2]);
const doc = { apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'many', namespace: 'ml' },
  spec: { runtime: 'triton', models: Array.from({ length: n }, (_, i) => ({ name: `model-${i}`, format: 'onnx', maxBatchSize: 8, versions: [1] })),
    repository: { pvc: { claimName: 'models' } }, resources: { gpu: { count: 1 } }, replicas: 2 } };
const text = JSON.stringify(doc);
let t = performance.now();
const issues = validateDocument(JSON.parse(text)); if (issues.length) throw new Error(JSON.stringify(issues.slice(0,3))); const l = { document: JSON.parse(text) };
const tv = performance.now() - t; t = performance.now();
const [m] = synthesizeSpecs([l.document]);
const ts = performance.now() - t;
console.log(JSON.stringify({ n, bytes: text.length, validateMs: Math.round(tv), synthMs: Math.round(ts), objects: m.objects.length, yaml: m.yaml.length }));
for (const o of m.objects) { const s = JSON.stringify(o).length; if (s > 100000) console.log(o.kind, o.metadata.name, s, o.kind === 'ConfigMap' ? Object.values(o.data ?? {}).reduce((a: number, v: any) => a + String(v).length, 0) : ''); }
