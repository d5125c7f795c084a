/**
 * Scoping a user's PromQL query to one rollout track: every vector selector that names this spec's metrics job
 * (`job="<name>-metrics"`) gets the track's series matcher (`model_serving_track="<track>"`), so each track's
 * autoscaler reads its own pods' load. Parsed with Prometheus' own Lezer grammar (as in promql.ts); the query
 * text is otherwise left exactly as written.
 */
import type * as LezerPromql from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };

let lezer: typeof LezerPromql | undefined;
const promqlParser = () => (lezer ??= require('@prometheus-io/lezer-promql') as typeof LezerPromql).parser;

/** What scoping found in a query. */
export interface TrackScope {
  /** The query with the track matcher added to each selector of the job. */
  readonly query: string;
  /** How many selectors name the job (and got the matcher). */
  readonly scoped: number;
  /** Whether a selector already matches on the track label itself. */
  readonly presetTrack: boolean;
}

/** The value of a PromQL string literal ("…", '…' or `…`). */
function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return literal[0] === '`' ? body : body.replace(/\\(.)/g, '$1');
}

/**
 * Adds `trackLabel="trackValue"` to every selector of `query` that has the matcher `job="<job>"` (an equality
 * matcher). A selector that already matches on `trackLabel` is reported (`presetTrack`) and left as it is.
 */
export function scopeQueryToTrack(query: string, job: string, trackLabel: string, trackValue: string): TrackScope {
  const inserts: number[] = [];
  let presetTrack = false;
  const cursor = promqlParser().parse(query).cursor();
  do {
    if (cursor.name !== 'LabelMatchers') continue;
    const node = cursor.node;
    let ofJob = false;
    let hasTrack = false;
    for (let m = node.firstChild; m; m = m.nextSibling) {
      if (m.name !== 'UnquotedLabelMatcher') continue;
      const name = m.getChild('LabelName');
      const op = m.getChild('MatchOp');
      const value = m.getChild('StringLiteral');
      if (!name || !op || !value) continue;
      const label = query.slice(name.from, name.to);
      if (label === trackLabel) hasTrack = true;
      if (label === 'job' && query.slice(op.from, op.to) === '=' && unquote(query.slice(value.from, value.to)) === job) ofJob = true;
    }
    if (!ofJob) continue;
    if (hasTrack) presetTrack = true;
    else inserts.push(node.to - 1); // before the closing brace
  } while (cursor.next());
  let out = query;
  for (const at of inserts.sort((a, b) => b - a)) {
    const before = out.slice(0, at).trimEnd();
    const sep = before.endsWith(',') || before.endsWith('{') ? '' : ',';
    out = `${before}${sep}${trackLabel}="${trackValue}"${out.slice(at)}`;
  }
  return { query: out, scoped: inserts.length, presetTrack };
}
