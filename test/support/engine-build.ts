/** Shared by the TensorRT engine-build tests: a spec with one built model, and the parts of its objects they read. */
import { tritonDoc, find, K8sObject } from './synth';
import { loadSpecFile } from '../../lib/spec/load';

export const TEMPLATE = 'templates/triton-trt-build.yaml';
export const IMAGE_25 = 'nvcr.io/nvidia/tritonserver:25.08-py3';

/** A Triton spec with one built model; `build` and `extra` override parts of it. */
export function buildDoc(build: Record<string, unknown> = {}, extra: Record<string, unknown> = {}, model: Record<string, unknown> = {}) {
  return tritonDoc({
    image: IMAGE_25,
    models: [{
      name: 'det', format: 'tensorrt', versions: [1], maxBatchSize: 8,
      inputs: [{ name: 'images', dataType: 'FP32', dims: [3, 64, 64] }], outputs: [{ name: 'out', dataType: 'FP32', dims: [10] }],
      build: { tensorrt: { minShapes: { images: [1, 3, 64, 64] }, optShapes: { images: [4, 3, 64, 64] }, maxShapes: { images: [8, 3, 64, 64] }, ...build } },
      ...model,
    }],
    repository: { pvc: { claimName: 'models', subPath: 'triton', readOnly: false } },
    resources: { gpu: { count: 1, product: 'NVIDIA-L4' } },
    ...extra,
  });
}
export const jobOf = (objs: K8sObject[]) => find(objs, 'Job');
export const synthDocOf = (file: string) => loadSpecFile(file)[0].document;
export const script = (job: K8sObject) => job.spec.template.spec.containers[0].command[2] as string;
