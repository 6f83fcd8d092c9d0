#!/usr/bin/env node
// The `edx` command. Runs the compiled CLI; `npm run build` (or `npm start`) compiles it.
const fs = require('node:fs');
const path = require('node:path');
const entry = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!fs.existsSync(entry)) {
  process.stderr.write('edx: not built yet; run `npm run build` first.\n');
  process.exit(2);
}
require('./register-paths');
require(entry);
