/** The user docs speak to users: upstream sources only, and statements that match what the code does. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lintDocument } from '../lib/lint';
import { validateDocument } from '../lib/spec/load';
import { formatIssues } from '../lib/spec/errors';
import { tritonDoc } from './support/synth';

const DOCS = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

/** Files and circumstances a user of the package does not have. */
const NOT_FOR_USERS = [
  /FACTS\.md/, /\.\.\/shared/, /\bshared\/[A-Z]/, /STYLE\.md/, /style anchors?/i, /other engineers/i,
  /\bhelpers?\b.*\bbranch/i, /\bthe lead\b/i, /checked here|running here|run here/i,
];
/** Notes about the machine the sources were read on or the repository was built on, rather than about the sources. */
const NOT_FOR_USERS_WORKPLACE = [
  /this workplace/i, /\bstored (index|snapshot|upstream)/i, /available here/i, /\bhere\)? run under mocks/i,
  /(devDependency|dependency) here/i, /this repository has none/i, /out here\b/i,
  /\bmirror at\b/i, /\bsnapshots? of (the|this) repo/i, /\b\d+ pass(ed)?,/i, /shared with other (jobs|agents|work)/i, /\bscratch copy\b/i,
];

test('user docs reference no file users do not have and no note about where the project was built', () => {
  for (const f of DOCS) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      for (const re of NOT_FOR_USERS) assert.doesNotMatch(line, re, `${f}:${i + 1}: ${line}`);
      for (const re of NOT_FOR_USERS_WORKPLACE) assert.doesNotMatch(line, re, `${f}:${i + 1}: ${line}`);
    });
  }
});

test('docs/AUTOSCALING.md states what happens to spec.replicas next to spec.autoscaling, with the lint text', () => {
  const doc = tritonDoc({ replicas: 3, autoscaling: { minReplicas: 2, maxReplicas: 6 } });
  assert.deepEqual(validateDocument(doc), [], 'accepted, as the doc says');
  const md = readFileSync('docs/AUTOSCALING.md', 'utf8');
  const quoted = /`model-serving lint` says so:\n\n {4}(.*)\n/.exec(md);
  assert.ok(quoted, 'the lint warning is quoted');
  const warning = lintDocument(doc).filter((w) => w.path === 'spec.replicas');
  assert.equal(formatIssues(warning), quoted![1]);
  assert.doesNotMatch(md, /spec\.replicas` next to `spec\.autoscaling` is an error/);
});
