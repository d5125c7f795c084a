/**
 * The published declarations compile in a project made by `cdk8s init typescript-app` (its tsconfig: module
 * CommonJS, so node10 resolution, and no skipLibCheck), offline, against the build of this checkout.
 * .ci/consumer does the same with the packed tarball from the npm registry's cdk8s versions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, copyFileSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import ts from 'typescript';

const root = resolve(__dirname, '..');
const TEMPLATE = join(root, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json');

/** A consumer project in a temp dir whose node_modules links this package and the dependencies it needs. */
function consumer(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'decl-consumer-'));
  copyFileSync(TEMPLATE, join(dir, 'tsconfig.json'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'cdk8s-model-serving'), 'dir');
  for (const dep of ['cdk8s', 'constructs', '@types']) {
    mkdirSync(join(dir, 'node_modules', dep, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(dir, 'node_modules', dep), 'dir');
  }
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function compile(dir: string): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), { noEmit: true }, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); },
  })!;
  assert.equal(parsed.options.module, ts.ModuleKind.CommonJS);
  assert.notEqual(parsed.options.skipLibCheck, true);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  return ts.getPreEmitDiagnostics(program).map((d) =>
    `${d.file ? `${d.file.fileName.replace(root, '<pkg>')}: ` : ''}TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
}

test('the declarations type-check under the tsconfig of `cdk8s init typescript-app` (no skipLibCheck)', (t) => {
  if (!existsSync(join(root, 'build', 'lib', 'index.d.ts'))) return t.skip('run `npm run build` first (npm test builds)');
  if (!existsSync(TEMPLATE)) return t.skip('cdk8s-cli (devDependency) is not installed');
  const dir = consumer({
    'main.ts': `import { App, Chart } from 'cdk8s';
import { ModelServing, buildDashboard, ModelServingProps } from 'cdk8s-model-serving';
const chart = new Chart(new App(), 'c', { namespace: 'ml' });
const props: ModelServingProps = {
  name: 'llm', runtime: 'vllm',
  models: [{ name: 'm', format: 'huggingface', engine: { dtype: 'bfloat16' } }],
  repository: { huggingface: { modelId: 'org/model' } },
};
const serving = new ModelServing(chart, 'llm', props);
export const uid = buildDashboard(serving.context).uid;
export const deployment = serving.workloads[0].deployment.name;
// @ts-expect-error a closed choice
export const bad: ModelServingProps = { ...props, models: [{ name: 'm', format: 'huggingface', engine: { dtype: 'bf16' } }] };
`,
  });
  try {
    assert.deepEqual(compile(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cdk8s-model-serving/pulumi resolves to its declarations under node10 resolution (typesVersions)', () => {
  const options = { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 };
  const dir = consumer({});
  try {
    const from = join(dir, 'main.ts');
    const resolved = (name: string) => ts.resolveModuleName(name, from, options, ts.sys).resolvedModule?.resolvedFileName.replace(root, '<pkg>');
    assert.equal(resolved('cdk8s-model-serving'), '<pkg>/build/lib/index.d.ts');
    assert.equal(resolved('cdk8s-model-serving/pulumi'), '<pkg>/build/lib/pulumi/index.d.ts');
    // and under node16 (exports)
    const node16 = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 };
    assert.equal(ts.resolveModuleName('cdk8s-model-serving/pulumi', from, node16, ts.sys, undefined, undefined, ts.ModuleKind.CommonJS)
      .resolvedModule?.resolvedFileName.replace(root, '<pkg>'), '<pkg>/build/lib/pulumi/index.d.ts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
