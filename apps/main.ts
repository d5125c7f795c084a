/**
 * `cdk8s synth` entry point: every spec in templates/ (or the files in $MODEL_SERVING_SPECS, comma
 * separated) becomes dist/<name>.k8s.yaml. All specs are validated before anything is synthesized.
 *
 * The target Kubernetes version: $MODEL_SERVING_KUBE_VERSION, else the App's cdk8s context value
 * `model-serving/kube-version`, else 1.35. The environment variable wins: it is the override of one run (as the
 * CLI's --kube-version), the context the program's own setting. The same version validates the specs and
 * synthesizes them.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { ModelServingChart, SpecError, formatIssues, KUBE_VERSION_CONTEXT } from '../lib';
import { loadSpecFiles } from '../lib/model/files';
import { kubeVersionProblem } from '../lib/spec/kube-version';

/** The environment variable of the target Kubernetes version. */
export const KUBE_VERSION_ENV = 'MODEL_SERVING_KUBE_VERSION';

function specFiles(env: NodeJS.ProcessEnv): string[] {
  const list = env.MODEL_SERVING_SPECS;
  if (list) return list.split(',').filter(Boolean);
  const dir = join(__dirname, '..', 'templates');
  return readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().map((f) => join('templates', f));
}

/** The target version of a run and where it comes from (for messages), or a problem with the value. */
export function appKubeVersion(app: App, env: NodeJS.ProcessEnv = process.env): { version?: string; problem?: string } {
  const fromEnv = env[KUBE_VERSION_ENV] || undefined;
  const fromContext: unknown = app.node.tryGetContext(KUBE_VERSION_CONTEXT);
  const [version, source] = fromEnv !== undefined ? [fromEnv, KUBE_VERSION_ENV]
    : fromContext !== undefined ? [String(fromContext), `cdk8s context ${KUBE_VERSION_CONTEXT}`] : [undefined, ''];
  const problem = version === undefined ? undefined : kubeVersionProblem(version);
  return problem ? { problem: `${source}: ${problem}` } : { version };
}

/**
 * Validates every spec file, then adds one ModelServingChart per spec to `app` and synthesizes it. Returns the
 * problems (file, field and rule, one line each) instead of synthesizing when there is one.
 */
export function synthesizeApp(app: App, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { version: kubeVersion, problem } = appKubeVersion(app, env);
  if (problem) return problem;
  const { specs, issues } = loadSpecFiles(specFiles(env), { kubeVersion });
  if (issues.length) return formatIssues(issues);
  try {
    for (const s of specs) new ModelServingChart(app, s.document.metadata.name, { specs: [s.document], kubeVersion });
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    return formatIssues(e.issues);
  }
  app.synth();
  return undefined;
}

if (require.main === module) {
  const problems = synthesizeApp(new App());
  if (problems !== undefined) {
    process.stderr.write(problems + '\n');
    process.exit(1);
  }
}
