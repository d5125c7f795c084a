/**
 * The server container's resources and the sizes of its memory- and disk-backed volumes, resolved from the spec
 * and the runtime's defaults. The runtime's defaults grow with the GPU count (per GPU: 2 CPUs requested, limit 4,
 * 8Gi of memory, 1Gi of /dev/shm; vLLM 10Gi and 2Gi). A default is never below an explicit value next to it, and
 * never contradicts one:
 * - memory limit: explicit, else the runtime default raised to the explicit request and to twice /dev/shm;
 *   memory request: explicit, else the limit (a model server's memory is not overcommitted);
 * - CPU limit: explicit, else the runtime default raised to the explicit request; CPU request: explicit, else
 *   the runtime default lowered to the limit;
 * - /dev/shm (memory-backed, counted against the memory limit): explicit, else the runtime default lowered to
 *   half of an explicit memory limit. An explicit /dev/shm not below an explicit memory limit is refused
 *   (lib/spec/rules-resources.ts).
 * The model download volume: `repository.modelSize` plus a fifth, as its sizeLimit and ephemeral-storage request.
 */
import type { ModelServingSpec, RepositorySpec } from '../spec/schema/spec';
import type { RuntimeResourceDefaults, ServingRuntime } from '../runtimes/types';
import { parseQuantity, quantityString } from '../spec/quantity';
import { DEFAULT_MODEL_SIZE } from '../spec/budgets';

export { DEFAULT_MODEL_SIZE, LOAD_SECONDS_PER_GIB, DOWNLOAD_SECONDS_PER_GIB, startupBudgetSeconds, downloadBudgetSeconds } from '../spec/budgets';

const Ki = 2 ** 10;
const Mi = 2 ** 20;
const Gi = 2 ** 30;

/**
 * Defaults per GPU (and for a pod without GPUs) of a runtime that names none of its own: a pod is sized for the
 * work its GPUs take on. Triton creates a GPU instance group's `count` instances on each GPU it sees
 * (triton-inference-server/common r26.07 protobuf/model_config.proto, ModelInstanceGroup count and gpus: no
 * `gpus` "is equivalent to listing all available GPUs"),
 * TorchServe starts one worker per GPU (lib/runtimes/torchserve-config.ts, default_workers_per_model), and TF
 * Serving feeds every GPU it places work on from the same process: each GPU adds host memory, CPU and /dev/shm.
 */
export const GENERIC_RESOURCE_DEFAULTS: RuntimeResourceDefaults = {
  cpu: { request: 2, limit: 4 },
  memoryBytes: 8 * Gi,
  sharedMemoryBytes: 1 * Gi,
};
/** Headroom of the download volume over the model size (rclone's partial files, a version that grew). */
const DOWNLOAD_HEADROOM = 1.2;

/** Bytes as a quantity: whole Gi or Mi when exact, else Mi rounded up. */
export function bytesQuantity(bytes: number): string {
  if (bytes % Gi === 0) return `${bytes / Gi}Gi`;
  if (bytes % Mi === 0) return `${bytes / Mi}Mi`;
  if (bytes % Ki === 0 && bytes < Mi) return `${bytes / Ki}Ki`;
  return `${Math.ceil(bytes / Mi)}Mi`;
}

/** Cores as a quantity: whole cores, else millicores rounded up. */
function coresQuantity(cores: number): string {
  return Number.isInteger(cores) ? String(cores) : `${Math.ceil(cores * 1000)}m`;
}

export interface ResolvedResources {
  readonly cpu: { readonly request: string; readonly limit: string };
  readonly memory: { readonly request: string; readonly limit: string };
  /** sizeLimit of the memory-backed /dev/shm. */
  readonly sharedMemory: string;
}

/** `perGpu` times the GPU count (one set for a pod without GPUs). */
export function scaledDefaults(perGpu: RuntimeResourceDefaults, gpuCount: number): RuntimeResourceDefaults {
  const g = Math.max(1, gpuCount);
  return {
    cpu: { request: perGpu.cpu.request * g, limit: perGpu.cpu.limit * g },
    memoryBytes: perGpu.memoryBytes * g,
    sharedMemoryBytes: perGpu.sharedMemoryBytes * g,
  };
}

/** The runtime's defaults for `gpuCount` GPUs: its own, else the generic ones per GPU. */
export function runtimeDefaults(runtime: ServingRuntime, gpuCount: number): RuntimeResourceDefaults {
  return runtime.resourceDefaults?.(gpuCount) ?? scaledDefaults(GENERIC_RESOURCE_DEFAULTS, gpuCount);
}

const value = (q: string | number | undefined): number | undefined => (q === undefined ? undefined : parseQuantity(q));

/** Requests, limits and /dev/shm of the server container. Assumes the spec passed validation. */
export function resolveResources(spec: ModelServingSpec, runtime: ServingRuntime, gpuCount: number): ResolvedResources {
  const d = runtimeDefaults(runtime, gpuCount);
  const r = spec.resources ?? {};
  const shmExplicit = value(spec.sharedMemorySize);
  // memory
  const memReq = value(r.memory?.request);
  const memLimit = r.memory?.limit !== undefined
    ? quantityString(r.memory.limit)
    : bytesQuantity(Math.max(d.memoryBytes, memReq ?? 0, 2 * (shmExplicit ?? 0)));
  const memRequest = r.memory?.request !== undefined ? quantityString(r.memory.request) : memLimit;
  const limitBytes = value(memLimit)!;
  const sharedMemory = spec.sharedMemorySize !== undefined
    ? quantityString(spec.sharedMemorySize)
    : bytesQuantity(r.memory?.limit !== undefined ? Math.min(d.sharedMemoryBytes, Math.floor(limitBytes / 2 / Mi) * Mi) : d.sharedMemoryBytes);
  // cpu
  const cpuReq = value(r.cpu?.request);
  const cpuLimitExplicit = value(r.cpu?.limit);
  const cpuLimit = r.cpu?.limit !== undefined ? quantityString(r.cpu.limit) : coresQuantity(Math.max(d.cpu.limit, cpuReq ?? 0));
  const cpuRequest = r.cpu?.request !== undefined
    ? quantityString(r.cpu.request)
    : coresQuantity(Math.min(d.cpu.request, cpuLimitExplicit ?? Infinity));
  return { cpu: { request: cpuRequest, limit: cpuLimit }, memory: { request: memRequest, limit: memLimit }, sharedMemory };
}

/** The sum of quantities (bytes), as a quantity (bytesQuantity). */
export function sumQuantities(sizes: readonly (string | number)[]): string {
  return bytesQuantity(sizes.reduce<number>((n, s) => n + value(s)!, 0));
}

/** A download volume's size for files of `size` (a quantity) in all: a fifth more, rounded up to whole Mi. */
export function downloadSize(size: string | number): string {
  return bytesQuantity(Math.ceil((value(size)! * DOWNLOAD_HEADROOM) / Mi) * Mi);
}

/** Whether the track's models land in an emptyDir of the pod (a download, or the Hub cache without a claim). */
export function downloadsIntoPod(repo: RepositorySpec, hostPathCache: boolean): boolean {
  if (repo.uri !== undefined) return !hostPathCache;
  return repo.huggingface !== undefined && repo.huggingface.cacheClaimName === undefined;
}

/** sizeLimit (and ephemeral-storage request) of the volume the models are downloaded to. */
export function downloadVolumeSize(repo: RepositorySpec): string {
  return downloadSize(repo.modelSize ?? DEFAULT_MODEL_SIZE);
}

