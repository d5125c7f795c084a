/** Kubernetes label keys and values (apimachinery validation: qualified names, label values). */
import type { IssueList } from './errors';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Label keys this library sets itself; a user label with one of them would break selectors. */
const RESERVED_PREFIXES = ['app.kubernetes.io/', 'model-serving/'];

/** Problems with a qualified name (`prefix/name` or `name`), the form of label and annotation keys. */
export function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'may contain at most one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && (prefix.length > 253 || !SUBDOMAIN.test(prefix))) return `prefix "${prefix}" must be a DNS subdomain`;
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `name part "${name}" must be 1-63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit`;
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !NAME.test(value)) return `"${value}" must be at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit`;
  return undefined;
}

/** Checks a label map (labels, nodeSelector); `reserved` refuses the keys this library owns. */
export function checkLabelMap(list: IssueList, path: string, map: Record<string, string> | undefined, reserved: boolean): void {
  for (const [k, v] of Object.entries(map ?? {})) {
    const p = `${path}[${JSON.stringify(k)}]`;
    const kp = qualifiedNameProblem(k);
    if (kp) list.add(p, `label key ${kp}`);
    const vp = labelValueProblem(v);
    if (vp) list.add(p, `label value ${vp}`);
    if (reserved && RESERVED_PREFIXES.some((r) => k.startsWith(r))) {
      list.add(p, `label key "${k}" is set by cdk8s-model-serving (selectors depend on it); choose another key`);
    }
  }
}

/** Checks annotation keys. */
export function checkAnnotationKeys(list: IssueList, path: string, map: Record<string, string> | undefined): void {
  for (const k of Object.keys(map ?? {})) {
    const kp = qualifiedNameProblem(k);
    if (kp) list.add(`${path}[${JSON.stringify(k)}]`, `annotation key ${kp}`);
  }
}
