/**
 * GPU generation vs image: a GPU product (resources.gpu.product, the nvidia.com/gpu.product label of
 * spec.nodeSelector or spec.edge.nodeSelector, or an In requirement on it in nodeAffinity.required) whose compute capability is below what an image's CUDA build supports is refused,
 * naming both fields. Products come from lib/spec/gpu-products.ts, image builds from the image table
 * (lib/runtimes/images.ts) through each runtime's imageCuda.
 */
import type { ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';
import { ccString, gpuProduct } from './gpu-products';
import { getRuntime } from '../runtimes/registry';
import { imageRow } from '../runtimes/images';

/** The node label GPU Feature Discovery writes with the GPU's product name. */
export const GPU_PRODUCT_LABEL = 'nvidia.com/gpu.product';

const selectorPath = (base: string) => `${base}[${JSON.stringify(GPU_PRODUCT_LABEL)}]`;

/**
 * The single GPU products a spec requires, each with its field path: resources.gpu.product and the product label of
 * spec.nodeSelector and spec.edge.nodeSelector (every node must carry each of them).
 */
export function exactProducts(spec: ModelServingSpec): { path: string; product: string }[] {
  const out: { path: string; product: string }[] = [];
  const product = spec.resources?.gpu?.product;
  if (product) out.push({ path: 'spec.resources.gpu.product', product });
  for (const [base, selector] of [['spec.nodeSelector', spec.nodeSelector], ['spec.edge.nodeSelector', spec.edge?.nodeSelector]] as const) {
    const v = selector?.[GPU_PRODUCT_LABEL];
    if (v) out.push({ path: selectorPath(base), product: v });
  }
  return out;
}

/** The GPU products a spec pins, each with its field path: the exact ones, and each value of an In requirement. */
export function pinnedProducts(spec: ModelServingSpec): { path: string; product: string }[] {
  const out = exactProducts(spec);
  spec.nodeAffinity?.required?.forEach((r, i) => {
    if (r.key === GPU_PRODUCT_LABEL && r.operator === 'In') {
      (r.values ?? []).forEach((v, j) => out.push({ path: `spec.nodeAffinity.required[${i}].values[${j}]`, product: v }));
    }
  });
  return out;
}

/** Each image the spec runs, with the field that names it (`mainImage` is spec.image or the default). */
export function specImages(spec: ModelServingSpec, mainImage: string): { field: string; image: string }[] {
  const out = [{ field: spec.image ? 'spec.image' : 'the default image', image: mainImage }];
  const r = spec.rollout;
  const tracks = r?.strategy === 'canary'
    ? (r.canary ? [['spec.rollout.canary', r.canary] as const] : [])
    : Object.entries(r?.tracks ?? {}).map(([n, t]) => [`spec.rollout.tracks.${n}`, t] as const);
  for (const [path, t] of tracks) if (t.image && t.image !== mainImage) out.push({ field: `${path}.image`, image: t.image });
  return out;
}

/** Refuses a pinned GPU product older than an image's CUDA build supports. */
export function checkGpuImage(list: IssueList, spec: ModelServingSpec, mainImage: string): void {
  if ((spec.resources?.gpu?.count ?? 0) === 0) return;
  const runtime = getRuntime(spec.runtime);
  const older = imageRow(spec.runtime).olderDrivers;
  for (const { path, product } of pinnedProducts(spec)) {
    const gpu = gpuProduct(product);
    if (!gpu) continue;
    for (const { field, image } of specImages(spec, mainImage)) {
      const cuda = runtime.imageCuda(image);
      if (!cuda || gpu.computeCapability >= cuda.minComputeCapability) continue;
      const fallback = older?.cuda && gpu.computeCapability >= older.cuda.minComputeCapability
        ? `pin spec.image to ${older.image} (CUDA ${older.cuda.version}) or choose a GPU of compute capability ${ccString(cuda.minComputeCapability)} or newer`
        : `choose a GPU of compute capability ${ccString(cuda.minComputeCapability)} or newer`;
      list.add(path, `${product} (${gpu.architecture}, compute capability ${ccString(gpu.computeCapability)}) cannot run ${field} ${image}: its CUDA ${cuda.version} build supports compute capability ${ccString(cuda.minComputeCapability)} and newer; ${fallback}`);
    }
  }
}

/**
 * The exact GPU products (resources.gpu.product, the nodeSelectors' product label) must agree with each other and
 * satisfy every nodeAffinity requirement on the product label: otherwise no node could run the pods.
 */
export function checkGpuProductAffinity(list: IssueList, spec: ModelServingSpec): void {
  const exact = exactProducts(spec);
  // a nodeSelector product against resources.gpu.product (spec.edge.nodeSelector against spec.nodeSelector: rules-modes.ts)
  const [first, ...rest] = exact;
  if (first?.path === 'spec.resources.gpu.product') {
    for (const e of rest) {
      if (e.product !== first.product) list.add(e.path, `("${e.product}") contradicts spec.resources.gpu.product (${first.product}): no node could run the pods`);
    }
  }
  spec.nodeAffinity?.required?.forEach((r, i) => {
    if (r.key !== GPU_PRODUCT_LABEL) return;
    const values = r.values ?? [];
    for (const { path, product } of exact) {
      const excludes = (r.operator === 'In' && !values.includes(product)) || (r.operator === 'NotIn' && values.includes(product))
        || r.operator === 'DoesNotExist';
      if (excludes) {
        list.add(`spec.nodeAffinity.required[${i}]`, `${GPU_PRODUCT_LABEL} ${r.operator}${values.length ? ` [${values.join(', ')}]` : ''} excludes ${path} (${product}): no node could run the pods`);
      }
    }
  });
}
