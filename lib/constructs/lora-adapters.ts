/**
 * LoRA adapters of a track (docs/LLM.md): each downloaded before the server starts, into its own directory of one
 * emptyDir (sized from the adapters' `size`) that the server mounts read-only at /model-adapters; the server then serves them by name
 * (`--lora-modules name=/model-adapters/name`). An object-store adapter is copied with the same rclone container
 * as repository.uri; a Hugging Face adapter with `huggingface_hub.snapshot_download` in the server's own image
 * (vLLM resolves a repository id passed to --lora-modules without a revision: `vllm/lora/utils.py`
 * get_adapter_absolute_path), so the pinned revision is what is served.
 */
import { k8s } from 'cdk8s-plus-28';
import type * as api from '../k8s/api';
import type { ServingContext, Track } from '../model/context';
import { ADAPTERS_PATH } from '../runtimes/adapters';
import { restrictedContainerSecurity } from '../model/security';
import type { RepositoryMount } from './model-repository';
import { rcloneCopyContainer } from '../model/rclone';
import { downloadSize, sumQuantities } from '../model/resources';
import { ADAPTER_DEFAULT_SIZE } from '../spec/schema/llm';

/** The adapters' volume name. */
export const ADAPTERS_VOLUME = 'model-adapters';

/** `python3 -c` program of the Hugging Face download: argv = repository, revision, destination. */
export const HF_DOWNLOAD_PROGRAM = [
  'import sys',
  'from huggingface_hub import snapshot_download',
  'repo, revision, dest = sys.argv[1:4]',
  'snapshot_download(repo_id=repo, revision=revision, local_dir=dest)',
  'print(f"downloaded {repo}@{revision} to {dest}")',
].join('\n');

const q = (v: string) => k8s.Quantity.fromString(v);
const DOWNLOAD_RESOURCES = {
  requests: { cpu: q('500m'), memory: q('256Mi') },
  limits: { cpu: q('2'), memory: q('1Gi') },
};

/** One init container per adapter of the track's (only) model, in spec order. */
export function adapterInitContainers(ctx: ServingContext, track: Track): api.Container[] {
  const model = track.models[0];
  const sec = restrictedContainerSecurity(ctx);
  const mounts = [{ name: ADAPTERS_VOLUME, mountPath: ADAPTERS_PATH }, { name: 'tmp', mountPath: '/tmp' }];
  return (model?.adapters ?? []).map((a, i): api.Container => {
    const dest = `${ADAPTERS_PATH}/${a.name}`;
    const name = `download-adapter-${i}`;
    if (a.huggingface) {
      const token = track.repository.huggingface?.tokenSecret;
      return {
        name,
        image: track.image,
        imagePullPolicy: 'IfNotPresent',
        command: ['python3', '-c', HF_DOWNLOAD_PROGRAM],
        args: [a.huggingface.modelId, a.huggingface.revision ?? 'main', dest],
        env: [
          // the root filesystem is read-only: the Hub client's cache and lock files go to /tmp
          { name: 'HOME', value: '/tmp' },
          { name: 'HF_HOME', value: '/tmp/huggingface' },
          { name: 'HF_HUB_DISABLE_TELEMETRY', value: '1' },
          ...(token ? [{ name: 'HF_TOKEN', valueFrom: { secretKeyRef: { name: token, key: 'token' } } }] : []),
        ],
        resources: DOWNLOAD_RESOURCES,
        securityContext: sec,
        volumeMounts: mounts,
        // the Hub client's error (unknown repository, gated model, token) becomes the message kubectl describe shows
        terminationMessagePolicy: 'FallbackToLogsOnError',
      };
    }
    const secret = a.credentialsSecret ?? track.repository.credentialsSecret ?? ctx.spec.repository.credentialsSecret;
    return rcloneCopyContainer({ name, uri: a.uri!, dest, credentialsSecret: secret, securityContext: sec, volumeMounts: mounts });
  });
}

/**
 * sizeLimit of the adapters' volume of `track`: the sum of the adapters' `size` (default 1Gi each) plus a fifth, as
 * for the model download; undefined without adapters.
 */
export function adaptersVolumeSize(track: Track): string | undefined {
  const adapters = track.models[0]?.adapters ?? [];
  return adapters.length ? downloadSize(sumQuantities(adapters.map((a) => a.size ?? ADAPTER_DEFAULT_SIZE))) : undefined;
}

/** `base` plus the adapters of `track`: their volume, download containers (after the model's) and the server's read-only mount. */
export function withAdapters(ctx: ServingContext, track: Track, base: RepositoryMount): RepositoryMount {
  const downloads = adapterInitContainers(ctx, track);
  if (!downloads.length) return base;
  return {
    volumes: [...base.volumes, { name: ADAPTERS_VOLUME, emptyDir: { sizeLimit: q(adaptersVolumeSize(track)!) } }],
    initContainers: [...base.initContainers, ...downloads],
    mounts: [...base.mounts, { name: ADAPTERS_VOLUME, mountPath: ADAPTERS_PATH, readOnly: true }],
    env: base.env,
  };
}
