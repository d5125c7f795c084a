/** The CLI in-process: its exit code and what it wrote to stdout and stderr (and, optionally, what stdin holds). */
import { main } from '../../lib/cli/main';

export function runCli(argv: string[], stdin?: string): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, { out: (s) => (out += s), err: (s) => (err += s), ...(stdin !== undefined ? { stdin: () => stdin } : {}) });
  return { code, out, err };
}
