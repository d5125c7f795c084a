/**
 * One-pass validation: the cross-field rules also run on a document that failed the schema, so a spec
 * gets its schema errors and its rule errors in one run. Each rule reads the document through a view that
 * records the paths it reads; a rule that read a field the schema refused (or that threw on it) is dropped,
 * because its verdict would rest on a value that is not well-formed. Every other rule's issues are kept.
 */
import type { ModelServingDocument } from './schema/spec';
import { IssueList, SpecIssue } from './errors';
import type { ValidateOptions } from './load';
import type { Rule } from './rules';

const TOLERANT = new WeakSet<Rule>();
/** Marks a rule that reads the whole document but judges each value on its own (e.g. a scan of every string). */
export function tolerantRule(rule: Rule): Rule {
  TOLERANT.add(rule);
  return rule;
}

/** A JSON pointer is at or below another (`/spec/a` is at or below `/spec/a` and `/spec`). */
const within = (p: string, base: string) => p === base || p.startsWith(`${base}/`);
const escapeSegment = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** A read-only view of `root` that calls `onRead(pointer)` for every property read. */
function trackedView<T extends object>(root: T, onRead: (pointer: string) => void): T {
  const cache = new Map<string, object>();
  const view = (target: object, pointer: string): object => {
    const hit = cache.get(pointer);
    if (hit) return hit;
    const proxy = new Proxy(target, {
      get(t, prop, receiver) {
        const value = Reflect.get(t, prop, receiver);
        if (typeof prop !== 'string') return value;
        const own = Object.prototype.hasOwnProperty.call(t, prop);
        // array methods and `length` are not fields; reading an index or a key is
        if (!own && Array.isArray(t)) return value;
        const child = `${pointer}/${escapeSegment(prop)}`;
        onRead(child);
        if (!own || value === null || typeof value !== 'object') return value;
        const d = Object.getOwnPropertyDescriptor(t, prop);
        if (d && !d.configurable && !d.writable) return value; // a frozen property must be returned as it is
        return view(value, child);
      },
      has(t, prop) {
        if (typeof prop === 'string') onRead(`${pointer}/${escapeSegment(prop)}`);
        return Reflect.has(t, prop);
      },
      ownKeys(t) {
        // listing the keys reads the whole object (Object.entries, spreads, JSON.stringify)
        onRead(`${pointer}/*`);
        return Reflect.ownKeys(t);
      },
      set: () => false,
      deleteProperty: () => false,
      defineProperty: () => false,
    });
    cache.set(pointer, proxy);
    return proxy;
  };
  return view(root, '') as T;
}

/**
 * Runs `rules` on a document that failed the schema at `badPointers` (JSON pointers of the schema errors).
 * Returns the issues of every rule that neither read a refused field nor threw, minus issues at a path the
 * schema already reported (a missing or malformed field is one error, not two).
 */
export function runRulesOnPartial(
  doc: ModelServingDocument, options: ValidateOptions, badPointers: readonly string[],
  rules: readonly Rule[], reported: readonly (SpecIssue & { readonly unknownField?: boolean })[],
): SpecIssue[] {
  const out: SpecIssue[] = [];
  const done = new IssueList();
  for (const rule of rules) {
    let tainted = false;
    const view = trackedView(doc, (p) => {
      if (tainted) return;
      if (p.endsWith('/*')) {
        // the rule listed an object's keys: tainted when a refused field lies inside it
        const base = p.slice(0, -2);
        tainted = badPointers.some((b) => within(b, base));
      } else tainted = badPointers.some((b) => within(p, b));
    });
    const list = new IssueList();
    try {
      rule(list, view, options);
    } catch {
      continue;
    }
    if (!tainted || TOLERANT.has(rule)) done.items.push(...list.items);
  }
  // a rule's issue at or inside a field the schema reported repeats it; one at a parent of a malformed field
  // (not of an unknown one, which no rule reads) would judge a half-read object
  const under = (p: string, base: string) => p === base || p.startsWith(`${base}.`) || p.startsWith(`${base}[`);
  const related = (path: string) => reported.some((s) => under(path, s.path) || (!s.unknownField && under(s.path, path)));
  for (const i of done.items) if (!related(i.path)) out.push(i);
  return out;
}
