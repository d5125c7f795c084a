/**
 * Triton's ensemble rules, checked at validate time with the spec's own model declarations. Mirrors
 * triton-inference-server/core (r26.06) `src/ensemble_scheduler/ensemble_utils.cc` (ValidateEnsembleConfig,
 * ValidateTensorMapping: batch sizes, mapped names, one producer per tensor), `src/model_config_utils.cc`
 * (BuildEnsembleGraph, ValidateEnsembleSchedulingConfig: non-empty maps, unused inputs, unwritten outputs,
 * unused tensors) and `src/model_repository_manager/model_repository_manager.cc` (CircularDependencyCheck).
 * A step model's inputs/outputs are checked only when the spec declares them (otherwise Triton completes them
 * from the model file, which is not visible here).
 */
import type { ModelSpec } from '../spec/schema/spec';
import type { SpecIssue } from '../spec/errors';

const key = (k: string) => `[${JSON.stringify(k)}]`;
const q = (s: string) => JSON.stringify(s);

interface Producer { readonly path: string; readonly step: number }

/** Problems of one ensemble (index `i` in spec.models). */
function oneEnsemble(models: readonly ModelSpec[], i: number): SpecIssue[] {
  const e = models[i];
  const p = `spec.models[${i}]`;
  const issues: SpecIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const steps = e.ensemble?.steps ?? [];
  const byName = new Map(models.map((m) => [m.name, m]));
  const inputs = new Set((e.inputs ?? []).map((t) => t.name));
  const producers = new Map<string, Producer>();
  const readers = new Map<string, number[]>();

  steps.forEach((s, j) => {
    const ps = `${p}.ensemble.steps[${j}]`;
    const m = byName.get(s.model);
    if (Object.keys(s.inputMap).length === 0) add(`${ps}.inputMap`, `must map at least one input of model ${q(s.model)}`);
    if (Object.keys(s.outputMap).length === 0) add(`${ps}.outputMap`, `must map at least one output of model ${q(s.model)}`);
    if (m && m !== e) {
      const mbs = m.maxBatchSize ?? 0;
      const ebs = e.maxBatchSize ?? 0;
      if (mbs > 0 && mbs < ebs) {
        add(`${p}.maxBatchSize`, `(${ebs}) exceeds the maxBatchSize of step model ${q(m.name)} (${mbs}, ${ps}.model): Triton refuses an ensemble that allows larger batches than one of its batching steps`);
      }
      const declaredIn = m.inputs?.map((t) => t.name);
      const declaredOut = m.outputs?.map((t) => t.name);
      if (declaredIn) {
        for (const k of Object.keys(s.inputMap)) {
          if (!declaredIn.includes(k)) add(`${ps}.inputMap${key(k)}`, `${q(k)} is not an input of model ${q(m.name)} (its inputs: ${declaredIn.join(', ')})`);
        }
        for (const n of declaredIn) {
          if (!(n in s.inputMap)) add(`${ps}.inputMap`, `input ${q(n)} of model ${q(m.name)} is not mapped to an ensemble tensor`);
        }
      }
      if (declaredOut) {
        for (const k of Object.keys(s.outputMap)) {
          if (!declaredOut.includes(k)) add(`${ps}.outputMap${key(k)}`, `${q(k)} is not an output of model ${q(m.name)} (its outputs: ${declaredOut.join(', ')})`);
        }
      }
    }
    for (const [k, t] of Object.entries(s.outputMap)) {
      const prev = producers.get(t);
      if (prev) add(`${ps}.outputMap${key(k)}`, `ensemble tensor ${q(t)} is already produced by ${prev.path}; a tensor has one producer`);
      else if (inputs.has(t)) add(`${ps}.outputMap${key(k)}`, `ensemble tensor ${q(t)} is an input of ensemble ${q(e.name)}; a step cannot produce it`);
      else producers.set(t, { path: `${ps}.outputMap${key(k)}`, step: j });
    }
    for (const t of Object.values(s.inputMap)) readers.set(t, [...(readers.get(t) ?? []), j]);
  });

  // tensors a step reads that nothing produces
  steps.forEach((s, j) => {
    for (const [k, t] of Object.entries(s.inputMap)) {
      if (!inputs.has(t) && !producers.has(t)) {
        add(`${p}.ensemble.steps[${j}].inputMap${key(k)}`, `reads ensemble tensor ${q(t)}, which no step produces and which is not an input of ensemble ${q(e.name)}`);
      }
    }
  });
  (e.inputs ?? []).forEach((t, k) => {
    if (!readers.has(t.name)) add(`${p}.inputs[${k}].name`, `ensemble input ${q(t.name)} is read by no step`);
  });
  const outputs = new Set((e.outputs ?? []).map((t) => t.name));
  (e.outputs ?? []).forEach((t, k) => {
    if (!producers.has(t.name)) add(`${p}.outputs[${k}].name`, `ensemble output ${q(t.name)} is produced by no step`);
  });
  for (const [t, prod] of producers) {
    if (!outputs.has(t) && !readers.has(t)) add(prod.path, `ensemble tensor ${q(t)} is read by no step and is not an output of ensemble ${q(e.name)}`);
  }

  // data flow: a step runs once every tensor it reads is ready (Triton's ready queue); steps that never run wait
  // on each other's outputs
  if (issues.length === 0) {
    const ready = new Set(inputs);
    const done = new Set<number>();
    for (let progress = true; progress;) {
      progress = false;
      steps.forEach((s, j) => {
        if (done.has(j) || !Object.values(s.inputMap).every((t) => ready.has(t))) return;
        done.add(j);
        progress = true;
        for (const t of Object.values(s.outputMap)) ready.add(t);
      });
    }
    steps.forEach((s, j) => {
      if (done.has(j)) return;
      const waits = Object.values(s.inputMap).filter((t) => !ready.has(t));
      add(`${p}.ensemble.steps[${j}]`, `never runs: it reads ${waits.map(q).join(', ')}, produced only by steps that wait on it in turn (a cycle between steps)`);
    });
  }
  return issues;
}

/** Ensembles that call each other in a cycle (Triton: "circular dependency between ensembles"). */
function ensembleCycles(models: readonly ModelSpec[]): SpecIssue[] {
  const index = new Map(models.map((m, i) => [m.name, i]));
  const calls = (m: ModelSpec) => (m.format === 'ensemble' ? (m.ensemble?.steps ?? []).map((s) => s.model) : []);
  const issues: SpecIssue[] = [];
  const reported = new Set<string>();
  models.forEach((m, i) => {
    if (m.format !== 'ensemble') return;
    // depth-first from m: a path back to m is a cycle
    const path: string[] = [m.name];
    const seen = new Set<string>();
    const visit = (name: string): string[] | undefined => {
      for (const next of calls(models[index.get(name)!])) {
        if (!index.has(next) || models[index.get(next)!].format !== 'ensemble') continue;
        if (next === m.name) return [...path, next];
        if (seen.has(next)) continue;
        seen.add(next);
        path.push(next);
        const found = visit(next);
        if (found) return found;
        path.pop();
      }
      return undefined;
    };
    const cycle = visit(m.name);
    if (!cycle || cycle.length < 3) return; // a step calling its own ensemble is reported on the step
    const members = [...new Set(cycle)].sort().join('\0');
    if (reported.has(members)) return;
    reported.add(members);
    const j = (m.ensemble?.steps ?? []).findIndex((s) => s.model === cycle[1]);
    issues.push({ path: `spec.models[${i}].ensemble.steps[${j}].model`, message: `ensembles call each other in a cycle: ${cycle.join(' -> ')}` });
  });
  return issues;
}

/** Every ensemble problem of `models`. */
export function ensembleIssues(models: readonly ModelSpec[]): SpecIssue[] {
  const issues: SpecIssue[] = [];
  models.forEach((m, i) => {
    if (m.format === 'ensemble' && m.ensemble) issues.push(...oneEnsemble(models, i));
  });
  return [...issues, ...ensembleCycles(models)];
}
