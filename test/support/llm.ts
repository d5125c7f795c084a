/** Test helpers for LLM serving (docs/LLM.md). */

const GATEWAY = { parentRef: { name: 'gw', namespace: 'gateway-system' }, hostnames: ['llm.example.org'] };

/** A valid vLLM spec with an inference pool; `spec` is merged in. */
export function vllmPoolDoc(spec: Record<string, unknown> = {}, name = 'chat'): Record<string, unknown> {
  return {
    apiVersion: 'model-serving/v1alpha1',
    kind: 'ModelServing',
    metadata: { name, namespace: 'llm' },
    spec: {
      runtime: 'vllm',
      models: [{ name: 'llama', format: 'huggingface' }],
      repository: { huggingface: { modelId: 'meta-llama/Llama-3.1-8B-Instruct' } },
      resources: { gpu: { count: 1 } },
      gateway: GATEWAY,
      networkPolicy: { allowFromNamespaces: ['gateway-system', 'monitoring'] },
      inferencePool: {},
      ...spec,
    },
  };
}

