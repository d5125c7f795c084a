/**
 * `cdk8s-model-serving/pulumi`: deploy a model spec with Pulumi. Re-exports only. This entry point is the
 * only one that loads @pulumi/pulumi and @pulumi/kubernetes (optional peer dependencies).
 */
export { ModelServingStack, ModelServingStackArgs, ModelServingStackError, StackEndpoint, MODEL_SERVING_STACK_TYPE } from './component';
export { loadDocuments, SpecSource } from './documents';
export {
  planResources, servingEndpoint, stageOf, resourceKind, podReadySeconds, workloadAwaitTimeouts, PlanError, STAGES, PULUMI_DEFAULT_TIMEOUT_SECONDS,
  podTemplatesOf, minReplicasOf, selectedWorkloads, pulumiAwaitAnnotations, SKIP_AWAIT_ANNOTATION, WAIT_FOR_ANNOTATION, LWS_WAIT_FOR,
  Stage, TypedClass, AwaitTimeouts, PlannedResource, ServingEndpoint, ResourcePlan, PlanOptions,
} from './plan';
