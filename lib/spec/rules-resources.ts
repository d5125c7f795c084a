/**
 * Resource contradictions the API server or the kubelet would act on: /dev/shm is a memory-backed emptyDir and
 * counts against the container's memory limit, so a sizeLimit above an explicit limit can never be used (the
 * container is OOM-killed first). Defaults are sized to fit (lib/model/resources.ts); only explicit values
 * contradict each other.
 */
import type { ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';
import { parseQuantity, quantityString } from './quantity';

export function checkResources(list: IssueList, spec: ModelServingSpec): void {
  const shm = spec.sharedMemorySize;
  const limit = spec.resources?.memory?.limit;
  if (shm !== undefined && limit !== undefined) {
    const s = parseQuantity(shm);
    const l = parseQuantity(limit);
    if (s !== undefined && l !== undefined && s > l) {
      list.add('spec.sharedMemorySize', `(${quantityString(shm)}) must be <= spec.resources.memory.limit (${quantityString(limit)}): /dev/shm is memory-backed and counts against the memory limit`);
    }
  }
}
