/**
 * Rules of the platform fields (lib/spec/schema/platform.ts): spec.multiNode, spec.resources.gpu.claim,
 * spec.repository.image and spec.tracing. Each names the field and the reason; facts in docs/SCALE_OUT.md.
 */
import type { ModelServingSpec, RepositorySpec } from './schema/spec';
import type { IssueList } from './errors';
import { NVIDIA_GPU_CLASS, NVIDIA_MIG_CLASS } from './schema/platform';
import { getRuntime, RUNTIME_REGISTRY } from '../runtimes/registry';
import { celSelectorProblems } from './cel';
import { checkImage } from './image';
import { trackEntries } from './rules-rollout';

/** kubernetes/api resource/v1 ResourceClaimReservedForMaxSize: pods that may share one ResourceClaim. */
export const CLAIM_MAX_CONSUMERS = 256;
/** StatefulSet names longer than this break the controller-revision-hash label (63 - '-' - a 10-character hash). */
export const STATEFULSET_NAME_MAX = 52;
/** Suffix of a track's LeaderWorkerSet name (its headless Service has the same name, so it must differ from ours). */
export const LWS_SUFFIX = '-lws';

/** The most pods (groups, with multiNode) a track may run: the autoscaler's maximum, else spec.replicas, else 1. */
export function maxReplicas(spec: ModelServingSpec): number {
  return spec.autoscaling?.maxReplicas ?? spec.replicas ?? 1;
}

/** Names of the runtimes that implement a hook. */
const runtimesWith = (hook: 'multiNode' | 'tracing') => RUNTIME_REGISTRY.filter((r) => r[hook]).map((r) => r.name).join(', ');

/** The longest base name of a track (`<name>`, `<name>-canary`, `<name>-<track>`). */
function longestTrackName(name: string, spec: ModelServingSpec): string {
  const r = spec.rollout;
  const keys = !r ? [] : r.strategy === 'canary' ? ['canary'] : Object.keys(r.tracks ?? {});
  return [name, ...keys.map((k) => `${name}-${k}`)].reduce((a, b) => (b.length > a.length ? b : a));
}

function checkMultiNode(list: IssueList, spec: ModelServingSpec, name: string): void {
  const mn = spec.multiNode;
  if (!mn) return;
  const runtime = getRuntime(spec.runtime);
  if (!runtime.multiNode) {
    list.add('spec.multiNode', `is supported by runtime ${runtimesWith('multiNode') || 'none'} only (runtime ${spec.runtime} runs one pod per replica)`);
    return;
  }
  const mode = spec.mode ?? 'online';
  if (mode !== 'online') list.add('spec.multiNode', `applies to mode online only (mode is ${mode})`);
  if ((spec.resources?.gpu?.count ?? 0) === 0) list.add('spec.multiNode', 'needs spec.resources.gpu.count: the GPUs of each pod of a group');
  if (spec.verticalAutoscaling) {
    list.add('spec.verticalAutoscaling', 'cannot act on a LeaderWorkerSet (spec.multiNode): its scale selector selects the leaders only, and an eviction restarts the whole group');
  }
  const d = spec.disruption;
  if (d?.minAvailable !== undefined) {
    list.add('spec.disruption.minAvailable', 'is not supported with spec.multiNode: one evicted pod restarts its whole group, so the budget is maxUnavailable, counted in groups');
  }
  if (typeof d?.maxUnavailable === 'string') {
    list.add('spec.disruption.maxUnavailable', `("${d.maxUnavailable}") must be a number of groups with spec.multiNode (a percentage of pods does not bound the groups disrupted)`);
  }
  if (spec.resources?.gpu?.claim?.sharing) {
    list.add('spec.resources.gpu.claim.sharing', 'cannot be used with spec.multiNode: a shared ResourceClaim is allocated on one node, and the pods of a group run on different nodes');
  }
  // LeaderWorkerSet names must be DNS-1035 labels (lws pkg/webhooks/leaderworkerset_webhook.go): the first letter is
  // the Service-name rule of mode online (rules-input.ts); the leader StatefulSet is <lws>, the workers' <lws>-<group index>
  const longest = longestTrackName(name, spec) + LWS_SUFFIX;
  const digits = String(Math.max(0, maxReplicas(spec) - 1)).length;
  const limit = STATEFULSET_NAME_MAX - 1 - digits - (longest.length - name.length);
  if (name.length > limit) {
    list.add('metadata.name', `("${name}", ${name.length} characters) must be at most ${limit} characters with spec.multiNode: the LeaderWorkerSet ${longest} names one StatefulSet per group (${longest}-<group>), and a StatefulSet name over ${STATEFULSET_NAME_MAX} characters breaks its pods' controller-revision-hash label`);
  }
}

function checkClaim(list: IssueList, spec: ModelServingSpec): void {
  const gpu = spec.resources?.gpu;
  const c = gpu?.claim;
  if (!gpu || !c) return;
  const base = 'spec.resources.gpu.claim';
  if (gpu.resourceName !== undefined) {
    list.add('spec.resources.gpu.resourceName', 'is the device plugin\'s extended resource; with spec.resources.gpu.claim the devices come from the claim\'s device class (use deviceClassName mig.nvidia.com for MIG)');
  }
  // TensorRT plans: a plan loads only on the GPU architecture it was built for, so the GPU product must be pinned where
  // the plan checks, the plan's build Job and its file name read it (resources.gpu.product, the device plugin's label)
  const plans = spec.models.flatMap((m, i) => (m.format === 'tensorrt' || m.build ? [`spec.models[${i}] ${JSON.stringify(m.name)}`] : []));
  if (plans.length) {
    list.add(base, `cannot serve TensorRT plans (${plans.join(', ')}): a plan loads only on the GPU architecture it was built for, so it is checked against, built on and named after ` +
      'resources.gpu.product, the device plugin\'s node label nvidia.com/gpu.product; a claim\'s devices are chosen by the DRA driver, not by that label (and its CEL selectors are not read for this): ' +
      'request the GPU with resources.gpu.count and resources.gpu.product');
  } else if (gpu.product !== undefined) {
    list.add('spec.resources.gpu.product', `is GPU Feature Discovery's node label for the device plugin; with spec.resources.gpu.claim select the product with a CEL selector, e.g. device.attributes['${NVIDIA_GPU_CLASS}'].productName == 'NVIDIA L4'`);
  }
  c.selectors?.forEach((sel, i) => {
    for (const m of celSelectorProblems(sel)) list.add(`${base}.selectors[${i}]`, m);
  });
  const s = c.sharing;
  if (!s) return;
  const cls = c.deviceClassName ?? NVIDIA_GPU_CLASS;
  if (cls !== NVIDIA_GPU_CLASS && cls !== NVIDIA_MIG_CLASS) {
    list.add(`${base}.sharing`, `is the NVIDIA DRA driver's GpuConfig (class ${NVIDIA_GPU_CLASS}) or MigDeviceConfig (class ${NVIDIA_MIG_CLASS}); device class ${cls} has no known sharing config`);
  }
  if (s.interval !== undefined && s.strategy !== 'TimeSlicing') list.add(`${base}.sharing.interval`, `applies to strategy TimeSlicing (strategy is ${s.strategy})`);
  if (s.interval !== undefined && cls === NVIDIA_MIG_CLASS) {
    list.add(`${base}.sharing.interval`, 'is not supported on MIG devices (the driver\'s MigDeviceSharing has no timeSlicingConfig)');
  }
  for (const f of ['activeThreadPercentage', 'pinnedMemoryLimit'] as const) {
    if (s[f] !== undefined && s.strategy !== 'MPS') list.add(`${base}.sharing.${f}`, `applies to strategy MPS (strategy is ${s.strategy})`);
  }
  if ((spec.mode ?? 'online') === 'edge') {
    list.add(`${base}.sharing`, 'cannot be used in mode edge: the DaemonSet\'s pods run on many nodes, and a shared ResourceClaim is allocated on one');
  }
  const pods = maxReplicas(spec);
  if (pods > CLAIM_MAX_CONSUMERS) {
    list.add(`${base}.sharing`, `is one ResourceClaim for every pod of a track, and a claim holds at most ${CLAIM_MAX_CONSUMERS} consumers (the track may run ${pods} pods)`);
  }
}

function checkImageSource(list: IssueList, path: string, repo: RepositorySpec): void {
  if (repo.image) checkImage(list, `${path}.image.reference`, repo.image.reference);
}

function checkTracing(list: IssueList, spec: ModelServingSpec): void {
  if (spec.tracing && !getRuntime(spec.runtime).tracing) {
    list.add('spec.tracing', `runtime ${spec.runtime} has no OpenTelemetry tracing (supported by: ${runtimesWith('tracing')})`);
  }
}

/** Every rule of the platform fields. `name` is metadata.name. */
export function checkPlatform(list: IssueList, spec: ModelServingSpec, name: string): void {
  checkMultiNode(list, spec, name);
  checkClaim(list, spec);
  checkImageSource(list, 'spec.repository', spec.repository);
  for (const [p, t] of trackEntries(spec)) if (t.repository) checkImageSource(list, `${p}.repository`, t.repository);
  checkTracing(list, spec);
}
