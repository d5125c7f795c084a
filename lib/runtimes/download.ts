/**
 * rclone filter rules for a downloaded repository (rclone docs/content/filtering.md: a leading `/` anchors a rule
 * at the root of the remote, `*` matches within one path segment, `**` across segments). Model names and paths
 * are limited by the schema to characters that are not filter syntax.
 */
import type { ModelSpec } from '../spec/schema/spec';

/**
 * `<dir>/<version>/**` for each served version plus the files directly in `<dir>` (label files, a Python
 * environment archive), or `<dir>/**` when the spec serves the latest version (the server picks the highest
 * number it finds, so every version must be there). `<dir>` is the model's path, else its name.
 */
export function versionedIncludes(models: readonly ModelSpec[]): string[] {
  return models.flatMap((m) => {
    const dir = (m.path ?? m.name).replace(/\/+$/, '');
    return m.versions?.length ? [...m.versions.map((v) => `/${dir}/${v}/**`), `/${dir}/*`] : [`/${dir}/**`];
  });
}

/** The rclone arguments that copy only the files `includes` select. */
export function includeArgs(includes: readonly string[]): string[] {
  return includes.map((i) => `--include=${i}`);
}
