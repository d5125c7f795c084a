/** Container image references. */
import type { IssueList } from './errors';

/** True when the image names a tag or digest other than `latest`. */
export function imageIsPinned(image: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const last = image.split('/').pop() ?? '';
  const colon = last.lastIndexOf(':');
  if (colon < 0) return false;
  const tag = last.slice(colon + 1);
  return tag.length > 0 && tag !== 'latest';
}

/** The repository's last path segment without tag or digest (`nvcr.io/nvidia/tritonserver:25.01-py3` -> `tritonserver`). */
export function imageRepoName(image: string): string {
  return (image.split('@')[0].split('/').pop() ?? '').split(':')[0];
}

/** The tag of an image, or undefined (digest-only or untagged). */
export function imageTag(image: string): string | undefined {
  const last = image.split('@')[0].split('/').pop() ?? '';
  const colon = last.lastIndexOf(':');
  return colon < 0 ? undefined : last.slice(colon + 1);
}

export function checkImage(list: IssueList, path: string, image: string | undefined): void {
  if (image !== undefined && !imageIsPinned(image)) {
    list.add(path, `image "${image}" must be pinned to a tag or digest (no ':latest', no missing tag)`);
  }
}
