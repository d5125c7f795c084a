/** Spec fields about scaling: HPA or KEDA, and the VPA. */
import { Type } from '@sinclair/typebox';
import { Obj, Opt, Quantity, PositiveInt, NonNegativeInt } from './common';

const ScalingPolicy = Obj({
  type: Type.Union([Type.Literal('Pods'), Type.Literal('Percent')]),
  value: PositiveInt('amount'),
  periodSeconds: PositiveInt('window'),
});
const ScalingRules = Obj({
  stabilizationWindowSeconds: Opt(Type.Integer({ minimum: 0, maximum: 3600 })),
  selectPolicy: Opt(Type.Union([Type.Literal('Max'), Type.Literal('Min'), Type.Literal('Disabled')])),
  policies: Opt(Type.Array(ScalingPolicy)),
  tolerance: Opt(Quantity('HPA tolerance (Kubernetes 1.33+ alpha).')),
});
const Resources = Obj({ cpu: Opt(Quantity('cpu')), memory: Opt(Quantity('memory')) });

export const ScalingSchemas = {
  autoscaling: Opt(Obj({
    engine: Opt(Type.Union([Type.Literal('hpa'), Type.Literal('keda')], { description: '@default - hpa' })),
    minReplicas: Opt(NonNegativeInt('@default - 1 (keda may use 0)')),
    maxReplicas: PositiveInt('Upper bound of replicas.'),
    targetCPUUtilizationPercent: Opt(Type.Integer({ minimum: 1, maximum: 100, description: 'HPA Resource metric on CPU. @default - none' })),
    targetInferencesPerSecondPerPod: Opt(Type.Number({ exclusiveMinimum: 0, description: "HPA Pods metric: the runtime's successful inferences per second per pod (needs prometheus-adapter: a rule is emitted). @default - none" })),
    targetQueueTimeMilliseconds: Opt(Type.Number({ exclusiveMinimum: 0, description: 'HPA Pods metric: mean queue time per request (Triton). @default - none' })),
    targetPendingRequestsPerPod: Opt(Type.Number({ exclusiveMinimum: 0, description: 'HPA Pods metric: requests waiting per pod (vLLM vllm:num_requests_waiting, Triton nv_inference_pending_request_count). @default - none' })),
    behavior: Opt(Obj({ scaleUp: Opt(ScalingRules), scaleDown: Opt(ScalingRules) }, { description: 'The autoscaling/v2 HPA behavior, verbatim.' })),
    keda: Opt(Obj({
      serverAddress: Opt(Type.String({ pattern: '^https?://[^\\s]+$', description: 'Prometheus URL (required for engine keda).' })),
      threshold: Opt(Type.Number({ exclusiveMinimum: 0, description: 'Target value of the query per replica (required for engine keda).' })),
      activationThreshold: Opt(Type.Number({ minimum: 0, description: '@default - KEDA default (0)' })),
      query: Opt(Type.String({ description: "PromQL query. @default - the runtime's request rate for these pods" })),
      cooldownPeriod: Opt(NonNegativeInt('@default - 300')),
      pollingInterval: Opt(PositiveInt('@default - 30')),
    }, { description: 'engine keda: a ScaledObject with a prometheus trigger.' })),
  }, { description: 'Horizontal autoscaling. @default - fixed spec.replicas' })),
  verticalAutoscaling: Opt(Obj({
    updateMode: Opt(Type.Union(['Off', 'Initial', 'Recreate', 'InPlaceOrRecreate', 'Auto'].map((m) => Type.Literal(m)), { description: '@default - Off (recommendations only)' })),
    minAllowed: Opt(Resources),
    maxAllowed: Opt(Resources),
    controlledResources: Opt(Type.Array(Type.Union([Type.Literal('cpu'), Type.Literal('memory')]), { uniqueItems: true, minItems: 1, description: '@default - [cpu, memory]' })),
  }, { description: 'A VerticalPodAutoscaler for the server container.' })),
};
