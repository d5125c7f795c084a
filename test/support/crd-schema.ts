/**
 * Validation of custom resources against the upstream CRD's served openAPIV3Schema (test helper), with unknown
 * fields refused as the API server's strict field validation does: every object schema that lists properties and
 * neither allows additional properties nor carries x-kubernetes-preserve-unknown-fields gets
 * additionalProperties: false. Validated by ajv. `x-kubernetes-validations` (CEL) rules are not checked.
 * The CRDs live outside the project (../shared/crds, see its README); without them `crdValidator` returns undefined.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';

export const SHARED_CRDS = join('..', 'shared', 'crds');

function closeObjects(s: any): any {
  if (Array.isArray(s)) return s.map(closeObjects);
  if (!s || typeof s !== 'object') return s;
  const out: any = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-')) continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, ps]) => [p, closeObjects(ps)])) : closeObjects(v);
  }
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

const cache = new Map<string, ((obj: unknown) => string[]) | undefined>();

/** A validator for objects of the CRD in `file` at `version`, or undefined when the CRD file is not there. */
export function crdValidator(file: string, version: string): ((obj: unknown) => string[]) | undefined {
  const key = `${file}@${version}`;
  if (cache.has(key)) return cache.get(key);
  const path = join(SHARED_CRDS, file);
  let v: ((obj: unknown) => string[]) | undefined;
  if (existsSync(path)) {
    const crd = parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS()).find((d) => d?.kind === 'CustomResourceDefinition');
    const served = crd.spec.versions.find((x: any) => x.name === version && x.served);
    if (!served) throw new Error(`${file}: version ${version} is not served`);
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(closeObjects(served.schema.openAPIV3Schema));
    v = (obj) => (validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'}: ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${(e.params as any).additionalProperty})` : ''}`));
  }
  cache.set(key, v);
  return v;
}
