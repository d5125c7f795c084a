/** Where LoRA adapters live in the server container: each downloaded into its own directory before the server starts. */
import type { ModelSpec } from '../spec/schema/spec';
import type { LocalAdapter } from './llm';

/** The adapters' volume (an emptyDir filled by the download init containers), read-only for the server. */
export const ADAPTERS_PATH = '/model-adapters';

/** The adapters of `model` with their local directories. */
export function localAdapters(model: ModelSpec | undefined): LocalAdapter[] {
  return (model?.adapters ?? []).map((a) => ({ name: a.name, path: `${ADAPTERS_PATH}/${a.name}` }));
}
