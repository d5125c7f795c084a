/**
 * TypeScript model of `leaderworkerset.x-k8s.io/v1` LeaderWorkerSet (no npm model exists).
 *
 * Written by hand from the upstream CRD of LWS v0.10.0:
 *   github.com/kubernetes-sigs/lws config/crd/bases/leaderworkerset.x-k8s.io_leaderworkersets.yaml
 *   (identical to the copy in the shared CRD folder, commit 060ab4da17eea1f0865fcbd3236bb1075e2cea32)
 * Optional/required and enums follow the CRD's openAPIV3Schema; the embedded pod templates are the core/v1
 * PodTemplateSpec, taken from kubernetes-models. Every interface is closed, so test/support/k8s-validate.ts's
 * strict layer refuses an unknown field.
 */
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec' with { 'resolution-mode': 'import' };
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim' with { 'resolution-mode': 'import' };
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap' with { 'resolution-mode': 'import' };

export type ObjectMeta = NonNullable<IConfigMap['metadata']>;

export const LWS_RESTART_POLICIES = ['Default', 'RecreateGroupOnPodRestart', 'RecreateGroupAfterStart', 'None'] as const;
export const LWS_STARTUP_POLICIES = ['LeaderCreated', 'LeaderReady'] as const;
export const LWS_SUBDOMAIN_POLICIES = ['Shared', 'UniquePerReplica'] as const;

export interface SubGroupPolicy {
  subGroupPolicyType?: 'LeaderWorker' | 'LeaderExcluded';
  /** int32. */
  subGroupSize?: number;
}

export interface LeaderWorkerTemplate {
  leaderTemplate?: IPodTemplateSpec;
  /** Required. */
  workerTemplate: IPodTemplateSpec;
  /** int32, default 1. */
  size?: number;
  /** Default RecreateGroupOnPodRestart. */
  restartPolicy?: (typeof LWS_RESTART_POLICIES)[number];
  subGroupPolicy?: SubGroupPolicy;
  volumeClaimTemplates?: IPersistentVolumeClaim[];
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
}

export interface RollingUpdateConfiguration {
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  /** int32. */
  partition?: number;
}

export interface LeaderWorkerSetSpec {
  /** Required. */
  leaderWorkerTemplate: LeaderWorkerTemplate;
  networkConfig?: { subdomainPolicy: (typeof LWS_SUBDOMAIN_POLICIES)[number] };
  /** int32, 0..1000000, default 1. */
  replicas?: number;
  rolloutStrategy?: { type: 'RollingUpdate'; rollingUpdateConfiguration?: RollingUpdateConfiguration };
  startupPolicy?: (typeof LWS_STARTUP_POLICIES)[number];
}

export interface ILeaderWorkerSet {
  apiVersion: 'leaderworkerset.x-k8s.io/v1';
  kind: 'LeaderWorkerSet';
  metadata?: ObjectMeta;
  spec?: LeaderWorkerSetSpec;
  status?: Record<string, unknown>;
}
