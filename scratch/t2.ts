import { specErrors } from '../test/support/synth';
const doc = { apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'big', namespace: 'ml' },
  spec: { runtime: 'vllm', image: 'vllm/vllm-openai:v0.31.0', models: [{ name: 'llama', format: 'huggingface' }], repository: { pvc: { claimName: 'weights' } }, resources: { gpu: { count: 8 } }, multiNode: { nodes: 2 },
    autoscaling: { engine: 'keda', maxReplicas: 3, keda: { serverAddress: 'http://prometheus:9090', threshold: 10 } },
    rollout: { strategy: 'canary', weight: 10, canary: { image: 'vllm/vllm-openai:v0.31.1' } } } };
console.log(specErrors(doc));
