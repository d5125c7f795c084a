/**
 * PromQL syntax check at synth time, with Prometheus' own Lezer grammar (`@prometheus-io/lezer-promql`,
 * the parser of the Prometheus web UI). A generated rule that does not parse is a synth error naming the
 * rule, never a broken PrometheusRule in the cluster.
 *
 * The package is `"type": "module"` but ships a CommonJS build (`exports.require` -> `dist/index.cjs`), so it
 * loads with `require` from this CommonJS project; only its types are imported as ESM (erased at compile time).
 */
import type * as LezerPromql from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };

// loaded on first use: `model-serving validate` parses PromQL only for a spec that sets autoscaling.keda.query
let lezer: typeof LezerPromql | undefined;
const promqlParser = () => (lezer ??= require('@prometheus-io/lezer-promql') as typeof LezerPromql).parser;

/**
 * The expression with the contents of its string literals removed; undefined when a literal is not closed on
 * its line. The grammar's StringLiteral token takes any content (`promql.grammar`), so the parse tree, and every
 * problem found below, depends only on this shape. Generated expressions differ between specs only in label
 * values, so a shape that parsed once is not parsed again (docs/PERFORMANCE.md).
 */
function shapeOf(text: string): string | undefined {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const q = text[i];
    if (q === '#') {
      const end = text.indexOf('\n', i); // a comment runs to the end of the line; quotes in it are not literals
      i = (end < 0 ? text.length : end) - 1;
    } else if (q === '"' || q === "'" || q === '`') {
      let j = i + 1;
      for (; j < text.length && text[j] !== q; j += q !== '`' && text[j] === '\\' ? 2 : 1) {
        if (q !== '`' && text[j] === '\n') return undefined;
      }
      if (j >= text.length) return undefined;
      out += text.slice(from, i + 1) + q;
      from = j + 1;
      i = j;
    }
  }
  return out + text.slice(from);
}
const VALID_SHAPES = new Set<string>();

/**
 * Functions whose argument must be a range vector (`x[5m]` or a subquery). The grammar accepts `rate(x)`;
 * Prometheus refuses it at load time, so it is checked here too.
 */
const RANGE_FUNCTIONS = new Set([
  'Rate', 'Irate', 'Increase', 'Delta', 'Idelta', 'Deriv', 'Changes', 'Resets', 'PredictLinear', 'HoltWinters',
  'DoubleExponentialSmoothing', 'AvgOverTime', 'MinOverTime', 'MaxOverTime', 'SumOverTime', 'CountOverTime',
  'QuantileOverTime', 'StddevOverTime', 'StdvarOverTime', 'LastOverTime', 'PresentOverTime', 'AbsentOverTime',
  'MadOverTime', 'FirstOverTime',
]);

/** Grafana's interval variables, replaced by a duration before a dashboard query is parsed. */
const GRAFANA_INTERVALS = /\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g;

function describeAt(expr: string, pos: number): string {
  const near = expr.slice(pos, pos + 20);
  return `at column ${pos + 1}${near ? ` (near ${JSON.stringify(near)})` : ' (at the end)'}`;
}

/**
 * The syntax problems of one PromQL expression (empty when it parses). Grafana interval variables
 * (`$__rate_interval`) are accepted as durations so dashboard queries can be checked too.
 */
export function promqlProblems(expr: string): string[] {
  const text = expr.replace(GRAFANA_INTERVALS, '5m');
  if (text.trim() === '') return ['the expression is empty'];
  const problems: string[] = [];
  const shape = shapeOf(text);
  if (shape !== undefined && VALID_SHAPES.has(shape)) return [];
  const cursor = promqlParser().parse(text).cursor();
  do {
    if (cursor.type.isError) {
      problems.push(`syntax error ${describeAt(text, cursor.from)}`);
      break; // the first error is the useful one; the rest follow from it
    }
    if (cursor.name === 'FunctionIdentifier') {
      const fn = cursor.node.firstChild?.name ?? '';
      const body = cursor.node.nextSibling;
      const arg = body?.firstChild;
      if (RANGE_FUNCTIONS.has(fn) && arg && !['MatrixSelector', 'SubqueryExpr'].includes(arg.name)) {
        problems.push(`${text.slice(cursor.from, cursor.to)}() needs a range vector such as x[5m] ${describeAt(text, arg.from)}`);
      }
    }
  } while (cursor.next());
  if (!problems.length && shape !== undefined && VALID_SHAPES.size < 10_000) VALID_SHAPES.add(shape);
  return problems;
}

/** One expression to check and the name it is reported under (e.g. `PrometheusRule ml/m: alert ModelServingDown`). */
export interface NamedExpression {
  readonly name: string;
  readonly expr: string;
}

/** Thrown when generated PromQL does not parse: every bad expression, each with its name. */
export class PromqlError extends Error {
  constructor(readonly problems: readonly { name: string; expr: string; message: string }[]) {
    super(problems.map((p) => `${p.name}: invalid PromQL, ${p.message}: ${p.expr}`).join('\n'));
    this.name = 'PromqlError';
  }
}

/** Checks every expression; throws one PromqlError listing all that do not parse. */
export function assertValidPromql(exprs: readonly NamedExpression[]): void {
  const problems = exprs.flatMap((e) => promqlProblems(e.expr).map((message) => ({ name: e.name, expr: e.expr, message })));
  if (problems.length) throw new PromqlError(problems);
}
