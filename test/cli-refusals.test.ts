/** Command-line refusals: each bad command line is refused with one line naming the option, exit 2, nothing written. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tritonDoc } from './support/synth';
import { runCli as run } from './support/cli';

const tmp = () => mkdtempSync(join(tmpdir(), 'ms-refuse-'));
function specFile(dir: string): string {
  const f = join(dir, 'm.yaml');
  writeFileSync(f, JSON.stringify(tritonDoc({}, { name: 'm' })));
  return f;
}
const usage = (cmd: string, message: string) => ({ code: 2, out: '', err: `model-serving ${cmd}: ${message}\nRun 'model-serving ${cmd} --help'.\n` });

test('refuses diff without -o DIR, or with -o - (there is no folder to compare with)', () => {
  const dir = tmp();
  const f = specFile(dir);
  const message = 'diff needs -o DIR, the output directory to compare with';
  assert.deepEqual(run(['diff', f]), usage('diff', message));
  assert.deepEqual(run(['diff', f, '-o', '-']), usage('diff', message));
  assert.deepEqual(readdirSync(dir), ['m.yaml']);
});

test('refuses init given a FILE (the output is named with -o FILE)', () => {
  const dir = tmp();
  assert.deepEqual(run(['init', '--runtime', 'vllm', join(dir, 'chat.yaml')]),
    usage('init', `init takes no FILE (got ${join(dir, 'chat.yaml')}); name the output with -o FILE`));
  assert.deepEqual(readdirSync(dir), []);
});

test('refuses init onto an existing file without --force, leaving the file as it was', () => {
  const dir = tmp();
  const file = join(dir, 'chat.yaml');
  writeFileSync(file, 'mine\n');
  assert.deepEqual(run(['init', '--runtime', 'vllm', '-o', file]), { code: 2, out: '', err: `model-serving init: ${file} exists; use --force to replace it\n` });
  assert.equal(readFileSync(file, 'utf8'), 'mine\n');
  assert.deepEqual(readdirSync(dir), ['chat.yaml'], 'no temporary file left behind');
});

test('refuses - (standard input) given twice as FILE', () => {
  const text = JSON.stringify(tritonDoc({}, { name: 'piped' }));
  for (const cmd of ['validate', 'lint', 'synth']) {
    const argv = cmd === 'synth' ? [cmd, '-', '-', '-o', '-'] : [cmd, '-', '-'];
    assert.deepEqual(run(argv, text), usage(cmd, '- (standard input) can be given once'));
  }
});

test('refuses lint --peak-rps without --replica-rps and the reverse: they go together', () => {
  const f = specFile(tmp());
  assert.deepEqual(run(['lint', f, '--peak-rps', '100']), usage('lint', '--peak-rps and --replica-rps go together'));
  assert.deepEqual(run(['lint', f, '--replica-rps', '10']), usage('lint', '--peak-rps and --replica-rps go together'));
  assert.equal(run(['lint', f, '--peak-rps', '100', '--replica-rps', '10']).code, 0);
});

test('refuses lint --peak-rps and --replica-rps that are not positive numbers', () => {
  const f = specFile(tmp());
  assert.deepEqual(run(['lint', f, '--peak-rps', '0', '--replica-rps', '10']), usage('lint', '--peak-rps must be a positive number (got "0")'));
  assert.deepEqual(run(['lint', f, '--peak-rps', 'lots', '--replica-rps', '10']), usage('lint', '--peak-rps must be a positive number (got "lots")'));
  assert.deepEqual(run(['lint', f, '--peak-rps', '100', '--replica-rps=-5']), usage('lint', '--replica-rps must be a positive number (got "-5")'));
  assert.deepEqual(run(['lint', f, '--peak-rps', '100', '--replica-rps', 'Infinity']), usage('lint', '--replica-rps must be a positive number (got "Infinity")'));
});
