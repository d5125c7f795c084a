/**
 * One benchmark measurement in a fresh process (so maxRSS is this measurement's peak), started by
 * bench/run.ts as `node --expose-gc -r tsx/cjs bench/child.ts PHASE DIR`. Prints one JSON line (a ChildResult).
 *
 * Phases (DIR/specs holds the generated spec files; synth writes DIR/out, the floors read it):
 * - synth:       the CLI path of `model-serving synth DIR/specs/*.yaml -o DIR/out`: loadAll (parse + validate),
 *                synthesizeSpecs, then the CLI's own writes (lib/cli/output.ts: exclusive temp files, renames).
 * - floor-yaml:  floor (a): parse the synthesized YAML and serialize it again with the `yaml` package,
 *                using the options cdk8s uses (YAML 1.1, lineWidth 0, keepUndefined).
 * - floor-cdk8s: floor (b): the same objects as plain cdk8s ApiObjects, one App + Chart per spec, then app.synthYaml().
 * - many-models: ONE spec with N models (DIR is N here; bench/many-models.ts): validateDocument, then
 *                synthesizeSpecs and the YAML, as synth does for it. In memory: 30,000 models are past the 1 MiB file limit.
 * Modules are loaded and input is prepared (then garbage-collected) before the clock starts: every phase
 * reports its work, not module loading.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { App, ApiObject, Chart, Yaml } from 'cdk8s';
import { ModelServingChart } from '../lib/constructs/chart';
import { loadSpecFiles } from '../lib/model/files';
import { synthesizeSpecs } from '../lib/synth';
import { validateDocument } from '../lib/spec/load';
import { manyModelsSpec } from './generate';
import { prepareOutputDir, writeOutputs } from '../lib/cli/output';

export type Phase = 'synth' | 'floor-yaml' | 'floor-cdk8s';
/** The phase of bench/many-models.ts (its DIR argument is the number of models). */
export type ManyModelsPhase = 'many-models';

export interface ChildResult {
  readonly phase: Phase | ManyModelsPhase;
  readonly specs: number;
  readonly objects: number;
  /** Wall time of the measured work, milliseconds. */
  readonly ms: number;
  /** CPU time (user + system, all threads: includes concurrent GC) of the measured work, milliseconds. Less
   * sensitive than wall time to other processes competing for the cores. */
  readonly cpuMs: number;
  /** Sub-steps of the synth phase (load, synthesize, write), milliseconds. */
  readonly steps?: Record<string, number>;
  /** Peak resident set size of this process (process.resourceUsage().maxRSS), KiB. */
  readonly maxRssKiB: number;
  /** RSS just before the measured work started (modules loaded, input read), KiB. */
  readonly startRssKiB: number;
  /** Bytes of YAML produced. */
  readonly yamlBytes: number;
}

const YAML_OPTIONS = { keepUndefined: true, lineWidth: 0, version: '1.1' } as const;

const now = () => performance.now();
const kib = (bytes: number) => Math.round(bytes / 1024);

function listYaml(dir: string, suffix: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(suffix)).sort().map((f) => join(dir, f));
}

type Measured = Omit<ChildResult, 'maxRssKiB' | 'startRssKiB' | 'cpuMs'>;

function runSynth(dir: string): Measured {
  const files = listYaml(join(dir, 'specs'), '.yaml');
  const out = join(dir, 'out');
  const t0 = now();
  const { specs, issues } = loadSpecFiles(files);
  if (issues.length) throw new Error(`generated specs are invalid: ${JSON.stringify(issues.slice(0, 5))}`);
  const t1 = now();
  const manifests = synthesizeSpecs(specs.map((s) => s.document));
  const t2 = now();
  prepareOutputDir(out);
  writeOutputs(out, manifests.map((m) => ({ name: m.fileName, content: m.yaml })));
  const yamlBytes = manifests.reduce((n, m) => n + Buffer.byteLength(m.yaml), 0);
  const t3 = now();
  return {
    phase: 'synth', specs: specs.length, objects: manifests.reduce((n, m) => n + m.objects.length, 0), ms: t3 - t0,
    steps: { load: t1 - t0, synthesize: t2 - t1, write: t3 - t2 }, yamlBytes,
  };
}

function readOutputs(dir: string): { name: string; text: string }[] {
  return listYaml(join(dir, 'out'), '.k8s.yaml').map((f) => ({ name: f.replace(/^.*\//, '').replace(/\.k8s\.yaml$/, ''), text: readFileSync(f, 'utf8') }));
}

function runFloorYaml(outputs: { text: string }[]): Measured {
  const t0 = now();
  let objects = 0;
  let yamlBytes = 0;
  for (const { text } of outputs) {
    const docs = parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS());
    objects += docs.length;
    yamlBytes += Buffer.byteLength(docs.map((d) => stringify(d, YAML_OPTIONS)).join('---\n'));
  }
  return { phase: 'floor-yaml', specs: outputs.length, objects, ms: now() - t0, yamlBytes };
}

function runFloorCdk8s(inputs: { name: string; objects: Record<string, any>[] }[]): Measured {
  const t0 = now();
  let objects = 0;
  let yamlBytes = 0;
  for (const { name, objects: objs } of inputs) {
    const app = new App({ outdir: '.' });
    const chart = new Chart(app, name, { disableResourceNameHashes: true });
    objs.forEach((o, i) => new ApiObject(chart, `o${i}`, o as any));
    objects += objs.length;
    yamlBytes += Buffer.byteLength(app.synthYaml());
  }
  return { phase: 'floor-cdk8s', specs: inputs.length, objects, ms: now() - t0, yamlBytes };
}

function runManyModels(doc: ReturnType<typeof manyModelsSpec>): Measured {
  const t0 = now();
  const issues = validateDocument(doc);
  if (issues.length) throw new Error(`the many-models spec is invalid: ${JSON.stringify(issues.slice(0, 5))}`);
  const t1 = now();
  // synthesizeSpecs without its output size check: from about 5,000 Triton models on, the config ConfigMap is over
  // the API server's 1 MiB and synth refuses the spec; the constructs (a cdk8s app) still build it, and that cost is measured
  const app = new App({ outdir: '.' });
  const objects = new ModelServingChart(app, doc.metadata.name, { specs: [doc] }).toJson();
  const yaml = Yaml.stringify(...objects);
  const t2 = now();
  return {
    phase: 'many-models', specs: 1, objects: objects.length, ms: t2 - t0, steps: { load: t1 - t0, synthesize: t2 - t1, write: 0 },
    yamlBytes: Buffer.byteLength(yaml),
  };
}

function main(): void {
  const [phase, dir] = process.argv.slice(2) as [Phase | ManyModelsPhase, string];
  let run: () => Measured;
  if (phase === 'synth') run = () => runSynth(dir);
  else if (phase === 'floor-yaml') {
    const outputs = readOutputs(dir);
    run = () => runFloorYaml(outputs);
  } else if (phase === 'floor-cdk8s') {
    // input preparation (not measured): the synthesized objects, as plain JSON values
    const inputs = readOutputs(dir).map(({ name, text }) => ({ name, objects: parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS()) }));
    run = () => runFloorCdk8s(inputs);
  } else if (phase === 'many-models') {
    const doc = manyModelsSpec(Number(dir));
    run = () => runManyModels(doc);
  } else throw new Error(`unknown phase "${phase}" (synth | floor-yaml | floor-cdk8s | many-models)`);
  // the floors parsed their input first: collect that garbage now, so no phase pays for its input preparation
  (globalThis as { gc?: () => void }).gc?.();
  const startRssKiB = kib(process.memoryUsage.rss());
  const cpu0 = process.cpuUsage();
  const r = run();
  const cpu = process.cpuUsage(cpu0);
  const result: ChildResult = { ...r, cpuMs: (cpu.user + cpu.system) / 1000, startRssKiB, maxRssKiB: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) main();
