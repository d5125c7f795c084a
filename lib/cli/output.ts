/**
 * Writing `synth -o DIR` safely. The output folder is often shared (a git checkout, a CI workspace), so:
 * - every file is first written to a new, uniquely named temp file opened with O_CREAT|O_EXCL|O_NOFOLLOW
 *   (a symlink or file planted at that name makes the open fail; it is never followed), then renamed over
 *   the target (rename replaces a symlink at the target, it does not write through it);
 * - all temp files are written before the first rename: a failed write (read-only folder, full disk) leaves
 *   the folder as it was;
 * - concurrent runs into one folder never share a temp name, and rename is atomic: the last one wins;
 * - SIGINT, SIGTERM and SIGHUP during the write remove the temp files before the process exits (128 + signal);
 * - a -o that is a file, a device (/dev/null), a dangling symlink or unwritable is a one-line IoError.
 * `--prune` removes only stale `*.k8s.yaml` files this tool wrote: regular files whose every object carries
 * the label app.kubernetes.io/managed-by=cdk8s-model-serving (every object this library emits has it).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, linkSync, lstatSync, mkdirSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync, fstatSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { IoError } from './common';
import { readBounded } from '../spec/load';
import { MANAGED_BY } from '../model/context';

/** The label every object of this library carries, with the value MANAGED_BY. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Largest output file --prune and diff read back (a synthesized file is far smaller). */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface OutputFile {
  /** File name inside the folder (`<name>.k8s.yaml`). */
  readonly name: string;
  readonly content: string;
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;
const REASONS: Record<string, string> = {
  EACCES: 'permission denied', EPERM: 'operation not permitted', EROFS: 'read-only file system', ENOSPC: 'no space left on device',
  ENOENT: 'no such file or directory', ENOTDIR: 'a parent is not a directory', EEXIST: 'already exists', ELOOP: 'too many symbolic links',
  EISDIR: 'is a directory', EDQUOT: 'disk quota exceeded',
};
const explain = (e: unknown) => `${code(e)}${REASONS[code(e)] ? ` (${REASONS[code(e)]})` : ''}`;

/** What a non-directory is, for the error. */
function kindOf(st: Stats): string {
  if (st.isFile()) return 'a file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a directory';
}

/** Checks `-o DIR` (and creates it when missing). Throws IoError with one line. */
export function prepareOutputDir(dir: string): void {
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    if (code(e) !== 'ENOENT') throw new IoError(`-o ${dir}: ${explain(e)}`);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e2) {
      throw new IoError(`-o ${dir}: cannot create the directory: ${explain(e2)}`);
    }
    return;
  }
  if (st.isSymbolicLink()) {
    try {
      st = statSync(dir);
    } catch (e) {
      throw new IoError(`-o ${dir}: is a symbolic link to a missing target (${code(e)}); -o takes a directory, or - for standard output`);
    }
  }
  if (!st.isDirectory()) throw new IoError(`-o ${dir}: is ${kindOf(st)}, not a directory; -o takes a directory, or - for standard output`);
}

const pending = new Set<string>();
let guarded = false;
/** Removes the temp files of an interrupted write, then exits as the signal would have. */
function guardSignals(): void {
  if (guarded) return;
  guarded = true;
  for (const [sig, n] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
    process.on(sig, () => {
      for (const p of pending) {
        try {
          unlinkSync(p);
        } catch {
          // already renamed or removed
        }
      }
      process.exit(128 + n);
    });
  }
}

function writeExclusive(path: string, content: string): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o644);
  try {
    const buf = Buffer.from(content, 'utf8');
    for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off, buf.length - off);
  } finally {
    closeSync(fd);
  }
}

/** Writes every file into `dir` (prepared by prepareOutputDir), all or nothing. Throws IoError. */
export function writeOutputs(dir: string, files: readonly OutputFile[]): void {
  for (const f of files) {
    let st;
    try {
      st = lstatSync(join(dir, f.name));
    } catch {
      continue;
    }
    if (st.isDirectory()) throw new IoError(`cannot write ${join(dir, f.name)}: is a directory`);
  }
  guardSignals();
  const temps: [string, string][] = [];
  try {
    for (const f of files) {
      const temp = join(dir, `.${f.name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
      pending.add(temp);
      try {
        writeExclusive(temp, f.content);
      } catch (e) {
        pending.delete(temp);
        throw new IoError(`cannot write ${join(dir, f.name)}: ${explain(e)}`);
      }
      temps.push([temp, join(dir, f.name)]);
    }
    for (const [temp, target] of temps) {
      try {
        renameSync(temp, target);
      } catch (e) {
        throw new IoError(`cannot write ${target}: ${explain(e)}`);
      }
      pending.delete(temp);
    }
  } finally {
    for (const [temp] of temps) {
      if (!pending.has(temp)) continue;
      try {
        unlinkSync(temp);
      } catch {
        // gone already
      }
      pending.delete(temp);
    }
  }
}

/** The text of a regular file (never through a symlink), or undefined. */
function readOwnFile(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
    if (!fstatSync(fd).isFile()) return undefined;
    return readBounded(fd, MAX_OUTPUT_BYTES)?.toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** True when every document of the text is an object this library wrote (its managed-by label). */
export function writtenByUs(text: string): boolean {
  let docs;
  try {
    docs = parseAllDocuments(text, { version: '1.1' });
  } catch {
    return false;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const objects = list.filter((d) => d.contents !== null);
  if (!objects.length || list.some((d) => d.errors.length)) return false;
  return objects.every((d) => {
    const o = d.toJS({ maxAliasCount: 0 }) as Record<string, any> | null;
    return o?.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;
  });
}

/** Existing `*.k8s.yaml` files of the folder: theirs text (undefined when not a readable regular file). */
export function existingOutputs(dir: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    if (code(e) === 'ENOENT') return out;
    throw new IoError(`-o ${dir}: cannot read the directory: ${explain(e)}`);
  }
  for (const n of names.filter((x) => x.endsWith('.k8s.yaml') && !x.startsWith('.')).sort()) out.set(n, readOwnFile(join(dir, n)));
  return out;
}

/** The files `--prune` removes: existing outputs not in `keep` that this tool wrote. */
export function staleOutputs(existing: Map<string, string | undefined>, keep: ReadonlySet<string>): string[] {
  return [...existing].filter(([n, text]) => !keep.has(n) && text !== undefined && writtenByUs(text)).map(([n]) => n);
}

/** Removes the stale files; returns the names removed. Throws IoError. */
export function pruneOutputs(dir: string, names: readonly string[]): string[] {
  for (const n of names) {
    try {
      unlinkSync(join(dir, n));
    } catch (e) {
      if (code(e) !== 'ENOENT') throw new IoError(`cannot remove ${join(dir, n)}: ${explain(e)}`);
    }
  }
  return [...names];
}

/**
 * Writes one new file without replacing anything: the content goes to a temp file, which is then hard-linked
 * to the target (link fails atomically when the name exists, even as a dangling symlink). `replace` writes
 * it like synth does instead.
 */
export function writeNewFile(dir: string, name: string, content: string, replace: boolean): void {
  if (replace) return writeOutputs(dir, [{ name, content }]);
  const target = join(dir, name);
  const temp = join(dir, `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  guardSignals();
  pending.add(temp);
  try {
    try {
      writeExclusive(temp, content);
    } catch (e) {
      throw new IoError(`cannot write ${target}: ${explain(e)}`);
    }
    try {
      linkSync(temp, target);
    } catch (e) {
      if (code(e) === 'EEXIST') throw new IoError(`${target} exists; use --force to replace it`);
      throw new IoError(`cannot write ${target}: ${explain(e)}`);
    }
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // not created
    }
    pending.delete(temp);
  }
}
