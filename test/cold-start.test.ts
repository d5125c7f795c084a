/**
 * The cold-start benchmark's facts (not its times): bytes fetched per model source and pod, with the real rclone
 * running the synthesized download command against a local HTTPS server (bench/cold-start.ts; its seconds are
 * reported by `npm run bench` only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { measureColdStart } from '../bench/cold-start';

const hasRclone = spawnSync('rclone', ['version'], { encoding: 'utf8' }).status === 0;

test('bytes fetched by the first, restarted, replaced and second pod of each model source', { skip: !hasRclone && 'rclone is not installed' }, async () => {
  const rows = await measureColdStart();
  const MiB = 1024 * 1024;
  // in MiB to one decimal: the image layer is a tar, a few KiB of headers over the files
  const fetched = Object.fromEntries(rows.map((r) => [r.source, r.runs.map((x) => Math.round((x.bytes / MiB) * 10) / 10)]));
  assert.deepEqual(fetched, {
    'PVC (existing claim)': [0, 0, 0, 0],
    // only the served model (16 MiB of the 48 MiB repository); a restarted pod keeps its emptyDir, a new pod has a new one
    'object store (emptyDir)': [16, 0, 16, 16],
    'object store, edge hostPath cache': [16, 0, 0, 0],
    'image volume (IfNotPresent)': [16, 0, 0, 0],
    'Hugging Face cache on a PVC': [16, 0, 0, 0],
  });
  assert.ok(rows.every((r) => r.servedBytes === 16 * MiB));
});
