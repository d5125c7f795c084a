/** Spec fields about scaling: HPA or KEDA, and the VPA. */
import { Type } from '@sinclair/typebox';
import { Obj, Opt, Quantity, PositiveInt, NonNegativeInt } from './common';
import { AutoscalingLlmFields } from './llm';

const ScalingPolicy = Obj({
  type: Type.Union([Type.Literal('Pods'), Type.Literal('Percent')]),
  value: PositiveInt('amount'),
  periodSeconds: Type.Integer({ minimum: 1, maximum: 1800, description: 'Window in which the policy holds (1..1800 seconds).' }),
});
const ScalingRules = Obj({
  stabilizationWindowSeconds: Opt(Type.Integer({ minimum: 0, maximum: 3600 })),
  selectPolicy: Opt(Type.Union([Type.Literal('Max'), Type.Literal('Min'), Type.Literal('Disabled')])),
  policies: Opt(Type.Array(ScalingPolicy)),
  tolerance: Opt(Quantity('Ratio of metric change below which the HPA does not scale, e.g. 0.05 (Kubernetes 1.35+: feature gate HPAConfigurableTolerance, beta on by default). @default - the cluster-wide tolerance (0.1)')),
});

export const ScalingSchemas = {
  autoscaling: Opt(Obj({
    engine: Opt(Type.Union([Type.Literal('hpa'), Type.Literal('keda')], { description: '@default - hpa' })),
    minReplicas: Opt(NonNegativeInt('Lower bound of replicas. @default - 1 (0: engine keda with its own keda.query, or behind spec.inferencePool, where the endpoint picker holds requests during the cold start: engine keda, or engine hpa on Kubernetes 1.37+)')),
    maxReplicas: PositiveInt('Upper bound of replicas.'),
    targetCPUUtilizationPercent: Opt(Type.Integer({ minimum: 1, maximum: 100, description: 'HPA Resource metric: average CPU utilization in percent of the CPU request. @default - 80 when no target at all is set, else none' })),
    targetInferencesPerSecondPerPod: Opt(Type.Number({ exclusiveMinimum: 0, description: "HPA Pods metric: the rate of the runtime's inference counter per pod (Triton nv_inference_count: a batch of n counts n). Needs prometheus-adapter: the rule is emitted as the ConfigMap <name>-metrics-adapter-rule. @default - none" })),
    targetQueueTimeMilliseconds: Opt(Type.Number({ exclusiveMinimum: 0, description: 'HPA Pods metric: mean time a request waits in the server queue, in ms (Triton nv_inference_queue_duration_us / nv_inference_request_success). Needs prometheus-adapter. @default - none' })),
    ...AutoscalingLlmFields,
    targetPendingRequestsPerPod: Opt(Type.Number({ exclusiveMinimum: 0, description: 'HPA Pods metric: requests waiting per pod (vLLM vllm:num_requests_waiting, Triton nv_inference_pending_request_count). Needs prometheus-adapter; engine keda: a prometheus trigger. @default - none' })),
    behavior: Opt(Obj({ scaleUp: Opt(ScalingRules), scaleDown: Opt(ScalingRules) }, { description: 'The autoscaling/v2 HPA behavior, copied verbatim. @default - the Kubernetes defaults (scale-down stabilization 300s)' })),
    keda: Opt(Obj({
      serverAddress: Opt(Type.String({ pattern: '^https?://[^\\s]+$', description: 'Prometheus URL (required for engine keda).' })),
      threshold: Opt(Type.Number({ exclusiveMinimum: 0, description: 'Target value of the query per replica (required for engine keda).' })),
      activationThreshold: Opt(Type.Number({ minimum: 0, description: 'Value above which KEDA scales from 0 to 1 (only with minReplicas 0). @default - 0 (KEDA default)' })),
      query: Opt(Type.String({ description: "PromQL query returning one number; desired replicas = ceil(value / threshold). Each track's ScaledObject gets it with model_serving_track=\"<track>\" added to every selector of job=\"<name>-metrics\" (with a rollout, it must have one). @default - the runtime's request rate summed over the track's pods; an empty string also means the default" })),
      cooldownPeriod: Opt(NonNegativeInt('Seconds after the last active trigger before KEDA scales the last replica to 0 (only with minReplicas 0). @default - 300')),
      pollingInterval: Opt(PositiveInt('Seconds between two queries. @default - 30')),
    }, { description: 'engine keda: a ScaledObject with a prometheus trigger.' })),
  }, { description: 'Horizontal autoscaling. @default - fixed spec.replicas' })),
  verticalAutoscaling: Opt(Obj({
    updateMode: Opt(Type.Union([Type.Literal('Off'), Type.Literal('Initial'), Type.Literal('Recreate'), Type.Literal('InPlaceOrRecreate'), Type.Literal('Auto')], { description: 'Off: recommendations only; Initial: at pod creation; Recreate: evicts pods (each restart reloads the models); InPlaceOrRecreate: VPA 1.6+ on Kubernetes 1.33+; Auto: deprecated upstream (= Recreate). @default - Off (recommendations only)' })),
    minAllowed: Opt(Obj({ cpu: Opt(Quantity('cpu')), memory: Opt(Quantity('memory')) }, { description: 'Lowest requests the VPA may set on the server container. @default - no lower bound' })),
    maxAllowed: Opt(Obj({ cpu: Opt(Quantity('cpu')), memory: Opt(Quantity('memory')) }, { description: 'Highest requests the VPA may set on the server container. @default - no upper bound' })),
    controlledResources: Opt(Type.Array(Type.Union([Type.Literal('cpu'), Type.Literal('memory')]), { uniqueItems: true, minItems: 1, description: 'Resources the VPA acts on (never the GPU). @default - [cpu, memory]' })),
  }, { description: 'A VerticalPodAutoscaler per track Deployment; it resizes the server container only (other containers: mode Off).' })),
};
