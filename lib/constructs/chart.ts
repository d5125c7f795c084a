/** A cdk8s Chart holding one ModelServing per spec document. */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import type { ModelServingDocument } from '../spec/schema/spec';
import { ModelServing, propsFromDocument } from './model-serving';

export interface ModelServingChartProps extends ChartProps {
  /** The validated spec documents (from loadModelSpecs or parseSpecs). */
  readonly specs: readonly ModelServingDocument[];
  /** Target Kubernetes version (MAJOR.MINOR) of every spec. @default - 1.35 (see ModelServingProps.kubeVersion) */
  readonly kubeVersion?: string;
}

/** One chart, one ModelServing per spec (construct ID = metadata.name). */
export class ModelServingChart extends Chart {
  readonly services: ModelServing[];
  constructor(scope: Construct, id: string, props: ModelServingChartProps) {
    super(scope, id, { disableResourceNameHashes: true, ...props });
    this.services = props.specs.map((doc) => new ModelServing(this, doc.metadata.name, { ...propsFromDocument(doc), kubeVersion: props.kubeVersion }));
  }
}
