/**
 * Benchmark input: N full-featured, valid ModelServing specs (Triton online serving with an Ingress,
 * autoscaling, a VPA, monitoring and a rollout), as YAML text, one spec per file the way a platform
 * repository keeps them. Deterministic: spec i is always the same document.
 */
import { stringify } from 'yaml';

/** The features every generated spec turns on (printed in bench/results.md). */
export const FEATURES = 'triton, 2 models, Gateway API route, HPA on inferences/s, VPA (memory), ServiceMonitor + alerts + dashboard, rollout (canary or blue-green, alternating), PDB, NetworkPolicy';

const TEAMS = ['vision', 'speech', 'search', 'ranking', 'fraud'];

/** The spec document number `i` (0-based). Even numbers roll out as a canary, odd ones blue-green. */
export function benchSpec(i: number): Record<string, unknown> {
  const name = `model-${String(i).padStart(4, '0')}`;
  const team = TEAMS[i % TEAMS.length];
  const canary = i % 2 === 0;
  // a track on another image brings TensorRT plans built for it: its own repository
  const next = { image: 'nvcr.io/nvidia/tritonserver:25.08-py3', repository: { pvc: { claimName: 'model-store-2508', subPath: `${team}/${name}`, readOnly: true } } };
  const rollout = canary
    ? { strategy: 'canary', weight: 10, canary: { ...next, models: [{ name: 'resnet50', versions: [2] }] } }
    : {
      strategy: 'blueGreen',
      active: 'blue',
      tracks: {
        blue: { models: [{ name: 'resnet50', versions: [1] }] },
        green: { ...next, models: [{ name: 'resnet50', versions: [2] }] },
      },
    };
  return {
    apiVersion: 'model-serving/v1alpha1',
    kind: 'ModelServing',
    metadata: { name, namespace: `ml-${team}`, labels: { team, 'cost-center': `cc-${i % 17}` } },
    spec: {
      runtime: 'triton',
      image: 'nvcr.io/nvidia/tritonserver:25.06-py3',
      models: [
        {
          name: 'resnet50',
          format: 'onnx',
          versions: [1, 2],
          maxBatchSize: 32,
          inputs: [{ name: 'input', dataType: 'FP32', dims: [3, 224, 224] }],
          outputs: [{ name: 'output', dataType: 'FP32', dims: [1000] }],
          dynamicBatching: { maxQueueDelayMicroseconds: 100, preferredBatchSizes: [8, 16] },
          instanceGroup: { count: 2, kind: 'GPU' },
          optimization: { tensorrt: { precision: 'FP16' } },
        },
        {
          name: `detector-${i % 7}`,
          format: 'tensorrt',
          maxBatchSize: 8,
          inputs: [{ name: 'images', dataType: 'FP16', dims: [3, 640, 640] }],
          outputs: [{ name: 'boxes', dataType: 'FP32', dims: [-1, 6] }],
          instanceGroup: { count: 1, kind: 'GPU' },
        },
      ],
      repository: { pvc: { claimName: 'model-store', subPath: `${team}/${name}`, readOnly: true } },
      resources: {
        cpu: { request: '4', limit: '8' },
        memory: { request: '16Gi', limit: '16Gi' },
        gpu: { count: 1, product: 'NVIDIA-L4' },
      },
      nodeSelector: { accelerator: 'nvidia-l4' },
      env: [{ name: 'LOG_LEVEL', value: 'info' }],
      gateway: {
        parentRef: { name: 'inference', namespace: 'gateway-system', sectionName: 'https' },
        hostnames: [`${name}.${team}.example.org`],
        timeoutSeconds: 300,
      },
      autoscaling: {
        engine: 'hpa',
        minReplicas: 2,
        maxReplicas: 10 + (i % 10),
        targetInferencesPerSecondPerPod: 500,
        behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
      },
      verticalAutoscaling: {
        updateMode: 'Off',
        minAllowed: { memory: '8Gi' },
        maxAllowed: { memory: '32Gi' },
        controlledResources: ['memory'],
      },
      monitoring: {
        interval: '15s',
        serviceMonitor: true,
        prometheusRule: true,
        dashboard: true,
        alerts: { p95LatencySeconds: 1, maxErrorRatePercent: 1, maxQueueTimeSeconds: 0.5, minGpuUtilizationPercent: 30, runbookBaseUrl: 'https://runbooks.example.org/model-serving' },
      },
      rollout,
      disruption: { minAvailable: 1 },
      networkPolicy: { allowFromNamespaces: ['monitoring'] },
    },
  };
}

/** The YAML text of spec file `i` (with the editor modeline users put in their files). */
export function benchSpecYaml(i: number): string {
  return `# yaml-language-server: $schema=../model-serving.schema.json\n${stringify(benchSpec(i))}`;
}

/** ONE spec serving `n` Triton ONNX models (bench/many-models.ts): the cost must grow linearly with n. */
export function manyModelsSpec(n: number) {
  return {
    apiVersion: 'model-serving/v1alpha1' as const,
    kind: 'ModelServing' as const,
    metadata: { name: 'many-models', namespace: 'ml' },
    spec: {
      runtime: 'triton' as const,
      models: Array.from({ length: n }, (_, i) => ({ name: `model-${i}`, format: 'onnx' as const, maxBatchSize: 8, versions: [1] })),
      repository: { pvc: { claimName: 'model-store' } },
      resources: { gpu: { count: 1 } },
      replicas: 2,
    },
  };
}
