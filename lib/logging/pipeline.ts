/**
 * The log pipeline of one spec as plain data: which lines start a record, how records are parsed, and the
 * Fluentd (Logging Operator) and Fluent Bit forms of the same regular expressions. Pure functions, tested with a
 * real Oniguruma engine (test/logging-parsers.test.ts).
 */
import type { RuntimeLogFormat } from '../runtimes/types';
import type { ServingContext } from '../model/context';
import { modelAlternation } from '../runtimes/log-patterns';

/** Seconds the last lines of a record wait for more (spec.logging.flushIntervalSeconds). */
export const DEFAULT_FLUSH_SECONDS = 5;
/** The container whose logs are collected (the model server in every mode). */
export const SERVER_CONTAINER = 'server';
/** A line ends with a carriage return (vLLM: more lines of the same message follow). */
export const ENDS_WITH_CR = '\\r\\z';
/** A line that does not end with a carriage return. */
export const NOT_ENDING_WITH_CR = '(?<!\\r)\\z';

export interface LogPipeline {
  readonly format: RuntimeLogFormat;
  /** Matches the first line of a record. */
  readonly startPattern: string;
  /** Whole-record patterns, first match wins. */
  readonly parsePatterns: readonly string[];
  readonly carriageReturnContinues: boolean;
  /** Fields every record gets (runtime; the model where the lines never name it). */
  readonly staticFields: Readonly<Record<string, string>>;
  readonly flushSeconds: number;
}

export function logPipeline(ctx: ServingContext): LogPipeline {
  const format = ctx.runtime.logFormat(ctx.spec);
  const models = modelAlternation(ctx.spec.models.map((m) => m.name));
  return {
    format,
    startPattern: format.startPattern,
    parsePatterns: format.parsePatterns(models),
    carriageReturnContinues: format.carriageReturnContinues ?? false,
    staticFields: {
      runtime: ctx.runtime.name,
      ...(format.modelFromSpec && ctx.spec.models.length === 1 ? { model: ctx.spec.models[0].name } : {}),
    },
    flushSeconds: ctx.spec.logging?.flushIntervalSeconds ?? DEFAULT_FLUSH_SECONDS,
  };
}

/** The start pattern without its `\A` anchor (to negate it in a lookahead). */
export function startBody(p: LogPipeline): string {
  if (!p.startPattern.startsWith('\\A')) throw new Error(`start pattern of ${p.format.id} must begin with \\A`);
  return p.startPattern.slice(2);
}

/** A Fluentd regexp parameter (`/.../`: Fluentd and fluent-plugin-concat strip the slashes). */
export function fluentdRegexp(pattern: string): string {
  return `/${pattern}/`;
}

/** One Fluent Bit multiline rule: state, regex, next state. */
export interface MultilineRule {
  readonly state: string;
  readonly regex: string;
  readonly next: string;
}

/**
 * Fluent Bit multiline rules (fluent/fluent-bit `src/multiline/flb_ml_rule.c`: in a continuation the rules of the
 * current state are tried first, then the start_state rules; a line no rule matches is a record of its own).
 * Generic: a start line opens a record that every non-start line continues. Carriage-return formats (vLLM): a
 * start line ending in `\r` opens a message whose following lines all belong to it until one does not end in `\r`;
 * lines without a logger prefix (an uncaught traceback) continue the record before them.
 */
export function multilineRules(p: LogPipeline): MultilineRule[] {
  const body = startBody(p);
  const notStart = `\\A(?!${body})`;
  if (!p.carriageReturnContinues) {
    return [
      { state: 'start_state', regex: p.startPattern, next: 'cont' },
      { state: 'cont', regex: notStart, next: 'cont' },
    ];
  }
  return [
    { state: 'start_state', regex: `${p.startPattern}[\\s\\S]*${ENDS_WITH_CR}`, next: 'pending' },
    { state: 'start_state', regex: p.startPattern, next: 'cont' },
    { state: 'pending', regex: ENDS_WITH_CR, next: 'pending' },
    { state: 'pending', regex: `\\A(?![\\s\\S]*${ENDS_WITH_CR})`, next: 'cont' },
    { state: 'cont', regex: notStart, next: 'cont' },
  ];
}

/**
 * The Fluentd concat filters (fluent-plugin-concat) that build records: carriage-return formats first join the
 * lines of one message (every line is held until one does not end in `\r`), then every format appends the lines
 * that do not start a record to the record before them.
 */
export function concatStages(p: LogPipeline): { start?: string; end?: string }[] {
  return [
    ...(p.carriageReturnContinues ? [{ end: NOT_ENDING_WITH_CR }] : []),
    { start: p.startPattern },
  ];
}
