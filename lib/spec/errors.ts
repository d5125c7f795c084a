/** Spec problems: each names a field path and a rule; the CLI adds the file. */

/** One broken rule at one field path, e.g. `spec.autoscaling.maxReplicas`. */
export interface SpecIssue {
  readonly path: string;
  readonly message: string;
  /** The file, when one error gathers the problems of several files. */
  readonly file?: string;
  /** The file could not be read (an IO problem, not an invalid spec): the CLI exits 2 instead of 1. */
  readonly io?: boolean;
}

/**
 * Thrown when a spec breaks one or more rules. `issues` holds every problem, not only the first, with
 * credentials in quoted values masked (`redactIssue`), as in the message.
 */
export class SpecError extends Error {
  readonly issues: readonly SpecIssue[];
  /**
   * The documents of the failing file whose `metadata.name` is valid, valid or not otherwise (file, 1-based
   * index, name): cross-file name checks still run on them, so one run reports a clash next to other problems.
   */
  named?: readonly { readonly name: string; readonly file?: string; readonly index: number }[];
  constructor(issues: readonly SpecIssue[], readonly file?: string) {
    super(formatIssues(issues, file));
    this.issues = issues.map(redactIssue);
    this.name = 'SpecError';
  }
}

/**
 * `scheme://user:password@` in any text: the userinfo of a URL, up to the last `@` before the host (a password
 * may hold `@`). A userinfo without `:` is masked whole (`https://<token>@github.com`). A scheme starts where a run
 * of scheme characters starts, so the scan takes linear time on long text.
 */
const URL_USERINFO = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)([^\s/?#]*)@/gi;
/**
 * `user:password@registry/...`, an image reference with credentials (up to the last `@` before the registry), as a word of its own (at the start, or after
 * white space or a quote; a quote inside the password is only seen escaped, `\"`). A digest `name:tag@sha256:...`
 * has no `/` after the `@`, so it is kept.
 */
const IMAGE_USERINFO = /(^|[\s"'`])([^\s"'`/@:\\]+):(?:[^\s"'`/\\]|\\.)*@(?=[^\s/@]+\/)/g;

/**
 * Text with every credential masked: `scheme://user:***@host`, `user:***@registry/image`. Every printed issue
 * passes through it (formatIssues, SpecError.issues, the CLI's JSON), so a rule that quotes the user's value
 * (a schema pattern, an unpinned image) never prints a password the user wrote into the spec.
 */
export function redactCredentials(text: string): string {
  return text
    .replace(URL_USERINFO, (_m, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return `${scheme}${colon < 0 ? '***' : `${userinfo.slice(0, colon)}:***`}@`;
    })
    .replace(IMAGE_USERINFO, (_m, before: string, user: string) => `${before}${user}:***@`);
}

/** An issue as it may be printed or handed on: credentials masked in its file, path and message. */
export function redactIssue(i: SpecIssue): SpecIssue {
  return {
    ...i,
    path: redactCredentials(i.path),
    message: redactCredentials(i.message),
    ...(i.file !== undefined ? { file: redactCredentials(i.file) } : {}),
  };
}

/**
 * Characters a terminal acts on or that change how a line reads: C0 and C1 controls (ESC starts colour,
 * cursor and title sequences; CR and LF start a new line that could forge a `valid` line), DEL, the Unicode
 * line and paragraph separators, and the bidirectional overrides and isolates ("Trojan Source", CVE-2021-42574).
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** User text made safe to print on one terminal line: each unsafe character is written as an escape (`\n`, `\e`, `\u202e`). */
export function escapeText(s: string): string {
  return s.replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** True when the text holds a character `escapeText` rewrites. */
export function hasUnsafeText(s: string): boolean {
  UNSAFE.lastIndex = 0;
  const r = UNSAFE.test(s);
  UNSAFE.lastIndex = 0;
  return r;
}

/**
 * A value as a message quotes it. JSON would print infinity and NaN as `null`, so they are named: `source`
 * is the text the user wrote (`1e309`, `.inf`, `.nan`), when the YAML parser kept it.
 */
export function describeValue(v: unknown, source?: string): string {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    const what = Number.isNaN(v) ? 'not a number' : v > 0 ? 'infinity' : 'minus infinity';
    const text = source ?? (Number.isNaN(v) ? 'NaN' : String(v));
    return `${text}, which is ${what}`;
  }
  // a number as written: 9007199254740993 parses to ...992, 0x10 to 16
  if (typeof v === 'number' && source !== undefined) return source;
  if (typeof v === 'bigint') return `${v}`;
  return JSON.stringify(v) ?? String(v);
}

/**
 * `file: path: message`, one line per issue; user text has its control characters escaped and its credentials
 * masked (`redactCredentials`).
 */
export function formatIssues(issues: readonly SpecIssue[], file?: string): string {
  return issues.map((i) => escapeText(redactCredentials(`${i.file ?? file ? `${i.file ?? file}: ` : ''}${i.path ? `${i.path}: ` : ''}${i.message}`))).join('\n');
}

/** JSON pointer (`/spec/models/0/name`) to the user's notation (`spec.models[0].name`). */
export function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  return pointerSegments(pointer).reduce((acc, seg) => {
    if (/^\d+$/.test(seg)) return `${acc}[${seg}]`;
    if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) return acc ? `${acc}.${seg}` : seg;
    return `${acc}[${JSON.stringify(seg)}]`;
  }, '');
}

/** The segments of a JSON pointer (`/spec/models/0` -> `['spec', 'models', '0']`). */
export function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Collects issues under a path prefix. */
export class IssueList {
  readonly items: SpecIssue[] = [];
  add(path: string, message: string): void {
    this.items.push({ path, message });
  }
  get ok(): boolean {
    return this.items.length === 0;
  }
}
