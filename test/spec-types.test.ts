/**
 * The TypeScript types of a spec: generated from the schema (JSDoc per field), equal to what the schema accepts,
 * closed where the schema has a closed choice. Part of this file is checked by `tsc` (npm test): the type-level
 * assertions and the `@ts-expect-error` lines fail the build when a choice widens to `string` again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import type { Static } from '@sinclair/typebox';
import { DocumentSchema, MetadataSchema, SpecSchema } from '../lib/spec/schema/spec';
import type { ModelServingDocument, ModelServingMetadata, ModelServingSpec, ModelServingProps } from '../lib';
import { generatedTypes, GENERATED_TYPES_FILE } from '../lib/spec/typegen';

// ---- checked at compile time (npm test runs tsc over test/) ----
/** true when A and B are assignable both ways (a literal union widened to string makes it false). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type SpecTypesMatchSchema = Assert<Same<Static<typeof SpecSchema>, ModelServingSpec>>;
export type MetadataTypesMatchSchema = Assert<Same<Static<typeof MetadataSchema>, ModelServingMetadata>>;
export type DocumentTypesMatchSchema = Assert<Same<Static<typeof DocumentSchema>, ModelServingDocument>>;

const base = { name: 'llm', runtime: 'vllm', repository: { huggingface: { modelId: 'org/model' } } } as const;
export const compileTimeProbes: ModelServingProps[] = [
  { ...base, models: [{ name: 'm', format: 'huggingface', engine: { dtype: 'bfloat16' } }] },
  // @ts-expect-error 'bf16' is not a vLLM --dtype choice (bfloat16 is)
  { ...base, models: [{ name: 'm', format: 'huggingface', engine: { dtype: 'bf16' } }] },
  // @ts-expect-error runtime is a closed choice
  { ...base, runtime: 'trtion', models: [{ name: 'm', format: 'onnx' }] },
  // @ts-expect-error model format is a closed choice
  { ...base, models: [{ name: 'm', format: 'safetensors' }] },
];

// ---- checked when the tests run ----
test('lib/spec/schema/generated-types.ts is generated from the current schema', () => {
  assert.equal(readFileSync(GENERATED_TYPES_FILE, 'utf8'), generatedTypes(), 'run: npm run generate');
});

/** A language service over one in-memory file next to the tests, with the project's compiler options. */
function probe(source: string) {
  const root = resolve(__dirname, '..');
  const file = join(root, 'test', '__spec_types_probe__.ts');
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => ({ ...config.options, noEmit: true }),
    getScriptFileNames: () => [file],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => {
      if (f === file) return ts.ScriptSnapshot.fromString(source);
      return ts.sys.fileExists(f) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(f)!) : undefined;
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: ts.sys.fileExists,
    readFile: ts.sys.readFile,
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host);
  const errors = () => service.getSemanticDiagnostics(file).map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  const hover = (marker: string) => {
    const info = service.getQuickInfoAtPosition(file, source.indexOf(marker) + 1)!;
    return {
      doc: ts.displayPartsToString(info.documentation),
      tags: (info.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`),
      type: ts.displayPartsToString(info.displayParts),
    };
  };
  return { errors, hover };
}

const SOURCE = (dtype: string) => `
import { App, Chart } from 'cdk8s';
import { ModelServing } from '../lib';
const chart = new Chart(new App(), 'c');
new ModelServing(chart, 'llm', {
  name: 'llm',
  runtime: 'vllm',
  models: [{ name: 'm', format: 'huggingface', engine: { dtype: '${dtype}' } }],
  repository: { huggingface: { modelId: 'org/model' } },
  replicas: 2,
});
`;

test('refuses engine.dtype "bf16" at compile time: the choice is a union of literals, not string', () => {
  assert.deepEqual(probe(SOURCE('bfloat16')).errors(), []);
  const errors = probe(SOURCE('bf16')).errors();
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0], /^TS2322: Type '"bf16"' is not assignable to type '"auto" \| "half" \| "float16" \| "bfloat16" \| "float" \| "float32"/);
});

test('hover over a prop shows its description and @default from the schema (JSDoc)', () => {
  const p = probe(SOURCE('auto'));
  const replicas = p.hover('replicas: 2');
  assert.equal(replicas.doc, 'Pod count when no autoscaling is set.');
  assert.deepEqual(replicas.tags, ['@default - 1']);
  const dtype = p.hover("dtype: 'auto'");
  assert.equal(dtype.doc, 'vllm --dtype.');
  assert.deepEqual(dtype.tags, ['@default - auto']);
  assert.match(dtype.type, /"auto" \| "half" \| "float16" \| "bfloat16" \| "float" \| "float32"/);
  assert.match(p.hover("modelId: 'org").doc, /^Hugging Face model id/);
});
