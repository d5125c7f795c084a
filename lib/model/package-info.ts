/**
 * This package's name, version and GitHub repository, read from its package.json at run time: found upward from
 * this file, so the same code works from the source tree (lib/model) and from the compiled package (build/lib/model),
 * whose package.json sits at the package root (the compiled files do not carry a copy of it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const PACKAGE_NAME = 'cdk8s-model-serving';

export interface PackageInfo {
  readonly version: string;
  /** `owner/name` on GitHub, from `repository` (else `homepage`). */
  readonly githubRepo?: string;
}

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
  readonly homepage?: string;
  readonly repository?: string | { readonly url?: string };
}

/** `owner/name` of a GitHub URL (`git+https://github.com/o/n.git`, `https://github.com/o/n#readme`, `github:o/n`). */
export function githubRepoOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const m = /^(?:github:|(?:git\+)?https?:\/\/github\.com\/|git@github\.com:)([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+?)(?:\.git)?(?:[#/?].*)?$/.exec(url);
  return m?.[1];
}

let cached: PackageInfo | undefined;

/** The package's version and repository; version `unknown` when no package.json of this package is found. */
export function packageInfo(): PackageInfo {
  if (cached) return cached;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
    if (pkg.name !== PACKAGE_NAME) continue;
    const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
    return (cached = { version: pkg.version ?? 'unknown', githubRepo: githubRepoOf(repo) ?? githubRepoOf(pkg.homepage) });
  }
  return (cached = { version: 'unknown' });
}
