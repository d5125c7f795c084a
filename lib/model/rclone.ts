/**
 * How a model (or a batch job's input and output) is copied from an object store: the pinned rclone image, its
 * connection strings built from checked URIs, and the init container that runs it. Shared by the model repository,
 * LoRA adapters and batch jobs.
 */
import { k8s } from 'cdk8s-plus-28';
import type * as api from '../k8s/api';
import { splitUri } from '../spec/uri';
import { HELPER_IMAGES } from '../runtimes/images';

/** Pinned image of the download step (Alpine based: has sh): rclone speaks S3, GCS and HTTP(S) directory listings. */
export const DOWNLOAD_IMAGE = HELPER_IMAGES.download.image;
/** rclone's config and cache under the writable /tmp (the root filesystem is read-only); no config file is needed. */
export const RCLONE_ENV: k8s.EnvVar[] = [{ name: 'RCLONE_CONFIG', value: '/tmp/rclone.conf' }, { name: 'XDG_CACHE_HOME', value: '/tmp' }];

/**
 * The rclone remote for a URI, as an on-the-fly connection string (rclone docs/content/docs.md "Connection
 * strings"; no rclone config file needed). Credentials come from the environment (the credentials Secret):
 * - s3: `env_auth=true` reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, a web identity
 *   (EKS IRSA) or the instance role, and only when RCLONE_S3_ACCESS_KEY_ID / RCLONE_S3_SECRET_ACCESS_KEY are
 *   blank; `provider=AWS` is the default that {@link RCLONE_S3_PROVIDER_SCRIPT} lets the Secret replace.
 * - gs: `env_auth=true` uses Application Default Credentials (GKE Workload Identity) unless
 *   RCLONE_GCS_SERVICE_ACCOUNT_CREDENTIALS (the JSON key) is set; `bucket_policy_only=true` is needed to write
 *   into buckets with uniform bucket-level access and ignored by reads.
 * - https: rclone's http backend reads the server's HTML directory listings; the URL must end in a directory.
 * Parameters in a connection string outrank RCLONE_* environment variables; anything not in it (region,
 * endpoint, path style, anonymous access) can be set by the Secret.
 */
export function rcloneRemote(uri: string): string {
  const { scheme, host, path } = splitUri(uri);
  if (scheme === 's3') return `:s3,provider=AWS,env_auth=true:${host}/${path}`;
  if (scheme === 'gs') return `:gcs,env_auth=true,bucket_policy_only=true:${host}/${path}`;
  return `:http,url=${rcloneQuote(`https://${host}/`)}:${path}`;
}

/**
 * A connection-string parameter value quoted by rclone's rules (docs/content/docs.md "Connection strings": a
 * value with `,` or `:` is put in `'` or `"`, and a quote inside is doubled). The URI rules already refuse every
 * character outside the URI form we accept (lib/spec/uri.ts); quoting keeps a value one value regardless.
 */
export function rcloneQuote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** What the provider script prints (to stderr, exit 1) for a RCLONE_S3_PROVIDER that is not a provider name. */
export const RCLONE_S3_PROVIDER_REFUSED = 'RCLONE_S3_PROVIDER in the credentials Secret must be an rclone S3 provider name, letters and digits only (e.g. Minio, Ceph, Other): a comma, colon, quote or = in it would add options to the rclone connection string';

/**
 * sh lines that let a credentials Secret choose the S3 provider of the connection string in `$src`.
 * `provider=AWS` in the string would win over the Secret's RCLONE_S3_PROVIDER, and setting the default as a
 * container `env` would win over the Secret's `envFrom` too; but AWS quirks force virtual-host addressing,
 * which MinIO or Ceph without wildcard DNS do not serve. So the string carries AWS and this replaces it.
 * The value is spliced into the connection string, where `,` starts another parameter (rclone
 * docs/content/docs.md "Connection strings"): e.g. `Minio,endpoint=https://elsewhere` would send the signed
 * requests to another host. Every rclone S3 provider name is letters and digits (rclone v1.75.0
 * backend/s3/provider/*.yaml), so anything else is refused before rclone runs, without echoing the value.
 */
export const RCLONE_S3_PROVIDER_SCRIPT = [
  'if [ -n "${RCLONE_S3_PROVIDER:-}" ]; then',
  `  case "$RCLONE_S3_PROVIDER" in *[!A-Za-z0-9]*) echo '${RCLONE_S3_PROVIDER_REFUSED}' >&2; exit 1 ;; esac`,
  '  case "$src" in :s3,provider=AWS,*) src=":s3,provider=${RCLONE_S3_PROVIDER},${src#:s3,provider=AWS,}" ;; esac',
  'fi',
].join('\n');

/** The download container's script: `$1` is the rclone source, the other arguments go to `rclone copy`. */
export const DOWNLOAD_SCRIPT = ['set -eu', 'src="$1"; shift', RCLONE_S3_PROVIDER_SCRIPT, 'exec rclone copy "$src" "$@"'].join('\n');

/** What one rclone download container copies, from where to where. */
export interface RcloneCopy {
  /** Container name. */
  readonly name: string;
  readonly uri: string;
  readonly dest: string;
  /** Secret whose keys become the container's environment (credentials). */
  readonly credentialsSecret?: string;
  /** Extra `rclone copy` arguments (e.g. --include filters). */
  readonly extraArgs?: readonly string[];
  readonly securityContext: k8s.SecurityContext;
  readonly volumeMounts: k8s.VolumeMount[];
}

/** The pinned rclone init container that copies `uri` to `dest` (model downloads and LoRA adapters). */
export function rcloneCopyContainer(c: RcloneCopy): api.Container {
  return {
    name: c.name,
    image: DOWNLOAD_IMAGE,
    imagePullPolicy: 'IfNotPresent',
    command: ['sh', '-c', DOWNLOAD_SCRIPT, c.name],
    args: [rcloneRemote(c.uri), c.dest, ...(c.extraArgs ?? []), '--retries=3', '--low-level-retries=10', '--transfers=8', '--checkers=16', '--stats=30s', '--stats-one-line', '-v'],
    env: [...RCLONE_ENV],
    ...(c.credentialsSecret ? { envFrom: [{ secretRef: { name: c.credentialsSecret } }] } : {}),
    resources: {
      requests: { cpu: k8s.Quantity.fromString('500m'), memory: k8s.Quantity.fromString('256Mi') },
      limits: { cpu: k8s.Quantity.fromString('2'), memory: k8s.Quantity.fromString('1Gi') },
    },
    securityContext: c.securityContext,
    volumeMounts: c.volumeMounts,
    // a failed copy's rclone error (bucket, credentials, path) becomes the message kubectl describe shows
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

