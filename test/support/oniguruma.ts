/**
 * A real Oniguruma engine (vscode-oniguruma, the WASM build of kkos/oniguruma) for testing the log patterns, in
 * Ruby syntax as Fluentd (Ruby's Onigmo) and Fluent Bit (Onigmo, Ruby mode) compile them. Oniguruma reports
 * capture offsets only, so group names are read from the pattern: the patterns use named groups and `(?:...)` only
 * (Fluent Bit takes named groups), which `groupNames` checks.
 */
import { readFileSync } from 'node:fs';
import * as onig from 'vscode-oniguruma';

/** vscode-oniguruma `Syntax.Ruby` and `FindOption.CaptureGroup` (const enums in its typings). */
const SYNTAX_RUBY = 10;
const OPTION_CAPTURE_GROUP = 10;

let loaded: Promise<void> | undefined;

/** Loads the WASM engine once. */
export function loadOniguruma(): Promise<void> {
  loaded ??= onig.loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer as ArrayBuffer);
  return loaded;
}

/**
 * The names of the capturing groups of a pattern, in the order Oniguruma numbers them. A plain `(` group is an
 * error: it would be numbered without a name (and Fluent Bit would ignore it).
 */
export function groupNames(pattern: string): string[] {
  const names: string[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') { i++; continue; }
    if (inClass) { if (c === ']') inClass = false; continue; }
    if (c === '[') { inClass = true; if (pattern[i + 1] === '^') i++; if (pattern[i + 1] === ']') i++; continue; }
    if (c !== '(') continue;
    if (pattern[i + 1] !== '?') throw new Error(`unnamed capturing group at ${i} in ${pattern}`);
    const named = /^\(\?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(pattern.slice(i));
    if (named) names.push(named[1]);
  }
  return names;
}

/** A compiled pattern that returns its named captures. */
export class OnigRegex {
  private readonly scanner: onig.OnigScanner;
  readonly names: string[];

  constructor(readonly pattern: string) {
    this.names = groupNames(pattern);
    this.scanner = new onig.OnigScanner([pattern], { syntax: SYNTAX_RUBY, options: [OPTION_CAPTURE_GROUP] } as any);
  }

  /** Whether the pattern matches anywhere in `text` (as Ruby's `Regexp#match?` and Onigmo's onig_search). */
  test(text: string): boolean {
    return this.scanner.findNextMatchSync(text, 0) !== null;
  }

  /** The named groups that took part in the match (Fluentd and Fluent Bit skip the others), or undefined. */
  match(text: string): Record<string, string> | undefined {
    const m = this.scanner.findNextMatchSync(text, 0);
    if (!m) return undefined;
    const out: Record<string, string> = {};
    this.names.forEach((name, i) => {
      const c = m.captureIndices[i + 1];
      // a group that did not take part reports start 2^32-1; with a repeated group the last repetition counts
      if (c && c.start <= text.length && !(name in out && c.length === 0)) out[name] = text.slice(c.start, c.end);
    });
    return out;
  }
}

/** Parses a record with the first pattern that matches (Fluentd multi_format, Fluent Bit's list of parsers). */
export function parseRecord(patterns: readonly OnigRegex[], record: string): Record<string, string> | undefined {
  for (const p of patterns) {
    const m = p.match(record);
    if (m) return m;
  }
  return undefined;
}
