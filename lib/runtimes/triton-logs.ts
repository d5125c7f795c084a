/**
 * Triton's log lines (triton-inference-server/common `src/logging.cc`, `include/triton/common/logging.h`, branch
 * r26.07; formats documented in server `docs/protocol/extension_logging.md` at v2.71.0):
 * - default: `<level><MMDD> <HH:MM:SS.uuuuuu> <pid> <file>:<line>] <message>`, e.g.
 *   `I0520 20:03:25.829575 3355 model_lifecycle.cc:441] "AsyncLoad() 'simple'"` (UTC, no year);
 * - `--log-format=ISO8601`: `<YYYY-MM-DDTHH:MM:SSZ> <level> <pid> <file>:<line>] <message>`.
 * Levels I, W, E (INFO to stdout, WARNING and ERROR to stderr). Messages are JSON-escaped strings (quoted) unless
 * TRITON_SERVER_ESCAPE_LOG_MESSAGES=0; tables and protobuf dumps are unescaped multi-line records whose following
 * lines carry no prefix ("multi-line entries end when the next log entry begins").
 */
import type { ModelServingSpec } from '../spec/schema/spec';
import type { RuntimeLogFormat } from './types';
import { modelLookahead, SOURCE } from './log-patterns';

const SOURCE_TEXT = '[^\\s\\]]+:\\d+';
/**
 * The message, with the model looked up in it. The quotes of an escaped message are dropped as a pair only: a
 * leading `"` is taken when the text also ends in one, and the message then stops before the last `"` (it starts
 * right after a `"`); otherwise (no leading quote: the prefix ends in `]` or a space) it runs to the end, so an
 * unescaped message ending in a quote (`backend: "python"`) keeps it. Named groups only: Fluentd and Fluent Bit
 * turn every named group into a field.
 */
const message = (models: string) =>
  `(?:"(?=[\\s\\S]*"\\z))?${modelLookahead(models)}(?<message>(?<=")[\\s\\S]*?(?="\\z)|(?<!")[\\s\\S]*)"?\\z`;

export const TRITON_LOG_DEFAULT: RuntimeLogFormat = {
  id: 'triton-default',
  source: 'triton-inference-server/common src/logging.cc (r26.07): LogPreamble, Format::kDEFAULT',
  startPattern: `\\A[IWE]\\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d{6} \\d+ ${SOURCE_TEXT}\\]`,
  parsePatterns: (models) => [
    `\\A(?<level>[IWE])(?<server_time>\\d{4} \\d{2}:\\d{2}:\\d{2}\\.\\d{6}) (?<pid>\\d+) ${SOURCE}\\] ?${message(models)}`,
  ],
};

export const TRITON_LOG_ISO8601: RuntimeLogFormat = {
  id: 'triton-iso8601',
  source: 'triton-inference-server/common src/logging.cc (r26.07): LogPreamble, Format::kISO8601',
  startPattern: `\\A\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z [IWE] \\d+ ${SOURCE_TEXT}\\]`,
  parsePatterns: (models) => [
    `\\A(?<server_time>\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z) (?<level>[IWE]) (?<pid>\\d+) ${SOURCE}\\] ?${message(models)}`,
  ],
};

/** The format the server's arguments select: `--log-format ISO8601` (or `=ISO8601`) in spec.extraArgs, else the default. */
export function tritonLogFormat(spec: ModelServingSpec): RuntimeLogFormat {
  const args = spec.extraArgs ?? [];
  const iso = args.some((a, i) => /^--log-format=ISO8601$/i.test(a) || (a === '--log-format' && /^ISO8601$/i.test(args[i + 1] ?? '')));
  return iso ? TRITON_LOG_ISO8601 : TRITON_LOG_DEFAULT;
}
