/**
 * Whether two repository fields of a spec (a rollout track's own and the spec's) name the same model files,
 * compared by what they point at rather than by how they are written: key order, a trailing `/`, `./` or an
 * empty subPath, the default Hugging Face revision and fields that do not change the files (modelSize,
 * credentials, readOnly, pullPolicy, tokens, caches) make no difference.
 */
import type { RepositorySpec } from './schema/spec';
import { splitUri } from './uri';

/** A directory inside a volume or image, as path segments joined by `/` ('' for the root). */
function dir(path: string | undefined): string {
  return (path ?? '').split('/').filter((s) => s !== '' && s !== '.').join('/');
}

/** The files a repository field names, as a comparable key; undefined when it names files of its own. */
export function repositoryIdentity(repo: RepositorySpec): string | undefined {
  if (repo.pvc) {
    // a claim the spec creates (pvc.create) is each track's own (lib/model/repository.ts)
    return repo.pvc.claimName === undefined ? undefined : JSON.stringify(['pvc', repo.pvc.claimName, dir(repo.pvc.subPath)]);
  }
  if (repo.image) return JSON.stringify(['image', repo.image.reference, dir(repo.image.subPath)]);
  if (repo.uri !== undefined) {
    try {
      const { scheme, host, path } = splitUri(repo.uri);
      return JSON.stringify(['uri', scheme, host.toLowerCase(), dir(path)]);
    } catch {
      return JSON.stringify(['uri', repo.uri]);
    }
  }
  if (repo.huggingface) return JSON.stringify(['huggingface', repo.huggingface.modelId, repo.huggingface.revision ?? 'main']);
  return undefined;
}

/** Whether `a` and `b` (distinct fields of one spec) name the same model files. */
export function sameRepositoryFiles(a: RepositorySpec, b: RepositorySpec): boolean {
  if (a === b) return true;
  const ka = repositoryIdentity(a);
  return ka !== undefined && ka === repositoryIdentity(b);
}
