import { synth } from '../test/support/synth';
import { stringify } from 'yaml';
const doc = {
  apiVersion: 'model-serving/v1alpha1', kind: 'ModelServing', metadata: { name: 'llama-405b', namespace: 'llm' },
  spec: { runtime: 'vllm', image: 'vllm/vllm-openai:v0.31.0', models: [{ name: 'llama', format: 'huggingface' }],
    repository: { image: { reference: 'registry.example.com/models/llama-405b:2026-11' } },
    resources: { gpu: { count: 8 } }, multiNode: { nodes: 2 }, replicas: 2, tracing: { endpoint: 'http://otel:4318/v1/traces' } },
};
console.log(stringify(synth(doc)));
