/**
 * CEL device selectors (Dynamic Resource Allocation, resource.k8s.io/v1 `exactly.selectors[].cel.expression`),
 * checked when the spec is validated: parsed with @bufbuild/cel (Buf's CEL implementation, tested against the
 * cel-spec conformance suite) and walked for the variables they use. The API server's environment for these
 * expressions declares exactly one variable, `device` (kubernetes/api resource/v1 `CELDeviceSelector`), so any
 * other free identifier is an error the scheduler would report only when it tries to allocate.
 *
 * This is not the API server's type checker (its environment also has the Kubernetes CEL libraries: semver,
 * quantity, cel.bind, which @bufbuild/cel does not declare). What is checked besides the syntax and the variable:
 * the fields read from `device` (its declared type, kubernetes.DRADevice in
 * k8s.io/dynamic-resource-allocation/cel/compile.go, has driver, attributes, capacity and, with the
 * DRAConsumableCapacity feature, allowMultipleAllocations), and a result whose type is known without a type checker
 * and is not a bool (a literal, a list or map, device.driver, device.attributes, device.capacity): the API server
 * accepts only a bool or the unknown type (an attribute's value is of unknown type until the device is seen).
 */
import { parse } from '@bufbuild/cel';

/** kubernetes/api resource/v1 CELSelectorExpressionMaxLength. */
export const CEL_SELECTOR_MAX_LENGTH = 10 * 1024;
/** The one variable of a DRA device selector. */
export const DEVICE_VARIABLE = 'device';
/** The fields of `device` (kubernetes.DRADevice, k8s.io/dynamic-resource-allocation/cel/compile.go). */
export const DEVICE_FIELDS = ['driver', 'attributes', 'capacity', 'allowMultipleAllocations'] as const;

type Expr = ReturnType<typeof parse>['expr'];

/**
 * Calls `visit` on every node of an expression with the identifiers bound there (macro loop variables are bound
 * inside their comprehension).
 */
function walk(e: Expr | undefined, bound: ReadonlySet<string>, visit: (e: Expr, bound: ReadonlySet<string>) => void): void {
  if (!e) return;
  visit(e, bound);
  const k = e.exprKind;
  switch (k.case) {
    case 'selectExpr':
      walk(k.value.operand, bound, visit);
      return;
    case 'callExpr':
      walk(k.value.target, bound, visit);
      for (const a of k.value.args) walk(a, bound, visit);
      return;
    case 'listExpr':
      for (const a of k.value.elements) walk(a, bound, visit);
      return;
    case 'structExpr':
      for (const en of k.value.entries) {
        if (en.keyKind.case === 'mapKey') walk(en.keyKind.value, bound, visit);
        walk(en.value, bound, visit);
      }
      return;
    case 'comprehensionExpr': {
      const c = k.value;
      walk(c.iterRange, bound, visit);
      walk(c.accuInit, bound, visit);
      const inner = new Set([...bound, c.iterVar, c.accuVar, ...(c.iterVar2 ? [c.iterVar2] : [])]);
      walk(c.loopCondition, inner, visit);
      walk(c.loopStep, inner, visit);
      walk(c.result, inner, visit);
      return;
    }
    default:
      return;
  }
}

/** Free identifiers of an expression. */
function freeIdentifiers(e: Expr | undefined, out: Set<string>): void {
  walk(e, new Set(), (x, bound) => {
    if (x.exprKind.case === 'identExpr' && !bound.has(x.exprKind.value.name)) out.add(x.exprKind.value.name);
  });
}

/** `device.<field>` reads of the free variable `device` whose field the device type does not have. */
function unknownDeviceFields(e: Expr | undefined, out: Set<string>): void {
  walk(e, new Set(), (x, bound) => {
    if (x.exprKind.case !== 'selectExpr') return;
    const op = x.exprKind.value.operand?.exprKind;
    if (op?.case === 'identExpr' && op.value.name === DEVICE_VARIABLE && !bound.has(DEVICE_VARIABLE)
      && !(DEVICE_FIELDS as readonly string[]).includes(x.exprKind.value.field)) out.add(x.exprKind.value.field);
  });
}

const CONST_TYPES: Record<string, string> = {
  nullValue: 'null', int64Value: 'int', uint64Value: 'uint', doubleValue: 'double', stringValue: 'string', bytesValue: 'bytes',
};

/** `f` when `e` is `device.f` (device not rebound). */
function deviceField(e: Expr | undefined): string | undefined {
  const k = e?.exprKind;
  if (k?.case !== 'selectExpr' || k.value.testOnly) return undefined;
  const op = k.value.operand?.exprKind;
  return op?.case === 'identExpr' && op.value.name === DEVICE_VARIABLE ? k.value.field : undefined;
}

/** The result type of a top-level expression when it is known without a type checker and is not bool; else undefined. */
function knownNonBoolType(e: Expr | undefined): string | undefined {
  const k = e?.exprKind;
  if (!k) return undefined;
  if (k.case === 'constExpr') return CONST_TYPES[k.value.constantKind.case ?? ''];
  if (k.case === 'listExpr') return 'list';
  if (k.case === 'structExpr') return k.value.messageName ? undefined : 'map';
  const field = deviceField(e);
  if (field !== undefined) return ({ driver: 'string', attributes: 'map', capacity: 'map' } as Record<string, string>)[field];
  // device.attributes[domain] and device.capacity[domain] are maps of name to value
  if (k.case === 'callExpr' && k.value.function === '_[_]' && ['attributes', 'capacity'].includes(String(deviceField(k.value.args[0])))) return 'map';
  return undefined;
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
  freeIdentifiers(expr, free);
  free.delete(DEVICE_VARIABLE);
  const out: string[] = [];
  if (free.size) out.push(`refers to ${[...free].map((n) => `"${n}"`).join(', ')}: a device selector can use only the variable "${DEVICE_VARIABLE}" (device.driver, device.attributes, device.capacity)`);
  const fields = new Set<string>();
  unknownDeviceFields(expr, fields);
  if (fields.size) {
    out.push(`reads ${[...fields].map((f) => `device.${f}`).join(', ')}: a device has only ${DEVICE_FIELDS.map((f) => `device.${f}`).join(', ')}; ` +
      'attributes and capacity are maps keyed by domain, then name (device.attributes[\'gpu.nvidia.com\'].productName)');
  }
  const type = knownNonBoolType(expr);
  if (type !== undefined) out.push(`evaluates to ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}, not a bool: the API server accepts a selector only when its result is a bool; compare it, e.g. device.driver == 'gpu.nvidia.com'`);
  return out;
}
