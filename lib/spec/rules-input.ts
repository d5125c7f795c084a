/**
 * Input rules the API server or the kubelet would enforce after the fact, checked before anything is written:
 * extended resource names, Service names, tolerations, CronJob time zones, `..` in paths, the annotation size
 * limit. Each rule and its upstream source: docs/VALIDATION.md.
 */
import type { ModelServingDocument, ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';
import type { ValidateOptions } from './load';
import { qualifiedNameProblem, labelValueProblem } from './labels';
import { checkSecrets } from './rules-secrets';
import { tolerantRule } from './partial';

/** Kubernetes' limit on the annotations of one object: keys and values together (apimachinery TotalAnnotationSizeLimitB). */
export const MAX_ANNOTATION_BYTES = 256 * 1024;
/** The pod annotation that rolls the pods when their generated config changes (lib/constructs/pod.ts). */
export const CONFIG_HASH_ANNOTATION = 'model-serving/config-hash';
/** Hex characters of its value. */
export const CONFIG_HASH_LENGTH = 16;

/**
 * Kubernetes `IsExtendedResourceName` (pkg/apis/core/helper): a name with a domain prefix outside
 * `kubernetes.io/`, not starting with `requests.`, and a qualified name once prefixed with `requests.`.
 */
export function extendedResourceNameProblem(name: string): string | undefined {
  if (!name.includes('/') || name.includes('kubernetes.io/')) {
    return `"${name}" is a native resource, not an extended resource: a GPU is requested as <vendor-domain>/<name>, e.g. nvidia.com/gpu or nvidia.com/mig-1g.5gb`;
  }
  if (name.startsWith('requests.') || qualifiedNameProblem(`requests.${name}`)) {
    return `"${name}" is not a valid extended resource name (<vendor-domain>/<name>, e.g. nvidia.com/gpu)`;
  }
  return undefined;
}

/** RFC 1035 label: what Kubernetes requires of a Service name (ValidateServiceName = NameIsDNS1035Label). */
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function checkServiceName(list: IssueList, doc: ModelServingDocument): void {
  if ((doc.spec.mode ?? 'online') === 'batch') return;
  const name = doc.metadata.name;
  if (!DNS1035.test(name)) {
    list.add('metadata.name', `"${name}" names the Services of mode ${doc.spec.mode ?? 'online'}, and a Service name must be a DNS-1035 label: start with a letter (a-z)`);
  }
}

type Toleration = NonNullable<ModelServingSpec['tolerations']>[number];

/** Kubernetes ValidateTolerations (pkg/apis/core/validation), plus a non-negative tolerationSeconds. */
function checkTolerations(list: IssueList, path: string, tolerations: readonly Toleration[] | undefined): void {
  tolerations?.forEach((t, i) => {
    const p = `${path}[${i}]`;
    const operator = t.operator ?? 'Equal';
    if (t.key !== undefined && t.key !== '') {
      const kp = qualifiedNameProblem(t.key);
      if (kp) list.add(`${p}.key`, `toleration key ${kp}`);
    } else if (operator !== 'Exists') {
      list.add(`${p}.operator`, 'must be Exists when key is empty (an empty key with Exists tolerates every taint)');
    }
    if (operator === 'Exists' && t.value !== undefined && t.value !== '') list.add(`${p}.value`, 'must be empty when operator is Exists');
    if (operator === 'Equal' && t.value !== undefined) {
      const vp = labelValueProblem(t.value);
      if (vp) list.add(`${p}.value`, `toleration value ${vp}`);
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      list.add(`${p}.tolerationSeconds`, `applies to effect NoExecute only (effect is ${t.effect ?? 'unset: every effect'})`);
    }
  });
}

/** Canonical IANA zone names of the running Node's ICU data, by lower-case name. */
let zones: Map<string, string> | undefined;
function canonicalZones(): Map<string, string> {
  if (!zones) {
    const supported = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
    zones = new Map([...supported, 'UTC'].map((z) => [z.toLowerCase(), z]));
  }
  return zones;
}
function intlKnows(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
/** Per component, what the API server accepts (pkg/apis/batch/validation validTimeZoneCharacters). */
const ZONE_COMPONENT = /^[A-Za-z.\-_0-9+]{1,14}$/;

/**
 * Problems with a CronJob time zone. The API server loads it with Go's `time.LoadLocation` (case-sensitive
 * names from the IANA database the control plane embeds, `time/tzdata`); we check it against the IANA
 * database in Node's ICU: a canonical name, or an alias ICU resolves (US/Eastern), spelled with the capitals
 * IANA uses. See docs/VALIDATION.md for why this database and not the local /usr/share/zoneinfo.
 */
export function timeZoneProblem(zone: string): string | undefined {
  const parts = zone.split('/');
  if (parts.some((c) => c === '.' || c === '..' || c.startsWith('-') || !ZONE_COMPONENT.test(c))) {
    return `"${zone}" is not an IANA time zone name (components of letters, digits, . - _ +, at most 14 characters each)`;
  }
  if (zone.toLowerCase() === 'local') return '"Local" is refused by Kubernetes: name an explicit IANA time zone such as Europe/Berlin';
  const known = canonicalZones();
  if (!known.size) return undefined; // a Node without ICU time zone data: leave it to the API server
  const canonical = known.get(zone.toLowerCase());
  if (canonical === zone) return undefined;
  if (canonical !== undefined) return `"${zone}" is not an IANA time zone: names are case-sensitive (did you mean "${canonical}"?)`;
  if (intlKnows(zone) && parts.every((c) => /^[A-Z]/.test(c))) return undefined;
  return `"${zone}" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)`;
}

/** A path inside a volume: relative, and never `..` (Kubernetes validateLocalDescendingPath for subPath). */
function checkDescending(list: IssueList, path: string, value: string | undefined): void {
  if (value !== undefined && value.split('/').includes('..')) {
    list.add(path, `"${value}" must not contain ".." (it would leave the volume)`);
  }
}

/** The subPaths of a repository's volume: the claim's and the image volume's (both become the model store mount's subPath). */
function checkRepositoryPaths(list: IssueList, base: string, repo: ModelServingSpec['repository'] | undefined): void {
  checkDescending(list, `${base}.pvc.subPath`, repo?.pvc?.subPath);
  checkDescending(list, `${base}.image.subPath`, repo?.image?.subPath);
}

function checkPaths(list: IssueList, spec: ModelServingSpec): void {
  checkRepositoryPaths(list, 'spec.repository', spec.repository);
  spec.models.forEach((m, i) => checkDescending(list, `spec.models[${i}].path`, m.path));
  const tracks = spec.rollout?.strategy === 'canary' ? { canary: spec.rollout.canary } : spec.rollout?.tracks ?? {};
  for (const [key, t] of Object.entries(tracks)) {
    const base = spec.rollout?.strategy === 'canary' ? 'spec.rollout.canary' : `spec.rollout.tracks.${key}`;
    checkRepositoryPaths(list, `${base}.repository`, t?.repository);
  }
  // hostPath paths must not contain '..' either (Kubernetes validateHostPathVolumeSource: validatePathNoBacksteps)
  checkDescending(list, 'spec.edge.hostPathCache', spec.edge?.hostPathCache);
}

const bytes = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

/** Annotations copied onto objects, against the 256 KiB per-object limit. */
function checkAnnotationSize(list: IssueList, doc: ModelServingDocument): void {
  const meta = bytes(doc.metadata.annotations);
  const limit = `Kubernetes allows ${MAX_ANNOTATION_BYTES} bytes (256 KiB) of annotation keys and values per object`;
  if (meta > MAX_ANNOTATION_BYTES) {
    list.add('metadata.annotations', `${meta} bytes: they are copied onto every object, and ${limit}`);
    return;
  }
  const ingress = bytes(doc.spec.ingress?.annotations);
  if (ingress && meta + ingress > MAX_ANNOTATION_BYTES) {
    list.add('spec.ingress.annotations', `${ingress} bytes, with the ${meta} bytes of metadata.annotations on the same Ingress: ${limit}`);
  }
  // the pod template (validated like a pod's metadata: kubernetes ValidatePodTemplateSpec) carries podAnnotations and the config hash
  const pod = bytes(doc.spec.podAnnotations);
  const generated = Buffer.byteLength(CONFIG_HASH_ANNOTATION) + CONFIG_HASH_LENGTH;
  if (pod && pod + generated > MAX_ANNOTATION_BYTES) {
    list.add('spec.podAnnotations', `${pod} bytes, with the ${generated} bytes of the generated ${CONFIG_HASH_ANNOTATION} annotation on the same pod template: ${limit}`);
  }
}

/** A rolling-update or disruption value that means zero pods: 0, "0%", "00%". */
export function isZeroIntOrPercent(v: number | string | undefined): boolean {
  return v === 0 || (typeof v === 'string' && /^0+%$/.test(v));
}

/**
 * Deployment rolling-update bounds (kubernetes pkg/apis/apps/validation ValidateRollingUpdateDeployment):
 * maxUnavailable "may not be 0 when maxSurge is 0" and "should not be more than 100%".
 */
function checkRollingUpdateZero(list: IssueList, spec: ModelServingSpec): void {
  const ru = spec.rollingUpdate;
  // unset: maxSurge defaults to 0 and maxUnavailable to 1 (workload.ts, schema @default)
  if (ru && isZeroIntOrPercent(ru.maxSurge ?? 0) && isZeroIntOrPercent(ru.maxUnavailable ?? 1)) {
    list.add('spec.rollingUpdate', `maxSurge (${ru.maxSurge ?? '0, the default'}) and maxUnavailable (${ru.maxUnavailable}) cannot both be 0: the rollout could never progress`);
  }
}
function checkRollingUpdatePercent(list: IssueList, spec: ModelServingSpec): void {
  const u = spec.rollingUpdate?.maxUnavailable;
  if (typeof u === 'string' && Number(u.slice(0, -1)) > 100) list.add('spec.rollingUpdate.maxUnavailable', `(${u}) must not be more than 100%`);
}

/** The rules of this file, in the form rules.ts runs them. */
export const INPUT_RULES: readonly ((list: IssueList, doc: ModelServingDocument, options: ValidateOptions) => void)[] = [
  (l, d) => {
    const r = d.spec.resources?.gpu?.resourceName;
    const problem = r === undefined ? undefined : extendedResourceNameProblem(r);
    if (problem) l.add('spec.resources.gpu.resourceName', problem);
  },
  (l, d) => checkServiceName(l, d),
  (l, d) => checkRollingUpdateZero(l, d.spec),
  (l, d) => checkRollingUpdatePercent(l, d.spec),
  (l, d) => checkTolerations(l, 'spec.tolerations', d.spec.tolerations),
  (l, d) => checkTolerations(l, 'spec.edge.tolerations', d.spec.edge?.tolerations),
  (l, d) => {
    const z = d.spec.batch?.timeZone;
    const problem = z === undefined ? undefined : timeZoneProblem(z);
    if (problem) l.add('spec.batch.timeZone', problem);
  },
  (l, d) => checkPaths(l, d.spec),
  (l, d) => checkAnnotationSize(l, d),
  tolerantRule((l, d) => checkSecrets(l, d)),
];
