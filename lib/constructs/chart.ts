/** A cdk8s Chart holding one ModelServing per spec document. */
import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import type { ModelServingDocument } from '../spec/schema/spec';
import { SpecError, SpecIssue } from '../spec/errors';
import { ModelServing, propsFromDocument } from './model-serving';

export interface ModelServingChartProps extends ChartProps {
  /** The validated spec documents (from loadModelSpecs or parseSpecs). */
  readonly specs: readonly ModelServingDocument[];
  /** Target Kubernetes version (MAJOR.MINOR) of every spec. @default - 1.35 (see ModelServingProps.kubeVersion) */
  readonly kubeVersion?: string;
}

/**
 * One chart, one ModelServing per spec (construct ID = metadata.name, which fixes the Pulumi URNs): two specs of
 * the same name, even in different namespaces, are refused (put them in separate charts).
 */
export class ModelServingChart extends Chart {
  readonly services: ModelServing[];
  constructor(scope: Construct, id: string, props: ModelServingChartProps) {
    const first = new Map<string, number>();
    const issues: SpecIssue[] = [];
    props.specs.forEach((doc, i) => {
      const name = doc.metadata.name;
      const prev = first.get(name);
      if (prev === undefined) first.set(name, i);
      else {
        issues.push({ path: 'metadata.name', message: `"${name}" is also the name of spec ${prev + 1} of this ModelServingChart (spec ${i + 1}, namespace ${doc.metadata.namespace ?? 'default'}): the chart uses each spec's name as its construct ID, so names must be unique in a chart; put specs of the same name in separate charts` });
      }
    });
    if (issues.length) throw new SpecError(issues);
    super(scope, id, { disableResourceNameHashes: true, ...props });
    this.services = props.specs.map((doc) => new ModelServing(this, doc.metadata.name, { ...propsFromDocument(doc), kubeVersion: props.kubeVersion }));
  }
}
