/**
 * Rules that relate fields to each other or to the runtime (single-field rules live in the schema).
 * Every rule adds an issue with the field path; none stops at the first problem.
 */
import type { ModelServingDocument, ModelServingSpec } from './schema/spec';
import { IssueList, SpecIssue } from './errors';
import { parseQuantity } from './quantity';
import { getRuntime, RUNTIME_REGISTRY } from '../runtimes/registry';
import { checkCron } from './cron';
import { checkImage } from './image';
import { checkLabelMap, checkAnnotationKeys } from './labels';
import { checkObjectStoreUri } from './uri';
import { checkScaling } from './rules-scaling';
import { checkRollout, trackEntries, trackImageIssues } from './rules-rollout';
import { checkTraffic } from './rules-exposure';
import { checkModes } from './rules-modes';
import { checkMonitoring } from './rules-monitoring';
import { checkKubeTarget } from './rules-kube';
import { checkLlm } from './rules-llm';
import { checkPlatform } from './rules-platform';
import { checkLogging } from './rules-logging';
import { checkBuilds } from './rules-build';
import { resolveKubeVersion } from './kube-version';
import { checkResources } from './rules-resources';
import { checkPodFields } from './rules-pod';
import { checkGpuImage } from './rules-gpu';
import type { ValidateOptions } from './load';
import { INPUT_RULES } from './rules-input';

const MODEL_FIELDS = [
  'path', 'versions', 'maxBatchSize', 'inputs', 'outputs', 'dynamicBatching', 'instanceGroup', 'optimization',
  'ensemble', 'build', 'batchSize', 'maxBatchDelayMs', 'workers', 'marVersion', 'engine', 'adapters',
] as const;

function checkRequestLimit(list: IssueList, spec: ModelServingSpec): void {
  for (const res of ['cpu', 'memory'] as const) {
    const rl = spec.resources?.[res];
    if (!rl || rl.request === undefined || rl.limit === undefined) continue;
    const req = parseQuantity(rl.request);
    const lim = parseQuantity(rl.limit);
    if (req !== undefined && lim !== undefined && req > lim) {
      list.add(`spec.resources.${res}.request`, `request (${rl.request}) must be <= spec.resources.${res}.limit (${rl.limit})`);
    }
  }
}

function checkRepository(list: IssueList, spec: ModelServingSpec, base = 'spec.repository', repo: ModelServingSpec['repository'] = spec.repository): void {
  const sources = (['pvc', 'image', 'uri', 'huggingface'] as const).filter((k) => repo[k] !== undefined);
  if (sources.length !== 1) {
    list.add(base, `exactly one model source must be set: pvc, image, uri or huggingface (found ${sources.length ? sources.join(', ') : 'none'})`);
  }
  if (repo.pvc) {
    const n = Number(repo.pvc.claimName !== undefined) + Number(repo.pvc.create !== undefined);
    if (n !== 1) list.add(`${base}.pvc`, 'set exactly one of claimName (an existing claim) or create (a new claim)');
    if (repo.pvc.create && parseQuantity(repo.pvc.create.size) === undefined) {
      list.add(`${base}.pvc.create.size`, 'must be a Kubernetes quantity such as 100Gi');
    }
  }
  if (repo.uri !== undefined) {
    for (const m of checkObjectStoreUri(repo.uri, ['s3', 'gs', 'https'])) list.add(`${base}.uri`, m);
  }
  if (repo.credentialsSecret !== undefined && repo.uri === undefined) {
    list.add(`${base}.credentialsSecret`, 'applies to repository.uri only');
  }
  if (repo.huggingface && spec.runtime !== 'vllm') {
    list.add(`${base}.huggingface`, `is supported by runtime vllm only (runtime is ${spec.runtime})`);
  }
}

function checkModels(list: IssueList, spec: ModelServingSpec): void {
  const runtime = getRuntime(spec.runtime);
  const seen = new Map<string, number>();
  spec.models.forEach((m, i) => {
    const p = `spec.models[${i}]`;
    const prev = seen.get(m.name);
    if (prev !== undefined) list.add(`${p}.name`, `duplicate model name "${m.name}" (also spec.models[${prev}])`);
    else seen.set(m.name, i);
    if (!runtime.formats.includes(m.format)) {
      const other = RUNTIME_REGISTRY.filter((r) => r.formats.includes(m.format)).map((r) => r.name);
      list.add(`${p}.format`, `format "${m.format}" is not served by runtime ${spec.runtime} (allowed: ${runtime.formats.join(', ')})` +
        (other.length ? `; ${m.format} is served by: ${other.join(', ')}` : ''));
    }
    for (const f of MODEL_FIELDS) {
      if (m[f] !== undefined && !runtime.modelFields.includes(f)) {
        const who = RUNTIME_REGISTRY.filter((r) => r.modelFields.includes(f)).map((r) => r.name);
        list.add(`${p}.${f}`, `is not used by runtime ${spec.runtime} (it applies to: ${who.join(', ') || 'none'})`);
      }
    }
  });
  if (runtime.maxModels !== undefined && spec.models.length > runtime.maxModels) {
    list.add('spec.models', `runtime ${spec.runtime} serves exactly ${runtime.maxModels} model per server (found ${spec.models.length})`);
  }
  // a runtime's own section (spec.triton, spec.torchserve) applies to that runtime only
  for (const r of RUNTIME_REGISTRY) {
    if ((spec as Record<string, unknown>)[r.name] !== undefined && spec.runtime !== r.name) {
      list.add(`spec.${r.name}`, `applies to runtime ${r.name} only (runtime is ${spec.runtime})`);
    }
  }
}

function checkEnv(list: IssueList, spec: ModelServingSpec): void {
  const seen = new Map<string, number>();
  spec.env?.forEach((e, i) => {
    const n = [e.value, e.secretKeyRef, e.configMapKeyRef].filter((x) => x !== undefined).length;
    if (n !== 1) list.add(`spec.env[${i}]`, `set exactly one of value, secretKeyRef, configMapKeyRef (found ${n})`);
    const prev = seen.get(e.name);
    if (prev !== undefined) list.add(`spec.env[${i}].name`, `duplicate variable "${e.name}" (also spec.env[${prev}]): server-side apply refuses a container env that lists a name twice`);
    else seen.set(e.name, i);
  });
}

function checkModeBlocks(list: IssueList, spec: ModelServingSpec): void {
  const mode = spec.mode ?? 'online';
  if (mode === 'batch' && !spec.batch) list.add('spec.batch', 'is required when spec.mode is batch');
  if (mode !== 'batch' && spec.batch) list.add('spec.batch', `applies to mode batch only (mode is ${mode})`);
  if (mode === 'edge' && !spec.edge) list.add('spec.edge', 'is required when spec.mode is edge');
  if (mode !== 'edge' && spec.edge) list.add('spec.edge', `applies to mode edge only (mode is ${mode})`);
  const onlineOnly = ['autoscaling', 'verticalAutoscaling', 'ingress', 'gateway', 'rollout', 'disruption', 'rollingUpdate', 'replicas', 'topologySpread'] as const;
  if (mode !== 'online') {
    for (const f of onlineOnly) {
      if (mode === 'edge' && (f === 'ingress' || f === 'gateway')) continue;
      if (spec[f] !== undefined) list.add(`spec.${f}`, `applies to mode online only (mode is ${mode})`);
    }
  }
  if (spec.batch) {
    if (spec.batch.schedule !== undefined) {
      for (const m of checkCron(spec.batch.schedule)) list.add('spec.batch.schedule', m);
    } else if (spec.batch.concurrencyPolicy !== undefined) {
      list.add('spec.batch.concurrencyPolicy', 'applies to a CronJob only (set spec.batch.schedule)');
    }
    for (const f of ['input', 'output'] as const) {
      const allowed = f === 'input' ? ['s3', 'gs', 'https'] : ['s3', 'gs'];
      for (const m of checkObjectStoreUri(spec.batch[f], allowed)) list.add(`spec.batch.${f}`, m);
    }
    const { parallelism, completions } = spec.batch;
    if (parallelism !== undefined && completions !== undefined && parallelism > completions) {
      list.add('spec.batch.parallelism', `(${parallelism}) must be <= spec.batch.completions (${completions})`);
    }
  }
}

function checkDisruption(list: IssueList, spec: ModelServingSpec): void {
  const d = spec.disruption;
  if (d && d.minAvailable !== undefined && d.maxUnavailable !== undefined) {
    list.add('spec.disruption', 'set minAvailable or maxUnavailable, not both');
  }
}

/** One cross-field rule: reads the document, adds its issues to the list. */
export type Rule = (list: IssueList, doc: ModelServingDocument, options: ValidateOptions) => void;

/**
 * Every cross-field rule, one entry each. They run one by one so that, on a document that failed the
 * schema, a rule is only skipped when it reads a field that is not well-formed (lib/spec/partial.ts).
 */
export const RULES: readonly Rule[] = [
  (l, d) => checkImage(l, 'spec.image', d.spec.image),
  (l, d) => checkLabelMap(l, 'metadata.labels', d.metadata.labels, true),
  (l, d) => checkAnnotationKeys(l, 'metadata.annotations', d.metadata.annotations),
  (l, d) => checkLabelMap(l, 'spec.nodeSelector', d.spec.nodeSelector, false),
  (l, d) => d.spec.edge && checkLabelMap(l, 'spec.edge.nodeSelector', d.spec.edge.nodeSelector, false),
  (l, d) => checkRequestLimit(l, d.spec),
  (l, d) => checkRepository(l, d.spec),
  (l, d) => checkModels(l, d.spec),
  (l, d) => checkEnv(l, d.spec),
  (l, d) => checkModeBlocks(l, d.spec),
  (l, d) => checkDisruption(l, d.spec),
  (l, d) => checkScaling(l, d.spec),
  (l, d) => checkRollout(l, d),
  (l, d) => checkTraffic(l, d),
  (l, d) => { for (const [p, t] of trackEntries(d.spec)) if (t.repository) checkRepository(l, d.spec, `${p}.repository`, t.repository); },
  (l, d) => checkModes(l, d.spec),
  (l, d) => checkMonitoring(l, d.spec),
  (l, d) => checkLlm(l, d.spec),
  (l, d) => checkPlatform(l, d.spec, d.metadata.name),
  (l, d) => checkLogging(l, d.spec),
  (l, d) => checkBuilds(l, d.spec),
  (l, d, o) => checkKubeTarget(l, d.spec, resolveKubeVersion(o.kubeVersion)),
  (l, d) => checkResources(l, d.spec),
  (l, d) => checkPodFields(l, d.spec),
  (l, d) => checkGpuImage(l, d.spec, imageOf(d.spec)),
  ...INPUT_RULES,
];

/** The image the stable track runs: the spec's, else the runtime's default. */
function imageOf(spec: ModelServingSpec): string {
  return spec.image ?? getRuntime(spec.runtime).defaultImage((spec.resources?.gpu?.count ?? 0) > 0);
}

/**
 * The runtime's own rules (and each rollout track's image against them). They assume the model list fits
 * the runtime, so they run only when no other rule found a problem in the runtime, the image or the models.
 */
export const RUNTIME_RULE: Rule = (l, d, _o) => {
  const spec = d.spec;
  const image = imageOf(spec);
  const issues = getRuntime(spec.runtime).validate(spec, image);
  l.items.push(...issues, ...trackImageIssues(spec, image, issues));
};

/** Paths whose problems keep the runtime's rules from running (they would only repeat them). */
export const RUNTIME_RULE_INPUTS = ['spec.runtime', 'spec.image', 'spec.models'];
/**
 * Problems of spec.models[].build (lib/spec/rules-build.ts) leave the runtime's rules running: those read the build
 * only for its image and precision (lib/runtimes/triton-engine.ts engineBuildIssues), so INT8 without a calibration
 * cache on a TensorRT 11 image reports both problems in one pass.
 */
const blocksRuntimeRule = (path: string) =>
  !/^spec\.models\[\d+\]\.build\./.test(path) && RUNTIME_RULE_INPUTS.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));

/** Every cross-field rule of one document. Assumes the document passed the schema (see partial.ts otherwise). */
export function checkRules(doc: ModelServingDocument, options: ValidateOptions = {}): SpecIssue[] {
  const list = new IssueList();
  for (const rule of RULES) rule(list, doc, options);
  if (!list.items.some((i) => blocksRuntimeRule(i.path))) {
    RUNTIME_RULE(list, doc, options);
  }
  return list.items;
}
