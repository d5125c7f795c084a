/**
 * Rules of the pod-level fields (schema/pod.ts): label and annotation keys as the API server checks them, keys
 * this library owns, and node selector requirements as the API server validates them (apimachinery
 * ValidateNodeSelectorRequirement: In/NotIn need values, Exists/DoesNotExist take none, Gt/Lt one integer).
 */
import type { ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';
import { checkAnnotationKeys, checkLabelMap, labelValueProblem, qualifiedNameProblem } from './labels';
import { checkGpuProductAffinity } from './rules-gpu';

/** Annotation prefix this library writes on pods (model-serving/config-hash). */
const RESERVED_ANNOTATION_PREFIX = 'model-serving/';

type Requirement = { key: string; operator: string; values?: string[] };

function checkRequirement(list: IssueList, path: string, r: Requirement): void {
  const kp = qualifiedNameProblem(r.key);
  if (kp) list.add(`${path}.key`, `label key ${kp}`);
  const values = r.values ?? [];
  if ((r.operator === 'In' || r.operator === 'NotIn') && values.length === 0) {
    list.add(`${path}.values`, `operator ${r.operator} needs at least one value`);
  }
  if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && r.values !== undefined) {
    list.add(`${path}.values`, `operator ${r.operator} takes no values`);
  }
  if (r.operator === 'Gt' || r.operator === 'Lt') {
    if (values.length !== 1 || !/^-?[0-9]+$/.test(values[0])) list.add(`${path}.values`, `operator ${r.operator} takes exactly one integer value`);
  } else {
    values.forEach((v, i) => {
      const vp = labelValueProblem(v);
      if (vp) list.add(`${path}.values[${i}]`, `label value ${vp}`);
    });
  }
}

export function checkPodFields(list: IssueList, spec: ModelServingSpec): void {
  checkLabelMap(list, 'spec.podLabels', spec.podLabels, true);
  checkAnnotationKeys(list, 'spec.podAnnotations', spec.podAnnotations);
  for (const k of Object.keys(spec.podAnnotations ?? {})) {
    if (k.startsWith(RESERVED_ANNOTATION_PREFIX)) {
      list.add(`spec.podAnnotations[${JSON.stringify(k)}]`, `annotation key "${k}" is set by cdk8s-model-serving; choose another key`);
    }
  }
  spec.nodeAffinity?.required?.forEach((r, i) => checkRequirement(list, `spec.nodeAffinity.required[${i}]`, r));
  spec.nodeAffinity?.preferred?.forEach((r, i) => checkRequirement(list, `spec.nodeAffinity.preferred[${i}]`, r));
  checkGpuProductAffinity(list, spec);
}
