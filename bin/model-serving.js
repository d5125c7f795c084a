#!/usr/bin/env node
// The compiled CLI when the package is built (npm run build); in a source checkout, the TypeScript through tsx.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const built = join(__dirname, '..', 'build', 'lib', 'cli', 'main.js');
let cli;
if (existsSync(built)) cli = require(built);
else {
  // a source checkout (git clone without `npm install`, which builds through `prepare`): tsx is a devDependency
  try {
    require.resolve('tsx/cjs');
  } catch {
    process.stderr.write('model-serving: build/lib/cli/main.js is missing; run `npm install` (it builds) or `npm run build`\n');
    process.exit(2);
  }
  require('tsx/cjs');
  cli = require(join(__dirname, '..', 'lib', 'cli', 'main.ts'));
}
process.exitCode = cli.main(process.argv.slice(2));
