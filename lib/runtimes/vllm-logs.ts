/**
 * vLLM's log lines. The `vllm` logger (vllm-project/vllm `vllm/logger.py`: `_FORMAT`
 * `%(levelname)s %(asctime)s [%(fileinfo)s:%(lineno)d] %(message)s`, date format `%m-%d %H:%M:%S`) writes to stdout
 * through `vllm/logging_utils/formatter.py` NewLineFormatter, which repeats the prefix on every line of a
 * multi-line message and ends all but the last line with `\r`. Processes started by vLLM prefix each line they
 * write with `(<process name> pid=<pid>) ` (`_add_prefix`), so an uncaught traceback in the engine core reads
 * `(EngineCore_DP0 pid=322) Traceback (most recent call last):` without a logger prefix. Uvicorn's own lines read
 * `INFO:     <message>`. Colours only reach a terminal (VLLM_LOGGING_COLOR, NO_COLOR); VLLM_LOGGING_PREFIX must be
 * empty for these patterns. Older releases printed `<file>:<line>]` without the bracket; both are accepted.
 */
import type { RuntimeLogFormat } from './types';

const LEVEL = 'DEBUG|INFO|WARNING|ERROR|CRITICAL';
const TIME = '\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}';

export const VLLM_LOG: RuntimeLogFormat = {
  id: 'vllm',
  source: 'vllm-project/vllm vllm/logger.py (_FORMAT, _DATE_FORMAT), vllm/logging_utils/formatter.py (NewLineFormatter)',
  startPattern: `\\A(?:\\([^()\\s]+ pid=\\d+\\) )*(?:${LEVEL})(?: ${TIME} \\[?[^\\s\\]]+:\\d+\\]|:) `,
  carriageReturnContinues: true,
  // vLLM serves one model: its lines never name it
  modelFromSpec: true,
  parsePatterns: () => [
    `\\A(?:\\((?<process>[^()\\s]+) pid=(?<pid>\\d+)\\) )*(?<level>${LEVEL})(?: (?<server_time>${TIME}) \\[?(?<source>[^\\s\\]]+:\\d+)\\] |: +)(?<message>[\\s\\S]*?)\\r?\\z`,
  ],
};
