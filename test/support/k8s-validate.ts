/**
 * Strict validator for synthesized Kubernetes objects (test helper).
 *
 * Layer 1 (schema): `new Model(obj).validate()` from kubernetes-models & friends (ajv/JSON schema:
 *   required fields, types, enums, patterns). Those schemas ACCEPT unknown fields.
 * Layer 2 (strict): every object becomes a typed object literal in one in-memory TypeScript file
 *   (`const o3: IDeployment = {...};`) that is type-checked with the compiler API, so TypeScript's
 *   excess-property check catches typos such as `readinesProbe`.
 * VerticalPodAutoscaler has no npm model: layer 2 uses test/support/vpa-types.ts and layer 1 is the
 * hand-written `checkVpa` below. The Logging Operator's Flow and Output have none either: layer 2 uses
 * test/support/logging-operator-types.ts and layer 1 the upstream CRD's schema (test/support/crd-schema.ts), when
 * ../shared/crds is present.
 */
import * as path from 'node:path';
import ts from 'typescript';
import {
  VPA_CONTAINER_MODES,
  VPA_CONTROLLED_RESOURCES,
  VPA_CONTROLLED_VALUES,
  VPA_UPDATE_MODES,
} from './vpa-types';
import { checkEppConfig, checkInferencePool } from './crd-validate';
import { checkNvidiaConfig } from './nvidia-dra-types';
import { crdValidator, crdViolations } from './crd-schema';

export interface ValidationProblem {
  index: number;
  apiVersion: string;
  kind: string;
  name: string;
  message: string;
}

interface KindEntry {
  /** Module specifier of the model (resolved from this directory) for both layers. */
  module: string;
  /** Exported model class (layer 1); absent for kinds checked by hand. */
  className?: string;
  /** Exported interface used in the strict layer. */
  iface: string;
  /** Hand-written layer-1 check, returns messages. */
  check?: (obj: Record<string, any>) => string[];
  /** Typed values nested in the object (e.g. opaque driver parameters), checked like objects of their own. */
  nested?: (obj: Record<string, any>) => { path: string; entry: KindEntry; value: Record<string, any> }[];
}

const REGISTRY = new Map<string, KindEntry>();

function register(apiVersion: string, moduleDir: string, kinds: string[]): void {
  for (const kind of kinds) {
    REGISTRY.set(`${apiVersion} ${kind}`, { module: `${moduleDir}/${kind}`, className: kind, iface: `I${kind}` });
  }
}

register('v1', 'kubernetes-models/v1', [
  'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'PersistentVolumeClaim', 'Namespace',
]);
register('apps/v1', 'kubernetes-models/apps/v1', ['Deployment', 'DaemonSet', 'StatefulSet']);
register('batch/v1', 'kubernetes-models/batch/v1', ['Job', 'CronJob']);
register('autoscaling/v2', 'kubernetes-models/autoscaling/v2', ['HorizontalPodAutoscaler']);
register('policy/v1', 'kubernetes-models/policy/v1', ['PodDisruptionBudget']);
register('networking.k8s.io/v1', 'kubernetes-models/networking.k8s.io/v1', ['Ingress', 'NetworkPolicy']);
register('rbac.authorization.k8s.io/v1', 'kubernetes-models/rbac.authorization.k8s.io/v1', [
  'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding',
]);
register('monitoring.coreos.com/v1', '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1', [
  'ServiceMonitor', 'PodMonitor', 'PrometheusRule',
]);
register('keda.sh/v1alpha1', '@kubernetes-models/keda/keda.sh/v1alpha1', ['ScaledObject', 'TriggerAuthentication']);
register('gateway.networking.k8s.io/v1', '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1', [
  'HTTPRoute', 'GRPCRoute',
]);
register('resource.k8s.io/v1', 'kubernetes-models/resource.k8s.io/v1', ['ResourceClaim', 'ResourceClaimTemplate']);
/** The NVIDIA DRA driver's opaque parameters in a claim spec: test/support/nvidia-dra-types.ts. */
const NVIDIA_CONFIG: KindEntry = { module: './nvidia-dra-types', iface: 'INvidiaDeviceConfig', check: checkNvidiaConfig };
function nvidiaParameters(obj: Record<string, any>): { path: string; entry: KindEntry; value: Record<string, any> }[] {
  const [claimSpec, at] = obj.kind === 'ResourceClaimTemplate' ? [obj.spec?.spec, 'spec.spec'] : [obj.spec, 'spec'];
  return (claimSpec?.devices?.config ?? []).flatMap((c: any, i: number) => (c?.opaque?.driver === 'gpu.nvidia.com'
    ? [{ path: `${at}.devices.config[${i}].opaque.parameters`, entry: NVIDIA_CONFIG, value: c.opaque.parameters }] : []));
}
for (const kind of ['ResourceClaim', 'ResourceClaimTemplate']) REGISTRY.get(`resource.k8s.io/v1 ${kind}`)!.nested = nvidiaParameters;
REGISTRY.set('leaderworkerset.x-k8s.io/v1 LeaderWorkerSet', {
  module: './lws-types',
  iface: 'ILeaderWorkerSet',
  // the CRD's schema with unknown fields refused (no check when the CRD folder is absent; the strict layer still runs)
  check: (obj) => crdValidator('leaderworkerset.x-k8s.io_leaderworkersets.yaml', 'v1')?.(obj) ?? [],
});
REGISTRY.set('autoscaling.k8s.io/v1 VerticalPodAutoscaler', {
  module: './vpa-types',
  iface: 'IVerticalPodAutoscaler',
  // the hand-written rules, then the upstream CRD's schema with unknown fields refused (when the CRD folder is present)
  check: (obj) => [...checkVpa(obj), ...(crdValidator('vpa-v1-crd-gen.yaml', 'v1', 'VerticalPodAutoscaler')?.(obj) ?? [])],
});
// InferencePool: the upstream CRD's schema (../shared/crds) and its CEL rules (test/support/crd-validate.ts)
REGISTRY.set('inference.networking.k8s.io/v1 InferencePool', {
  module: './inference-pool-types',
  iface: 'IInferencePool',
  check: checkInferencePool,
});
// not a Kubernetes object: the endpoint picker's configuration file, validated the same way when a test passes it
REGISTRY.set('llm-d.ai/v1alpha1 EndpointPickerConfig', {
  module: './epp-config-types',
  iface: 'IEndpointPickerConfig',
  check: checkEppConfig,
});

for (const kind of ['Flow', 'Output']) {
  REGISTRY.set(`logging.banzaicloud.io/v1beta1 ${kind}`, {
    module: './logging-operator-types',
    iface: `I${kind}`,
    check: (obj) => crdViolations(`logging.banzaicloud.io_${kind.toLowerCase()}s.yaml`, obj) ?? [],
  });
}

// ---------------------------------------------------------------------------------------------
// Layer 1: model schemas (ESM packages, loaded lazily with dynamic import and cached).

const modelCache = new Map<string, Promise<any>>();

function loadModel(entry: KindEntry): Promise<any> {
  let p = modelCache.get(entry.module);
  if (!p) {
    p = import(entry.module).then((mod) => {
      const cls = mod[entry.className!];
      if (typeof cls !== 'function') throw new Error(`${entry.module} does not export ${entry.className}`);
      return cls;
    });
    modelCache.set(entry.module, p);
  }
  return p;
}

async function schemaMessages(entry: KindEntry, obj: Record<string, any>): Promise<string[]> {
  if (entry.check) return entry.check(obj);
  const Model = await loadModel(entry);
  try {
    new Model(obj).validate();
    return [];
  } catch (err: any) {
    // ajv ValidationError: one message per failing keyword, with a JSON pointer.
    if (Array.isArray(err?.errors) && err.errors.length > 0) {
      return err.errors.map((e: any) => `${pointerToPath(e.instancePath ?? '')}: ${e.message ?? e.keyword}`);
    }
    return [String(err?.message ?? err)];
  }
}

function pointerToPath(pointer: string): string {
  if (!pointer) return '(root)';
  const parts = pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  return formatPath(parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p)));
}

function formatPath(parts: Array<string | number>): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out || '(root)';
}

function checkVpa(obj: Record<string, any>): string[] {
  const out: string[] = [];
  const oneOf = (value: unknown, allowed: readonly string[], where: string): void => {
    if (value !== undefined && !allowed.includes(value as string)) {
      out.push(`${where}: must be one of ${allowed.join('|')}, got ${JSON.stringify(value)}`);
    }
  };
  const spec = obj.spec;
  if (!isObject(spec)) return ['spec: required object is missing'];
  const ref = spec.targetRef;
  if (!isObject(ref)) {
    out.push('spec.targetRef: required object is missing');
  } else {
    // The CRD only requires kind+name; apiVersion is required here too because VPA cannot
    // resolve e.g. a Deployment without its group.
    for (const f of ['apiVersion', 'kind', 'name']) {
      if (typeof ref[f] !== 'string' || ref[f] === '') out.push(`spec.targetRef.${f}: required non-empty string`);
    }
  }
  const policy = spec.updatePolicy;
  if (policy !== undefined) {
    if (!isObject(policy)) out.push('spec.updatePolicy: must be an object');
    else {
      oneOf(policy.updateMode, VPA_UPDATE_MODES, 'spec.updatePolicy.updateMode');
      const min = policy.minReplicas;
      if (min !== undefined && !(Number.isInteger(min) && min > 0)) {
        out.push('spec.updatePolicy.minReplicas: must be a positive integer');
      }
    }
  }
  const recommenders = spec.recommenders;
  if (recommenders !== undefined && (!Array.isArray(recommenders) || recommenders.length > 1)) {
    out.push('spec.recommenders: must be an empty list or contain exactly one recommender');
  }
  const rp = spec.resourcePolicy;
  const policies = isObject(rp) ? rp.containerPolicies : undefined;
  if (policies !== undefined && !Array.isArray(policies)) out.push('spec.resourcePolicy.containerPolicies: must be a list');
  if (Array.isArray(policies)) {
    policies.forEach((cp: any, i: number) => {
      const at = `spec.resourcePolicy.containerPolicies[${i}]`;
      if (!isObject(cp)) return void out.push(`${at}: must be an object`);
      oneOf(cp.mode, VPA_CONTAINER_MODES, `${at}.mode`);
      oneOf(cp.controlledValues, VPA_CONTROLLED_VALUES, `${at}.controlledValues`);
      if (cp.controlledResources !== undefined) {
        if (!Array.isArray(cp.controlledResources)) out.push(`${at}.controlledResources: must be a list`);
        else cp.controlledResources.forEach((r: unknown, j: number) =>
          oneOf(r, VPA_CONTROLLED_RESOURCES, `${at}.controlledResources[${j}]`));
      }
    });
  }
  return out;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------
// Layer 2: strict unknown-field check with the TypeScript compiler.

// The virtual file lives next to this one so that `./vpa-types` and node_modules resolve from here.
const VIRTUAL_FILE = path.join(__dirname, '__k8s_validate_input__.ts').split(path.sep).join('/');

const COMPILER_OPTIONS: ts.CompilerOptions = {
  noEmit: true,
  strict: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2022,
  // "bundler" resolution honours the packages' `exports` (types condition) without ESM/CJS interop errors.
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts'],
  types: [],
};

// Parsed lib/.d.ts files are immutable and shared across calls: only the first call pays for parsing.
const sourceFileCache = new Map<string, ts.SourceFile>();
let baseHost: ts.CompilerHost | undefined;

function createHost(text: string): ts.CompilerHost {
  baseHost ??= ts.createCompilerHost(COMPILER_OPTIONS, true);
  const base = baseHost;
  return {
    ...base,
    getSourceFile(fileName, languageVersion, onError, shouldCreate) {
      if (fileName === VIRTUAL_FILE) return ts.createSourceFile(fileName, text, languageVersion, true);
      let sf = sourceFileCache.get(fileName);
      if (!sf) {
        sf = base.getSourceFile(fileName, languageVersion, onError, shouldCreate);
        if (sf) sourceFileCache.set(fileName, sf);
      }
      return sf;
    },
    fileExists: (f) => f === VIRTUAL_FILE || base.fileExists(f),
    readFile: (f) => (f === VIRTUAL_FILE ? text : base.readFile(f)),
  };
}

interface StrictInput {
  index: number;
  entry: KindEntry;
  obj: Record<string, any>;
  /** Where a nested value sits in its object (messages are prefixed with it). */
  prefix?: string;
}

/** Returns messages per object index. */
function strictCheck(inputs: StrictInput[]): Map<number, string[]> {
  const result = new Map<number, string[]>();
  if (inputs.length === 0) return result;

  // One aliased type import per kind used, then one single-line const per object.
  const aliases = new Map<KindEntry, string>();
  const lines: string[] = [];
  for (const { entry } of inputs) {
    if (aliases.has(entry)) continue;
    const alias = `T${aliases.size}`;
    aliases.set(entry, alias);
    lines.push(`import type { ${entry.iface} as ${alias} } from ${JSON.stringify(entry.module)};`);
  }
  const lineToIndex = new Map<number, number>();
  const lineToPrefix = new Map<number, string>();
  for (const { index, entry, obj, prefix } of inputs) {
    if (prefix) lineToPrefix.set(lines.length, prefix);
    lineToIndex.set(lines.length, index);
    // JSON.stringify quotes every key, so any label/annotation key is a valid property name.
    // U+2028/U+2029 are line terminators for TypeScript: escape them to keep one object per line.
    const json = JSON.stringify(obj).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
    lines.push(`export const o${lines.length}: ${aliases.get(entry)} = ${json};`);
  }
  const text = lines.join('\n') + '\n';

  const program = ts.createProgram({ rootNames: [VIRTUAL_FILE], options: COMPILER_OPTIONS, host: createHost(text) });
  const sf = program.getSourceFile(VIRTUAL_FILE)!;
  const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
  for (const d of diagnostics) {
    const line = d.start === undefined ? -1 : sf.getLineAndCharacterOfPosition(d.start).line;
    const index = lineToIndex.get(line);
    const message = ts
      .flattenDiagnosticMessageText(d.messageText, ' ')
      .replace(/\s+/g, ' ')
      // Keys are emitted as string literals, so TS quotes them twice: '"replica"' -> 'replica'.
      .replace(/(and |Property )'"((?:[^"\\]|\\.)*)"'/g, "$1'$2'");
    if (index === undefined) {
      // Not inside an object literal (e.g. an import failed to resolve): a validator bug, not a manifest bug.
      throw new Error(`k8s-validate: internal TypeScript error: ${message}`);
    }
    const inner = formatPath(pathAt(sf, d.start!));
    const prefix = lineToPrefix.get(line);
    const where = prefix ? (inner === '(root)' ? prefix : `${prefix}.${inner}`) : inner;
    const list = result.get(index) ?? [];
    list.push(`${where}: ${truncate(message, 600)}`);
    result.set(index, list);
  }
  return result;
}

/** JSON path (keys and array indices) of the deepest node at `pos` inside a `const oN = {...}`. */
function pathAt(sf: ts.SourceFile, pos: number): Array<string | number> {
  let node: ts.Node = sf;
  for (;;) {
    const child = ts.forEachChild(node, (c) => (c.getStart(sf) <= pos && pos < c.end ? c : undefined));
    if (!child) break;
    node = child;
  }
  const parts: Array<string | number> = [];
  for (let n: ts.Node | undefined = node; n && !ts.isVariableDeclaration(n); n = n.parent) {
    const parent: ts.Node | undefined = n.parent;
    if (ts.isPropertyAssignment(n) && ts.isStringLiteral(n.name)) parts.unshift(n.name.text);
    else if (parent && ts.isArrayLiteralExpression(parent)) parts.unshift(parent.elements.indexOf(n as ts.Expression));
  }
  return parts;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

// ---------------------------------------------------------------------------------------------
// Public API.

/** Validates every object; returns all problems (empty array = all valid). */
export async function validateObjects(objects: Array<Record<string, any>>): Promise<ValidationProblem[]> {
  const problems: ValidationProblem[] = [];
  const strictInputs: StrictInput[] = [];
  const describe = (index: number, obj: any) => ({
    index,
    apiVersion: typeof obj?.apiVersion === 'string' ? obj.apiVersion : '',
    kind: typeof obj?.kind === 'string' ? obj.kind : '',
    name: typeof obj?.metadata?.name === 'string' ? obj.metadata.name : '',
  });

  const layer1 = objects.map(async (obj, index) => {
    if (!isObject(obj)) {
      problems.push({ ...describe(index, obj), message: 'not a JSON object' });
      return;
    }
    const entry = REGISTRY.get(`${obj.apiVersion} ${obj.kind}`);
    if (!entry) {
      problems.push({
        ...describe(index, obj),
        message: `unknown apiVersion/kind ${JSON.stringify(obj.apiVersion)} ${JSON.stringify(obj.kind)}: ` +
          'the validator has no schema for it (register it in test/support/k8s-validate.ts)',
      });
      return;
    }
    strictInputs.push({ index, entry, obj });
    for (const m of await schemaMessages(entry, obj)) problems.push({ ...describe(index, obj), message: `[schema] ${m}` });
    for (const n of entry.nested?.(obj) ?? []) {
      strictInputs.push({ index, entry: n.entry, obj: n.value, prefix: n.path });
      for (const m of n.entry.check?.(n.value) ?? []) problems.push({ ...describe(index, obj), message: `[schema] ${n.path}: ${m}` });
    }
  });
  await Promise.all(layer1);

  strictInputs.sort((a, b) => a.index - b.index);
  for (const [index, messages] of strictCheck(strictInputs)) {
    for (const m of messages) problems.push({ ...describe(index, objects[index]), message: `[strict] ${m}` });
  }
  return problems.sort((a, b) => a.index - b.index);
}

/** Convenience for tests: throws an Error listing every problem. */
export async function assertValidObjects(objects: Array<Record<string, any>>): Promise<void> {
  const problems = await validateObjects(objects);
  if (problems.length === 0) return;
  const lines = problems.map((p) => `  #${p.index} ${p.apiVersion} ${p.kind} ${JSON.stringify(p.name)}: ${p.message}`);
  throw new Error(`${problems.length} Kubernetes validation problem(s):\n${lines.join('\n')}`);
}
