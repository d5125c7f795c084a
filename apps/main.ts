/**
 * `cdk8s synth` entry point: every spec in templates/ (or the files in $MODEL_SERVING_SPECS, comma
 * separated) becomes dist/<name>.k8s.yaml. All specs are validated before anything is synthesized.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { ModelServingChart, SpecError, formatIssues } from '../lib';
import { loadSpecFiles } from '../lib/model/files';

function specFiles(): string[] {
  const env = process.env.MODEL_SERVING_SPECS;
  if (env) return env.split(',').filter(Boolean);
  const dir = join(__dirname, '..', 'templates');
  return readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort().map((f) => join('templates', f));
}

// the target Kubernetes version (MAJOR.MINOR), as `model-serving synth --kube-version`
const kubeVersion = process.env.MODEL_SERVING_KUBE_VERSION || undefined;
const { specs, issues } = loadSpecFiles(specFiles(), { kubeVersion });
if (issues.length) {
  process.stderr.write(formatIssues(issues) + '\n');
  process.exit(1);
}
const app = new App();
try {
  for (const s of specs) new ModelServingChart(app, s.document.metadata.name, { specs: [s.document], kubeVersion });
} catch (e) {
  if (!(e instanceof SpecError)) throw e;
  process.stderr.write(formatIssues(e.issues) + '\n');
  process.exit(1);
}
app.synth();
