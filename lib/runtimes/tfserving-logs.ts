/**
 * TensorFlow Serving's log lines (2.20.0). Two formats reach stderr:
 * - TensorFlow's own logger (tensorflow/tensorflow `third_party/xla/xla/tsl/platform/default/logging.cc`,
 *   `TFDefaultLogSink::Send`): `%Y-%m-%d %H:%M:%S.uuuuuu: <I|W|E|F>[ <tid>] <file>:<line>] <message>` in the
 *   server's local time zone (the thread id only with TF_CPP_LOG_THREAD_ID=1);
 * - Abseil's LOG, which files such as `tensorflow_serving/model_servers/server_core.cc` include
 *   (`absl/log/log.h`): `<I|W|E|F><MMDD> <HH:MM:SS.uuuuuu> <tid> <file>:<line>] <message>` (before
 *   absl::InitializeLog the time prints as `0000 00:00:<epoch seconds>`).
 * Servables print as `{name: <model> version: <n>}` (`tensorflow_serving/core/servable_id.h`).
 */
import type { RuntimeLogFormat } from './types';
import { modelLookahead, SOURCE } from './log-patterns';

const SOURCE_TEXT = '[^\\s\\]]+:\\d+';
const TSL_TIME = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{6}';
const ABSL_TIME = '\\d{4} \\d{2}:\\d{2}:\\d+\\.\\d{6}';

export const TFSERVING_LOG: RuntimeLogFormat = {
  id: 'tfserving',
  source: 'tensorflow/tensorflow third_party/xla/xla/tsl/platform/default/logging.cc (TFDefaultLogSink::Send); abseil log prefix',
  startPattern: `\\A(?:${TSL_TIME}: [IWEF](?: +\\d+)? |[IWEF]${ABSL_TIME} +\\d+ )${SOURCE_TEXT}\\]`,
  parsePatterns: (models) => [
    `\\A(?<server_time>${TSL_TIME}): (?<level>[IWEF])(?: +(?<thread>\\d+))? ${SOURCE}\\] ?${modelLookahead(models)}(?<message>[\\s\\S]*)\\z`,
    `\\A(?<level>[IWEF])(?<server_time>${ABSL_TIME}) +(?<thread>\\d+) ${SOURCE}\\] ?${modelLookahead(models)}(?<message>[\\s\\S]*)\\z`,
  ],
};
