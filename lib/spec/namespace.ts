/**
 * `--namespace NS` (the CLI) puts every spec in NS, the way `helm --namespace` does: metadata.namespace is
 * replaced before validation, so every object, generated PromQL matcher, ServiceMonitor namespaceSelector,
 * in-cluster URL and dashboard follows it. The one place a user writes our namespace by hand, a KEDA query,
 * has its `namespace="<old>"` matchers moved too (found with Prometheus' own PromQL grammar, never by text search).
 */
import type * as LezerPromql from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };

let lezer: typeof LezerPromql | undefined;
const promqlParser = () => (lezer ??= require('@prometheus-io/lezer-promql') as typeof LezerPromql).parser;

/** The value of a PromQL string literal ("...", '...' or `...`), for a plain name. */
function literal(text: string): string | undefined {
  if (text.startsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return undefined;
    }
  }
  return text.length >= 2 ? text.slice(1, -1) : undefined;
}

/**
 * The query with every `namespace="from"` (and `namespace=~"from"`) matcher set to `to`; other matchers,
 * and a query that does not parse, are left as written (validation reports the latter).
 */
export function retargetNamespaceMatchers(query: string, from: string, to: string): string {
  const tree = promqlParser().parse(query);
  const edits: [number, number][] = [];
  tree.iterate({
    enter: (n) => {
      if (n.name !== 'UnquotedLabelMatcher' && n.name !== 'QuotedLabelMatcher') return;
      const name = n.node.getChild('LabelName') ?? n.node.getChild('QuotedLabelName');
      const op = n.node.getChild('MatchOp');
      const values = n.node.getChildren('StringLiteral');
      const value = values[values.length - 1];
      if (!name || !op || !value) return;
      const labelText = query.slice(name.from, name.to);
      const label = name.name === 'QuotedLabelName' ? literal(labelText) : labelText;
      const opText = query.slice(op.from, op.to);
      if (label === 'namespace' && (opText === '=' || opText === '=~') && literal(query.slice(value.from, value.to)) === from) {
        edits.push([value.from, value.to]);
      }
    },
  });
  let out = query;
  for (const [a, b] of edits.reverse()) out = `${out.slice(0, a)}${JSON.stringify(to)}${out.slice(b)}`;
  return out;
}

const isMap = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Puts a parsed (not yet validated) document in `namespace`. */
export function applyNamespace(raw: unknown, namespace: string): void {
  if (!isMap(raw) || !isMap(raw.metadata)) return;
  const from = typeof raw.metadata.namespace === 'string' ? raw.metadata.namespace : 'default';
  raw.metadata.namespace = namespace;
  const keda = isMap(raw.spec) && isMap(raw.spec.autoscaling) && isMap(raw.spec.autoscaling.keda) ? raw.spec.autoscaling.keda : undefined;
  if (keda && typeof keda.query === 'string' && keda.query.trim() !== '' && from !== namespace) {
    keda.query = retargetNamespaceMatchers(keda.query, from, namespace);
  }
}
