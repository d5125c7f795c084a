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

/** `device.<field>` reads of the free variable `device` whose field the device type does not have. */
function unknownDeviceFields(e: Expr | undefined, bound: ReadonlySet<string>, out: Set<string>): void {
  if (!e) return;
  const k = e.exprKind;
  switch (k.case) {
    case 'selectExpr': {
      const op = k.value.operand?.exprKind;
      if (op?.case === 'identExpr' && op.value.name === DEVICE_VARIABLE && !bound.has(DEVICE_VARIABLE)
        && !(DEVICE_FIELDS as readonly string[]).includes(k.value.field)) out.add(k.value.field);
      unknownDeviceFields(k.value.operand, bound, out);
      return;
    }
    case 'callExpr':
      unknownDeviceFields(k.value.target, bound, out);
      for (const a of k.value.args) unknownDeviceFields(a, bound, out);
      return;
    case 'listExpr':
      for (const a of k.value.elements) unknownDeviceFields(a, bound, out);
      return;
    case 'structExpr':
      for (const en of k.value.entries) {
        if (en.keyKind.case === 'mapKey') unknownDeviceFields(en.keyKind.value, bound, out);
        unknownDeviceFields(en.value, bound, out);
      }
      return;
    case 'comprehensionExpr': {
      const c = k.value;
      unknownDeviceFields(c.iterRange, bound, out);
      unknownDeviceFields(c.accuInit, bound, out);
      const inner = new Set([...bound, c.iterVar, c.accuVar, ...(c.iterVar2 ? [c.iterVar2] : [])]);
      unknownDeviceFields(c.loopCondition, inner, out);
      unknownDeviceFields(c.loopStep, inner, out);
      unknownDeviceFields(c.result, inner, out);
      return;
    }
    default:
      return;
  }
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
  freeIdentifiers(expr, new Set(), free);
  free.delete(DEVICE_VARIABLE);
  const out: string[] = [];
  if (free.size) out.push(`refers to ${[...free].map((n) => `"${n}"`).join(', ')}: a device selector can use only the variable "${DEVICE_VARIABLE}" (device.driver, device.attributes, device.capacity)`);
  const fields = new Set<string>();
  unknownDeviceFields(expr, new Set(), fields);
  if (fields.size) {
    out.push(`reads ${[...fields].map((f) => `device.${f}`).join(', ')}: a device has only ${DEVICE_FIELDS.map((f) => `device.${f}`).join(', ')}; ` +
      'attributes and capacity are maps keyed by domain, then name (device.attributes[\'gpu.nvidia.com\'].productName)');
  }
  const type = knownNonBoolType(expr);
  if (type !== undefined) out.push(`evaluates to ${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}, not a bool: the API server accepts a selector only when its result is a bool; compare it, e.g. device.driver == 'gpu.nvidia.com'`);
  return out;
}
