/** Spec problems: each names a field path and a rule; the CLI adds the file. */

/** One broken rule at one field path, e.g. `spec.autoscaling.maxReplicas`. */
export interface SpecIssue {
  readonly path: string;
  readonly message: string;
  /** The file, when one error gathers the problems of several files. */
  readonly file?: string;
}

/** Thrown when a spec breaks one or more rules. `issues` holds every problem, not only the first. */
export class SpecError extends Error {
  constructor(readonly issues: readonly SpecIssue[], readonly file?: string) {
    super(formatIssues(issues, file));
    this.name = 'SpecError';
  }
}

/** `file: path: message`, one line per issue. */
export function formatIssues(issues: readonly SpecIssue[], file?: string): string {
  return issues.map((i) => `${i.file ?? file ? `${i.file ?? file}: ` : ''}${i.path ? `${i.path}: ` : ''}${i.message}`).join('\n');
}

/** JSON pointer (`/spec/models/0/name`) to the user's notation (`spec.models[0].name`). */
export function pointerToPath(pointer: string): string {
  if (!pointer) return '';
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => {
      if (/^\d+$/.test(seg)) return `${acc}[${seg}]`;
      if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(seg)) return acc ? `${acc}.${seg}` : seg;
      return `${acc}[${JSON.stringify(seg)}]`;
    }, '');
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
