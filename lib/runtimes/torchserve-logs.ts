/**
 * TorchServe's log lines (pytorch/serve v0.12.0 `frontend/server/src/main/resources/log4j2.xml`, appender STDOUT):
 * `%d{ISO8601} [%-5p] %t %c - %m%n`, e.g.
 * `2024-04-08T14:18:02,699 [INFO ] main org.pytorch.serve.wlm.ModelManager - Model resnet-18 loaded.`
 * Java exceptions follow their message on lines without the prefix. A worker's output is logged one line per
 * record by the thread `W-<port>-<model>_<version>-stdout|-stderr` (`wlm/WorkerLifeCycle.java` ReaderThread), so
 * a Python traceback in a handler is one record per line: query the thread to read it whole.
 */
import type { RuntimeLogFormat } from './types';

const TIME = '\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2},\\d{3}';

export const TORCHSERVE_LOG: RuntimeLogFormat = {
  id: 'torchserve',
  source: 'pytorch/serve v0.12.0 frontend/server/src/main/resources/log4j2.xml (PatternLayout of STDOUT)',
  startPattern: `\\A${TIME} \\[[A-Z]+ *\\] `,
  parsePatterns: () => [
    `\\A(?<server_time>${TIME}) \\[(?<level>[A-Z]+) *\\] (?<thread>W-\\d+-(?<model>\\S+)_(?<model_version>[^_\\s]+?)(?:-std(?:out|err))?|\\S+) (?<logger>\\S+) - ?(?<message>[\\s\\S]*)\\z`,
  ],
};
