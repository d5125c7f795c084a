/**
 * Rules of spec.models[].build (TensorRT plans built by a Job before serving; docs/RUNTIMES.md#tensorrt-engine-builds).
 * Image-dependent rules (the TensorRT version of the serving image) live in lib/runtimes/triton-engine.ts.
 */
import type { ModelServingSpec, ModelSpec, RepositorySpec } from './schema/spec';
import type { IssueList } from './errors';
import { trackEntries } from './rules-rollout';

type TrtBuild = NonNullable<ModelSpec['build']>['tensorrt'];
const SHAPES = ['minShapes', 'optShapes', 'maxShapes'] as const;

function checkRepository(list: IssueList, path: string, repo: RepositorySpec, model: string): void {
  if (!repo.pvc) {
    list.add(path, `${model}.build writes the plan into the model repository: use a PersistentVolumeClaim (pvc) with readOnly: false (a uri or huggingface repository is downloaded into each pod, where a plan would be lost)`);
  } else if (repo.pvc.create && (repo.pvc.create.accessMode ?? 'ReadOnlyMany') === 'ReadOnlyMany') {
    list.add(`${path}.pvc.create.accessMode`, `ReadOnlyMany (the default) cannot be written: ${model}.build writes the plan into the version directories (use ReadWriteMany)`);
  } else if (repo.pvc.readOnly !== false) {
    list.add(`${path}.pvc.readOnly`, `must be false: ${model}.build writes the plan into the version directories (the repository is read-only by default)`);
  }
}

function checkShapes(list: IssueList, p: string, m: ModelSpec, b: TrtBuild): void {
  const given = SHAPES.filter((s) => b[s] !== undefined);
  const batched = (m.maxBatchSize ?? 0) > 0;
  const dynamicInputs = (m.inputs ?? []).filter((t) => t.dims.includes(-1)).map((t) => t.name);
  if (given.length === 0) {
    if (batched) list.add(`${p}.maxShapes`, `is required when maxBatchSize > 0 (${m.maxBatchSize}): without shapes trtexec builds dynamic dimensions at 1, and the engine could not take Triton's batches`);
    else if (dynamicInputs.length) list.add(`${p}.maxShapes`, `is required: input(s) ${dynamicInputs.join(', ')} have -1 dimensions, which trtexec would build at 1`);
    return;
  }
  if (given.length < 3) {
    list.add(p, `set minShapes, optShapes and maxShapes together: they form one optimization profile (missing ${SHAPES.filter((s) => !given.includes(s)).join(', ')})`);
    return;
  }
  const names = Object.keys(b.minShapes!);
  for (const s of ['optShapes', 'maxShapes'] as const) {
    const other = Object.keys(b[s]!);
    if (other.length !== names.length || other.some((n) => !names.includes(n))) {
      list.add(`${p}.${s}`, `must name the same inputs as minShapes (${names.join(', ')}; found ${other.join(', ')})`);
      return;
    }
  }
  const declared = new Map((m.inputs ?? []).map((t) => [t.name, t.dims]));
  const off = batched ? 1 : 0;
  for (const name of names) {
    const [min, opt, max] = SHAPES.map((s) => b[s]![name]);
    const dims = declared.get(name);
    if (m.inputs && !dims) {
      list.add(`${p}.minShapes.${name}`, `names input "${name}", which the model's inputs do not declare (declared: ${[...declared.keys()].join(', ')})`);
      continue;
    }
    if (min.length !== opt.length || min.length !== max.length) {
      list.add(`${p}.minShapes.${name}`, `min, opt and max shapes of input "${name}" must have the same number of dimensions (${min.length}, ${opt.length}, ${max.length})`);
      continue;
    }
    if (dims && min.length !== dims.length + off) {
      list.add(`${p}.minShapes.${name}`, `has ${min.length} dimensions; input "${name}" has ${dims.length + off} (dims [${dims.join(', ')}]${batched ? ' after the batch dimension' : ''})`);
      continue;
    }
    for (let k = 0; k < min.length; k++) {
      if (!(min[k] <= opt[k] && opt[k] <= max[k])) {
        list.add(`${p}.optShapes.${name}`, `dimension ${k} must satisfy min <= opt <= max (${min[k]}, ${opt[k]}, ${max[k]})`);
      }
      const d = dims?.[k - off];
      if (dims && k >= off && d !== -1 && (min[k] !== d || max[k] !== d)) {
        list.add(`${p}.maxShapes.${name}`, `dimension ${k} must be ${d} as the input declares (min ${min[k]}, max ${max[k]})`);
      }
    }
    if (batched) {
      if (min[0] !== 1) list.add(`${p}.minShapes.${name}`, `batch dimension must be 1 (is ${min[0]}): Triton sends batches of 1 to maxBatchSize`);
      if (max[0] < m.maxBatchSize!) {
        list.add(`${p}.maxShapes.${name}`, `batch dimension ${max[0]} is below maxBatchSize (${m.maxBatchSize}): Triton refuses a config whose max_batch_size the engine cannot take`);
      }
    }
  }
}

export function checkBuilds(list: IssueList, spec: ModelServingSpec): void {
  spec.models.forEach((m, i) => {
    const b = m.build?.tensorrt;
    if (!b) return;
    const model = `spec.models[${i}]`;
    const p = `${model}.build.tensorrt`;
    if (m.format !== 'tensorrt') {
      list.add(`${model}.format`, `must be tensorrt with build.tensorrt: the build produces the TensorRT plan the server loads (format is ${m.format})`);
    }
    if (!m.versions) {
      list.add(`${model}.versions`, 'is required with build: a plan is built in each listed version directory, and a new version starts a new build');
    }
    checkRepository(list, 'spec.repository', spec.repository, model);
    for (const [tp, t] of trackEntries(spec)) if (t.repository) checkRepository(list, `${tp}.repository`, t.repository, model);
    if (b.precision === 'INT8' && !b.calibrationCache) {
      list.add(`${p}.calibrationCache`, 'is required with precision INT8: without a calibration cache trtexec builds INT8 with placeholder dynamic ranges and the engine computes wrong results');
    }
    if (b.calibrationCache && b.precision !== 'INT8') {
      list.add(`${p}.calibrationCache`, `applies to precision INT8 only (precision is ${b.precision ?? 'FP32'})`);
    }
    checkShapes(list, p, m, b);
  });
}
