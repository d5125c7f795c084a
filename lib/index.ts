/** cdk8s-model-serving: re-exports only. */
export * from './spec/schema/spec';
export { SpecError, SpecIssue, formatIssues } from './spec/errors';
export { loadModelSpecs, loadSpecFile, parseSpecs, validateDocument, LoadedSpec } from './spec/load';
export { jsonSchema } from './spec/json-schema';
export * from './runtimes/types';
export { RUNTIME_REGISTRY, getRuntime } from './runtimes/registry';
export { ServingContext, ModelServingProps, Track } from './constructs/context';
export { ModelServing, propsFromDocument, documentFromProps } from './constructs/model-serving';
export { ModelServingChart, ModelServingChartProps } from './constructs/chart';
export { ModelRepository, ModelRepositoryProps } from './constructs/model-repository';
export { ModelWorkload, ModelWorkloadProps } from './constructs/workload';
export { ModelServices, ModelServicesProps } from './constructs/services';
export { synthesizeSpecs, SynthesizedManifest } from './synth';
