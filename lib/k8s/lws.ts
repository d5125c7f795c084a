/**
 * The part of `leaderworkerset.x-k8s.io/v1` LeaderWorkerSet this project writes. There is no npm model for it;
 * these closed interfaces follow the upstream CRD of LWS v0.10.0 (kubernetes-sigs/lws
 * `config/crd/bases/leaderworkerset.x-k8s.io_leaderworkersets.yaml`, `api/leaderworkerset/v1/leaderworkerset_types.go`),
 * so a typo in an object literal typed with them is a compile error. Tests validate the synthesized objects
 * against the CRD's schema (unknown fields refused) and test/support/lws-types.ts.
 */
import type { PodTemplateSpec } from './api';

export const LWS_API_VERSION = 'leaderworkerset.x-k8s.io/v1';
export const LWS_KIND = 'LeaderWorkerSet';

/** Label the LeaderWorkerSet controller puts on every pod of a group (its index within the group; 0 = leader). */
export const LWS_WORKER_INDEX_LABEL = 'leaderworkerset.sigs.k8s.io/worker-index';
/** Environment the LeaderWorkerSet pod webhook adds to every container (lws pkg/utils/pod/pod_utils.go AddLWSVariables). */
export const LWS_ENV = { leaderAddress: 'LWS_LEADER_ADDRESS', groupSize: 'LWS_GROUP_SIZE', workerIndex: 'LWS_WORKER_INDEX' } as const;

/** spec.leaderWorkerTemplate.restartPolicy (the CRD enum). */
export type LwsRestartPolicy = 'RecreateGroupOnPodRestart' | 'RecreateGroupAfterStart' | 'None' | 'Default';
/** spec.startupPolicy (the CRD enum). */
export type LwsStartupPolicy = 'LeaderCreated' | 'LeaderReady';

export interface LeaderWorkerTemplate {
  /** Pods per group, leader included (int32, >= 1). */
  readonly size: number;
  readonly restartPolicy: LwsRestartPolicy;
  readonly leaderTemplate: PodTemplateSpec;
  readonly workerTemplate: PodTemplateSpec;
}

export interface LeaderWorkerSetSpec {
  /** Groups; left out when an autoscaler owns the scale subresource. */
  readonly replicas?: number;
  readonly startupPolicy: LwsStartupPolicy;
  readonly leaderWorkerTemplate: LeaderWorkerTemplate;
  readonly rolloutStrategy: {
    readonly type: 'RollingUpdate';
    readonly rollingUpdateConfiguration: { readonly maxSurge: number | string; readonly maxUnavailable: number | string };
  };
  readonly networkConfig: { readonly subdomainPolicy: 'Shared' | 'UniquePerReplica' };
}
