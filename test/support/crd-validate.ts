/**
 * Layer 1 of the strict validator for kinds without an npm model, from the upstream CRDs in ../shared/crds (copied
 * byte for byte, see its README): the served version's openAPIV3Schema checked with ajv, unknown fields refused as
 * the API server's strict field validation does, plus the CRD's CEL rules evaluated in code. When the CRD directory
 * is absent, `crdSchema` returns undefined and callers fall back to their hand-written checks (tests that need the
 * CRD skip with a message).
 */
import { inferencePoolCelProblems } from '../../lib/k8s/inference-pool';
import { KNOWN_FEATURE_GATES, KNOWN_PLUGIN_TYPES } from './epp-config-types';
import { crdSchemaMessages } from './crd-schema';

export { crdSchema, crdSchemaMessages, SHARED_CRDS as CRD_DIR } from './crd-schema';

/** InferencePool: the CRD schema (when present) or the same rules by hand, and the CEL rules. */
export function checkInferencePool(obj: Record<string, any>): string[] {
  const fromCrd = crdSchemaMessages('inference.networking.k8s.io_inferencepools.yaml', 'v1', obj);
  const out = fromCrd ?? handCheckPool(obj);
  return [...out, ...inferencePoolCelProblems(obj.spec ?? {})];
}

function handCheckPool(obj: Record<string, any>): string[] {
  const out: string[] = [];
  const s = obj.spec;
  if (!s || typeof s !== 'object') return ['spec: required object is missing'];
  const labels = s.selector?.matchLabels;
  if (!labels || !Object.keys(labels).length || Object.keys(labels).length > 64) out.push('spec.selector.matchLabels: 1-64 labels required');
  for (const v of Object.values(labels ?? {})) if (typeof v !== 'string' || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) out.push(`spec.selector.matchLabels: bad label value ${JSON.stringify(v)}`);
  const ports = s.targetPorts;
  if (!Array.isArray(ports) || !ports.length || ports.length > 8) out.push('spec.targetPorts: 1-8 ports required');
  for (const p of ports ?? []) if (!Number.isInteger(p?.number) || p.number < 1 || p.number > 65535) out.push('spec.targetPorts[].number: 1-65535');
  const ref = s.endpointPickerRef;
  if (ref && (typeof ref.name !== 'string' || !ref.name)) out.push('spec.endpointPickerRef.name: required');
  if (ref?.failureMode !== undefined && !['FailOpen', 'FailClose'].includes(ref.failureMode)) out.push('spec.endpointPickerRef.failureMode: FailOpen or FailClose');
  return out;
}

const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;
const QUANTITY = /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

/**
 * EndpointPickerConfig: what the picker's loader refuses at start (`pkg/epp/config/loader`: configloader.go,
 * validation.go, defaults.go): required plugins and profiles, unknown plugin types or feature gates, duplicate
 * plugin names, profile references to undefined plugins, and Go duration / quantity syntax.
 */
export function checkEppConfig(cfg: Record<string, any>): string[] {
  const out: string[] = [];
  if (!Array.isArray(cfg.plugins)) return ['plugins: required list is missing'];
  if (!Array.isArray(cfg.schedulingProfiles)) out.push('schedulingProfiles: required list is missing');
  const names = new Set<string>();
  cfg.plugins.forEach((p: any, i: number) => {
    const name = p.name ?? p.type;
    if (!p.type) out.push(`plugins[${i}].type: required`);
    else if (!(KNOWN_PLUGIN_TYPES as readonly string[]).includes(p.type)) out.push(`plugins[${i}].type: plugin type '${p.type}' is not registered`);
    if (names.has(name)) out.push(`plugins[${i}]: duplicate plugin name '${name}'`);
    names.add(name);
  });
  (cfg.schedulingProfiles ?? []).forEach((sp: any, i: number) => {
    if (!sp.name) out.push(`schedulingProfiles[${i}].name: required`);
    (sp.plugins ?? []).forEach((r: any, j: number) => {
      if (!names.has(r.pluginRef)) out.push(`schedulingProfiles[${i}].plugins[${j}].pluginRef: '${r.pluginRef}' is not a plugin of plugins[]`);
      if (r.weight !== undefined && (typeof r.weight !== 'number' || r.weight < 0)) out.push(`schedulingProfiles[${i}].plugins[${j}].weight: a non-negative number`);
    });
  });
  for (const g of cfg.featureGates ?? []) {
    const gate = String(g).replace(/=(true|false)$/, '');
    if (!(KNOWN_FEATURE_GATES as readonly string[]).includes(gate)) out.push(`featureGates: unknown gate '${g}'`);
  }
  const fc = cfg.flowControl;
  if (fc?.defaultRequestTTL !== undefined && !DURATION.test(fc.defaultRequestTTL)) out.push('flowControl.defaultRequestTTL: not a Go duration');
  for (const f of ['maxBytes', 'maxRequests']) {
    if (fc?.[f] !== undefined && typeof fc[f] === 'string' && !QUANTITY.test(fc[f])) out.push(`flowControl.${f}: not a quantity`);
  }
  return out;
}
