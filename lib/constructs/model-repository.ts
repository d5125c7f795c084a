/**
 * The model repository: where the server's models come from. An existing PVC, a PVC created here,
 * a download from an object store into a local volume, or (vLLM) the Hugging Face Hub with a cache volume.
 */
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type * as api from '../k8s/api';
import { Kube } from '../k8s/object';
import type { RepositorySpec } from '../spec/schema/spec';
import { PATHS } from '../runtimes/types';
import { quantityString } from '../spec/quantity';
import type { ServingContext, Track } from '../model/context';
import { restrictedContainerSecurity } from '../model/security';
import { rcloneCopyContainer } from '../model/rclone';
import { repositoryClaimName } from '../model/repository';

export { DOWNLOAD_IMAGE, RCLONE_ENV, RCLONE_S3_PROVIDER_SCRIPT, RCLONE_S3_PROVIDER_REFUSED, DOWNLOAD_SCRIPT, RcloneCopy, rcloneCopyContainer, rcloneRemote, rcloneQuote } from '../model/rclone';
import { withAdapters } from './lora-adapters';
import { includeArgs } from '../runtimes/download';
import { downloadVolumeSize } from '../model/resources';
import { imageRepositoryMount } from './pod-platform';

export interface ModelRepositoryProps {
  readonly context: ServingContext;
}

/** The volumes and containers one track needs for its models. */
export interface RepositoryMount {
  readonly volumes: api.Volume[];
  readonly initContainers: api.Container[];
  /** Mounts for the server container. */
  readonly mounts: k8s.VolumeMount[];
  readonly env: k8s.EnvVar[];
}

/**
 * Creates the PersistentVolumeClaims the spec asks for and tells each track how to mount its models.
 * Construct IDs: `Pvc` (or `<track>Pvc` for a track's own repository).
 */
export class ModelRepository extends Construct {
  private readonly ctx: ServingContext;
  private readonly created = new Map<RepositorySpec, string>();

  constructor(scope: Construct, id: string, props: ModelRepositoryProps) {
    super(scope, id);
    this.ctx = props.context;
    for (const t of this.ctx.tracks) {
      const c = t.repository.pvc?.create;
      if (!c || this.created.has(t.repository)) continue;
      const own = t.repository !== this.ctx.spec.repository;
      const name = repositoryClaimName(this.ctx, t)!;
      Kube.PersistentVolumeClaim(this, own ? `${t.key}Pvc` : 'Pvc', {
        metadata: this.ctx.metadata(name, 'model-repository'),
        spec: {
          accessModes: [c.accessMode ?? 'ReadOnlyMany'],
          ...(c.storageClassName ? { storageClassName: c.storageClassName } : {}),
          resources: { requests: { storage: k8s.Quantity.fromString(quantityString(c.size)) } },
        },
      });
      this.created.set(t.repository, name);
    }
  }

  /** Volumes, init containers, mounts and env that give `track` its models (and LoRA adapters: lib/constructs/lora-adapters.ts). */
  mountFor(track: Track): RepositoryMount {
    return withAdapters(this.ctx, track, this.sourceMountFor(track));
  }

  private sourceMountFor(track: Track): RepositoryMount {
    const repo = track.repository;
    const sec = restrictedContainerSecurity(this.ctx);
    if (repo.image) return imageRepositoryMount(repo.image);
    if (repo.pvc) {
      const claimName = repo.pvc.claimName ?? this.created.get(repo)!;
      // serving pods only read the repository, also when readOnly: false lets the engine-build Job write plans
      // into it (lib/model/engine-jobs.ts mounts its own writable volume)
      return {
        volumes: [{ name: 'model-store', persistentVolumeClaim: { claimName, readOnly: true } }],
        initContainers: [],
        mounts: [{ name: 'model-store', mountPath: PATHS.modelStore, readOnly: true, ...(repo.pvc.subPath ? { subPath: repo.pvc.subPath } : {}) }],
        env: [],
      };
    }
    if (repo.huggingface) {
      const hf = repo.huggingface;
      return {
        volumes: [hf.cacheClaimName
          ? { name: 'hf-cache', persistentVolumeClaim: { claimName: hf.cacheClaimName } }
          : { name: 'hf-cache', emptyDir: { sizeLimit: k8s.Quantity.fromString(downloadVolumeSize(repo)) } }],
        initContainers: [],
        mounts: [{ name: 'hf-cache', mountPath: PATHS.hfHome }],
        env: [
          { name: 'HF_HOME', value: PATHS.hfHome },
          ...(hf.tokenSecret ? [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: hf.tokenSecret, key: 'token' } } }] : []),
        ],
      };
    }
    // uri: download into an emptyDir before the server starts; a failed download fails the pod (Init:Error).
    // Only the served models and versions are copied.
    const uri = repo.uri!;
    const includes = includeArgs(this.ctx.runtime.downloadIncludes(track.models));
    const download = rcloneCopyContainer({
      name: 'download-models', uri, dest: PATHS.modelStore, extraArgs: includes, credentialsSecret: repo.credentialsSecret,
      securityContext: sec, volumeMounts: [{ name: 'model-store', mountPath: PATHS.modelStore }, { name: 'tmp', mountPath: '/tmp' }],
    });
    const cache = this.ctx.spec.edge?.hostPathCache;
    return {
      volumes: [cache
        ? { name: 'model-store', hostPath: { path: cache, type: 'Directory' } }
        : { name: 'model-store', emptyDir: { sizeLimit: k8s.Quantity.fromString(downloadVolumeSize(repo)) } }],
      initContainers: [download],
      mounts: [{ name: 'model-store', mountPath: PATHS.modelStore, readOnly: true }],
      env: [],
    };
  }
}
