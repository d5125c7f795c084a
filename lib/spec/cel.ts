/**
 * CEL device selectors (Dynamic Resource Allocation, resource.k8s.io/v1 `exactly.selectors[].cel.expression`),
 * checked when the spec is validated: parsed with @bufbuild/cel (Buf's CEL implementation, tested against the
 * cel-spec conformance suite) and walked for the variables they use. The API server's environment for these
 * expressions declares exactly one variable, `device` (kubernetes/api resource/v1 `CELDeviceSelector`), so any
 * other free identifier is an error the scheduler would report only when it tries to allocate.
 */
import { parse } from '@bufbuild/cel';

/** kubernetes/api resource/v1 CELSelectorExpressionMaxLength. */
export const CEL_SELECTOR_MAX_LENGTH = 10 * 1024;
/** The one variable of a DRA device selector. */
export const DEVICE_VARIABLE = 'device';

type Expr = ReturnType<typeof parse>['expr'];

/** Free identifiers of an expression (macro loop variables are bound inside their comprehension). */
function freeIdentifiers(e: Expr | undefined, bound: ReadonlySet<string>, out: Set<string>): void {
  if (!e) return;
  const k = e.exprKind;
  switch (k.case) {
    case 'identExpr':
      if (!bound.has(k.value.name)) out.add(k.value.name);
      return;
    case 'selectExpr':
      freeIdentifiers(k.value.operand, bound, out);
      return;
    case 'callExpr':
      freeIdentifiers(k.value.target, bound, out);
      for (const a of k.value.args) freeIdentifiers(a, bound, out);
      return;
    case 'listExpr':
      for (const a of k.value.elements) freeIdentifiers(a, bound, out);
      return;
    case 'structExpr':
      for (const en of k.value.entries) {
        if (en.keyKind.case === 'mapKey') freeIdentifiers(en.keyKind.value, bound, out);
        freeIdentifiers(en.value, bound, out);
      }
      return;
    case 'comprehensionExpr': {
      const c = k.value;
      freeIdentifiers(c.iterRange, bound, out);
      freeIdentifiers(c.accuInit, bound, out);
      const inner = new Set([...bound, c.iterVar, c.accuVar, ...(c.iterVar2 ? [c.iterVar2] : [])]);
      freeIdentifiers(c.loopCondition, inner, out);
      freeIdentifiers(c.loopStep, inner, out);
      freeIdentifiers(c.result, inner, out);
      return;
    }
    default:
      return;
  }
}

/** Problems with one device selector expression (empty when it is usable). */
export function celSelectorProblems(expression: string): string[] {
  if (expression.length > CEL_SELECTOR_MAX_LENGTH) return [`is ${expression.length} characters long; the API server accepts at most ${CEL_SELECTOR_MAX_LENGTH}`];
  let expr: Expr;
  try {
    expr = parse(expression).expr;
  } catch (e) {
    // "<input>:1:18: found [ but expecting end of input" -> "line 1, column 18: ..."
    const msg = String((e as Error).message).replace(/^<input>:(\d+):(\d+):\s*/, 'line $1, column $2: ');
    return [`is not a CEL expression: ${msg}`];
  }
  const free = new Set<string>();
  freeIdentifiers(expr, new Set(), free);
  free.delete(DEVICE_VARIABLE);
  return free.size ? [`refers to ${[...free].map((n) => `"${n}"`).join(', ')}: a device selector can use only the variable "${DEVICE_VARIABLE}" (device.driver, device.attributes, device.capacity)`] : [];
}
