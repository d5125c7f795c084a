/**
 * Credentials in plain text: the spec is copied verbatim into manifests that land in git, CI logs and
 * `kubectl get -o yaml`, so a secret written into it is a leaked secret. Refused (by field, never by value):
 * env literals whose name looks like a secret, `user:password@` in any URL, an image reference with
 * credentials, a server flag that takes a secret, and an env variable that would replace one the library
 * fills from a Secret. `spec.security.unsafe.plainTextSecretEnv` allows the first one, and lint says so.
 */
import type { ModelServingDocument, ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';

/**
 * Names that look like credentials: `*_KEY` (and `*APIKEY`), or TOKEN, SECRET, PASSWORD, PASSWD ending a word.
 * "Ending a word" keeps TOKENIZERS_PARALLELISM and MAX_TOKENS (common vLLM / Hugging Face settings) out.
 */
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD)(_|$)|(^|_|API)KEY$/i;
/** A variable that names a file, path, directory or object holds a reference, not the secret itself. */
const REFERENCE_NAME = /_(FILE|PATH|DIR|NAME)$/i;

/** True when an environment variable of this name should come from a Secret. */
export function looksLikeSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !REFERENCE_NAME.test(name);
}

/**
 * `scheme://user:password@`: a URL with a password in it (the password may be empty). The scheme starts where a run
 * of scheme characters starts and the user part has no `:`, so the match takes linear time on long values
 * (annotations may hold 256 KiB).
 */
const URL_CREDENTIALS = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:[^\s/?#@]*@/i;
/** An image reference `user:password@registry/...` (a digest `name:tag@sha256:...` has no `/` after the `@`). */
const IMAGE_CREDENTIALS = /^[^/@:\s]+:[^/@\s]*@[^/\s]+\//;
/** A server flag whose value is a secret: `--api-key`, `--hf-token`, `--password`, ... */
const SECRET_FLAG = /^(--?(?:[a-z0-9]+[-_])*(?:token|secret|password|passwd|key|apikey))(=|$)/i;
/** A value the kubelet expands from the container environment: `$(VAR)`. */
const ENV_REFERENCE = /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/;

/**
 * Fields that hold an image reference: every field named `image` (spec.image, a track's image, the picker's, the
 * TensorRT build's) and an image volume's `reference` (spec.repository.image, each track's repository.image).
 */
const IMAGE_FIELD = /(^|\.)image$|\.image\.reference$/;

/** Fields already checked for credentials with their own message (lib/spec/uri.ts). */
const URI_FIELDS = /^spec\.(repository|rollout\.canary\.repository|rollout\.tracks\.[^.]+\.repository)\.uri$|^spec\.batch\.(input|output)$|^spec\.models\[\d+\]\.adapters\[\d+\]\.uri$/;

/**
 * Environment variables the library fills from a Secret. A spec.env entry of the same name would replace
 * the generated variable (lib/constructs/pod.ts withoutUserEnv), and so the Secret's value: it is refused. Keep in step with the constructs (a test
 * compares this list with the synthesized pods).
 */
export const GENERATED_SECRET_ENV: readonly { readonly name: string; readonly field: string; readonly when: (spec: ModelServingSpec) => boolean }[] = [
  { name: 'TRITON_ADMIN_KEY', field: 'spec.triton.adminKeySecret', when: (s) => s.triton?.adminKeySecret !== undefined },
  { name: 'HF_TOKEN', field: 'spec.repository.huggingface.tokenSecret', when: (s) => s.repository.huggingface?.tokenSecret !== undefined },
  { name: 'VLLM_API_KEY', field: 'spec.vllm.apiKeySecret', when: (s) => s.vllm?.apiKeySecret !== undefined },
];

const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

/** Every string of the document with its field path. */
function* strings(value: unknown, path: string): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* strings(v, `${path}${path ? key(k) : k}`);
  }
}

function checkEnv(list: IssueList, spec: ModelServingSpec): void {
  const allowed = spec.security?.unsafe?.plainTextSecretEnv === true;
  spec.env?.forEach((e, i) => {
    if (e.value !== undefined && e.value !== '' && !allowed && looksLikeSecretName(e.name)) {
      list.add(`spec.env[${i}].value`, `"${e.name}" looks like a secret, and a literal value is written into every manifest in plain text: ` +
        'put it in a Secret and use secretKeyRef (or allow it with spec.security.unsafe.plainTextSecretEnv)');
    }
    for (const g of GENERATED_SECRET_ENV) {
      if (e.name === g.name && g.when(spec)) {
        list.add(`spec.env[${i}].name`, `"${e.name}" is filled from the Secret of ${g.field}; this entry would replace it`);
      }
    }
  });
}

function checkExtraArgs(list: IssueList, spec: ModelServingSpec): void {
  const args = spec.extraArgs ?? [];
  args.forEach((a, i) => {
    const m = SECRET_FLAG.exec(a);
    if (!m) return;
    const value = m[2] === '=' ? a.slice(m[0].length) : args[i + 1];
    if (value === undefined || ENV_REFERENCE.test(value)) return;
    list.add(`spec.extraArgs[${i}]`, `${m[1]} takes a secret, and extraArgs are written into the manifest in plain text: ` +
      `put it in a Secret, add it to spec.env with secretKeyRef, and pass ${m[1]}=$(NAME_OF_THAT_VARIABLE)`);
  });
}

/** Every plain-text credential rule of one document. Messages name the field, never the value. */
export function checkSecrets(list: IssueList, doc: ModelServingDocument): void {
  checkEnv(list, doc.spec);
  checkExtraArgs(list, doc.spec);
  for (const [path, value] of strings(doc, '')) {
    if (URI_FIELDS.test(path)) continue;
    if (URL_CREDENTIALS.test(value)) {
      list.add(path, 'contains a URL with a password (user:password@), which would be written into the manifest in plain text: remove it and give the credentials to the component from a Secret');
    } else if (IMAGE_FIELD.test(path) && IMAGE_CREDENTIALS.test(value)) {
      list.add(path, 'contains credentials (user:password@registry), which would be written into the manifest in plain text: registry credentials belong in an image pull Secret');
    }
  }
}
