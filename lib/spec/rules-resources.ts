/**
 * Resource contradictions the API server or the kubelet would act on: /dev/shm is a memory-backed emptyDir and
 * its pages count against the container's memory limit (kubernetes/api core/v1 types.go, EmptyDirVolumeSource
 * sizeLimit: "the maximum usage on memory medium EmptyDir would be the minimum value between the SizeLimit ...
 * and the sum of memory limits of all containers"), so a sizeLimit as large as an explicit limit leaves the server
 * nothing (a full /dev/shm gets it OOM-killed) and one above it can never be used. Defaults are sized to fit (lib/model/resources.ts); only explicit values
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
    if (s !== undefined && l !== undefined && s >= l) {
      list.add('spec.sharedMemorySize', `(${quantityString(shm)}) must be below spec.resources.memory.limit (${quantityString(limit)}): /dev/shm is memory-backed and its pages count against the server's memory limit, so it must leave the server memory of its own`);
    }
  }
  const repos: [string, ModelServingSpec['repository'] | undefined][] = [['spec.repository', spec.repository], ...trackEntries(spec).map(([p, t]) => [`${p}.repository`, t.repository] as [string, ModelServingSpec['repository'] | undefined])];
  for (const [path, repo] of repos) {
    if (repo?.modelSize === undefined) continue;
    const v = parseQuantity(repo.modelSize);
    if (v !== undefined && v < 2 ** 20) list.add(`${path}.modelSize`, `(${quantityString(repo.modelSize)}) must be at least 1Mi: it sizes the volume the models are downloaded to`);
  }
}
