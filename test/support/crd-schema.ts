/**
 * Validation of custom resources against the served openAPIV3Schema of their upstream CRD (test helper), with
 * unknown fields refused as the API server's strict field validation does: every object schema that lists
 * properties and neither sets additionalProperties nor carries x-kubernetes-preserve-unknown-fields gets
 * additionalProperties: false. Validated by ajv (with the int32/int64 formats Kubernetes uses).
 * `x-kubernetes-validations` (CEL) rules are not checked here (the InferencePool's are, in code).
 * The CRDs live outside the project (../shared/crds, see its README); without them the helpers return undefined and
 * tests skip with NO_CRDS.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';

/** ../shared/crds beside the work tree. */
export const SHARED_CRDS = resolve(__dirname, '..', '..', '..', 'shared', 'crds');
export const NO_CRDS = 'the upstream CRDs (../shared/crds) are not present on this machine';

/** The CRD directory, or undefined when it is absent. */
export function crdDirectory(): string | undefined {
  return existsSync(SHARED_CRDS) ? SHARED_CRDS : undefined;
}

/** The served version's openAPIV3Schema of the CRD in `file`, or undefined when the file is not there. */
export function crdSchema(file: string, version: string, kind?: string): Record<string, any> | undefined {
  const path = join(SHARED_CRDS, file);
  if (!existsSync(path)) return undefined;
  // a file may hold several CRDs (the VPA's): `kind` picks one by spec.names.kind
  const crd = parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS())
    .find((d) => d?.kind === 'CustomResourceDefinition' && (kind === undefined || d.spec?.names?.kind === kind));
  if (!crd) throw new Error(`${file}: no CustomResourceDefinition${kind ? ` of kind ${kind}` : ''}`);
  const served = crd?.spec.versions.find((x: any) => x.name === version && x.served);
  if (!served) throw new Error(`${file}: version ${version} is not served`);
  return served.schema.openAPIV3Schema;
}

function closeObjects(s: any): any {
  if (Array.isArray(s)) return s.map(closeObjects);
  if (!s || typeof s !== 'object') return s;
  const out: any = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-') || k === 'description') continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, ps]) => [p, closeObjects(ps)])) : closeObjects(v);
  }
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
ajv.addFormat('date-time', true);
ajv.addFormat('byte', true);
const cache = new Map<string, ((obj: unknown) => string[]) | undefined>();

const message = (e: { instancePath: string; message?: string; params: Record<string, unknown> }) =>
  `${e.instancePath || '(root)'}: ${e.message}${'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`;

/** A validator for objects of the CRD in `file` at `version` (its messages, none when valid), or undefined without the CRD. */
export function crdValidator(file: string, version: string, kind?: string): ((obj: unknown) => string[]) | undefined {
  const key = `${file}@${version}#${kind ?? ''}`;
  if (!cache.has(key)) {
    const schema = crdSchema(file, version, kind);
    const validate = schema ? ajv.compile(closeObjects(schema)) : undefined;
    cache.set(key, validate && ((obj) => (validate(obj) ? [] : (validate.errors ?? []).map(message))));
  }
  return cache.get(key);
}

/** Messages of the CRD schema for `obj` at `version`, or undefined when the CRD file is absent. */
export function crdSchemaMessages(file: string, version: string, obj: unknown): string[] | undefined {
  return crdValidator(file, version)?.(obj);
}

/** Violations of one object against the CRD in `file`, at the version its apiVersion names; undefined without the CRDs. */
export function crdViolations(file: string, obj: Record<string, any>): string[] | undefined {
  return crdSchemaMessages(file, String(obj.apiVersion).split('/').pop()!, obj);
}
