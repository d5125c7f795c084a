/** Every runtime, by its spec name. The only place that lists them. */
import type { RuntimeName } from '../spec/schema/spec';
import type { ServingRuntime } from './types';
import { triton } from './triton';
import { tfserving } from './tfserving';
import { torchserve } from './torchserve';
import { vllm } from './vllm';

export const RUNTIME_REGISTRY: readonly ServingRuntime[] = [triton, tfserving, torchserve, vllm];

export function getRuntime(name: RuntimeName): ServingRuntime {
  const r = RUNTIME_REGISTRY.find((x) => x.name === name);
  if (!r) throw new Error(`runtime ${name} is not registered`);
  return r;
}
