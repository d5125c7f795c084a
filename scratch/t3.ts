import { synth, find } from '../test/support/synth';
const o = synth({ apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'm', namespace: 'ml' },
  spec: { runtime: 'triton', models: [{ name: 'a', format: 'onnx' }], repository: { uri: 'https://127.0.0.1:8443/repo/' } } });
const d = find(o, 'Deployment');
console.log(JSON.stringify(d.spec.template.spec.initContainers[0], null, 1));
