/**
 * Building blocks of the runtimes' log patterns (Ruby-syntax regular expressions for Onigmo, the engine of
 * Fluentd and Fluent Bit). Named groups only; `[\s\S]` instead of `.` wherever a record may span lines, so no
 * pattern depends on a multiline flag.
 */

/** Characters of a model name (spec `MODEL_NAME_PATTERN`): a name is only found where none of them surrounds it. */
const NAME_CHAR = 'A-Za-z0-9_.\\-';

/** A regex alternation of the model names, each escaped. */
export function modelAlternation(names: readonly string[]): string {
  return names.map((n) => n.replace(/[.\-]/g, (c) => `\\${c}`)).join('|');
}

/**
 * A lookahead that never fails and captures, as `model`, the first of the spec's model names that stands as a
 * whole word in the rest of the record (`'resnet50'`, `{name: resnet50 version: 1}`, `/models/resnet50/1`).
 */
export function modelLookahead(models: string): string {
  return `(?=(?:[\\s\\S]*?(?<![${NAME_CHAR}])(?<model>${models})(?![${NAME_CHAR}]))?)`;
}

/** `file.cc:123` (glog, absl, TF and vLLM source locations); a path where the logger prints one. */
export const SOURCE = '(?<source>[^\\s\\]]+:\\d+)';
