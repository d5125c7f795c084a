/**
 * Resource contradictions the API server or the kubelet would act on: /dev/shm is a memory-backed emptyDir and
 * counts against the container's memory limit, so a sizeLimit above an explicit limit can never be used (the
 * container is OOM-killed first). Defaults are sized to fit (lib/model/resources.ts); only explicit values
 * contradict each other.
 */
import type { ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';
import { parseQuantity, quantityString } from './quantity';
import { trackEntries } from './rules-rollout';

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
  const repos: [string, ModelServingSpec['repository'] | undefined][] = [['spec.repository', spec.repository], ...trackEntries(spec).map(([p, t]) => [`${p}.repository`, t.repository] as [string, ModelServingSpec['repository'] | undefined])];
  for (const [path, repo] of repos) {
    if (repo?.modelSize === undefined) continue;
    const v = parseQuantity(repo.modelSize);
    if (v !== undefined && v < 2 ** 20) list.add(`${path}.modelSize`, `(${quantityString(repo.modelSize)}) must be at least 1Mi: it sizes the volume the models are downloaded to`);
  }
}
