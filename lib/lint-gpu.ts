/**
 * Lint: images whose CUDA build is not known. The GPU-vs-image rule (lib/spec/rules-gpu.ts) and Triton's
 * release-dependent TensorRT precision rule (lib/runtimes/triton.ts) read the image's tag; an image pinned by
 * digest only, or a tag outside the image table, passes them unchecked. Lint says which checks were skipped.
 */
import type { ModelServingDocument } from './spec/schema/spec';
import type { SpecIssue } from './spec/errors';
import { getRuntime } from './runtimes/registry';
import { pinnedProducts, specImages } from './spec/rules-gpu';
import { TENSORRT_PRECISIONS, tritonRelease } from './runtimes/triton';

export function lintImageCuda(doc: ModelServingDocument): SpecIssue[] {
  const spec = doc.spec;
  if ((spec.resources?.gpu?.count ?? 0) === 0) return [];
  const runtime = getRuntime(spec.runtime);
  const main = spec.image ?? runtime.defaultImage(true);
  const products = pinnedProducts(spec);
  const out: SpecIssue[] = [];
  for (const { field, image } of specImages(spec, main)) {
    if (!field.startsWith('spec.')) continue; // the default image is always known
    const unchecked: string[] = [];
    if (!runtime.imageCuda(image) && products.length) {
      unchecked.push(`whether its CUDA build runs on ${products.map((p) => `${p.path} (${p.product})`).join(', ')}`);
    }
    if (spec.runtime === 'triton' && tritonRelease(image) === undefined) {
      spec.models.forEach((m, i) => {
        const precision = m.optimization?.tensorrt?.precision;
        const allowed = m.format === 'onnx' || m.format === 'savedmodel' ? TENSORRT_PRECISIONS[m.format] : undefined;
        if (precision && allowed?.[precision]) {
          unchecked.push(`whether its TensorRT accelerator accepts spec.models[${i}].optimization.tensorrt.precision (${precision}, only from Triton ${allowed[precision]})`);
        }
      });
    }
    if (!unchecked.length) continue;
    out.push({
      path: field,
      message: `(${image}) is a digest or a tag whose CUDA build and release this package does not know, so ${unchecked.join(' and ')} could not be checked; ` +
        `compare the image's CUDA version and release with the GPU and the model settings (docs/RUNTIMES.md), or use a tag of the image table (${runtime.defaultImage(true)})`,
    });
  }
  return out;
}
