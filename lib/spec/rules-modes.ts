/**
 * Rules of mode batch and mode edge that relate their block to the rest of the spec (the presence of the
 * blocks, the cron schedule and the URI schemes are checked in rules.ts).
 */
import type { ModelServingSpec } from './schema/spec';
import type { IssueList } from './errors';
import { getRuntime } from '../runtimes/registry';
import { splitUri } from './uri';

/** `scheme://host/path` without trailing slashes, lower-case scheme; undefined when it is not a URI. */
function normalized(uri: string): string | undefined {
  try {
    const { scheme, host, path } = splitUri(uri);
    return `${scheme}://${host}${path ? `/${path}` : ''}`;
  } catch {
    return undefined;
  }
}

const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

function checkBatch(list: IssueList, spec: ModelServingSpec): void {
  const b = spec.batch;
  if ((spec.mode ?? 'online') === 'batch' && !getRuntime(spec.runtime).batchRequest) {
    list.add('spec.mode', `batch is not supported by runtime ${spec.runtime} (it defines no batch request)`);
  }
  if (!b) return;
  const names = spec.models.map((m) => m.name);
  if (b.model !== undefined && !names.includes(b.model)) {
    list.add('spec.batch.model', `model "${b.model}" is not in spec.models (one of: ${names.join(', ')})`);
  }
  if (b.model === undefined && names.length > 1) {
    list.add('spec.batch.model', `is required when spec.models has more than one model (one of: ${names.join(', ')})`);
  }
  if (b.timeZone !== undefined && b.schedule === undefined) {
    list.add('spec.batch.timeZone', 'applies to a CronJob only (set spec.batch.schedule)');
  }
  const input = normalized(b.input);
  const output = normalized(b.output);
  if (input && output && (output === input || output.startsWith(`${input}/`))) {
    list.add('spec.batch.output', 'must not be spec.batch.input or inside it (results would be read as inputs by the next run)');
  }
}

function checkEdge(list: IssueList, spec: ModelServingSpec): void {
  const e = spec.edge;
  if (!e) return;
  if (Object.keys(e.nodeSelector).length === 0) {
    list.add('spec.edge.nodeSelector', 'must name at least one node label (an empty selector puts a replica on every node of the cluster)');
  }
  if (e.hostPathCache !== undefined && spec.repository.uri === undefined) {
    const from = spec.repository.pvc ? 'a PersistentVolumeClaim, which is already local'
      : spec.repository.image ? 'an image volume, which the node keeps' : 'the Hugging Face Hub (use repository.huggingface.cacheClaimName)';
    list.add('spec.edge.hostPathCache', `applies to repository.uri only (the models come from ${from})`);
  }
  for (const [k, v] of Object.entries(e.nodeSelector)) {
    const other = spec.nodeSelector?.[k];
    if (other !== undefined && other !== v) {
      list.add(`spec.edge.nodeSelector${key(k)}`, `("${v}") contradicts spec.nodeSelector${key(k)} ("${other}")`);
    }
  }
}

/** Every cross-field rule of mode batch and mode edge. */
export function checkModes(list: IssueList, spec: ModelServingSpec): void {
  checkBatch(list, spec);
  checkEdge(list, spec);
}
