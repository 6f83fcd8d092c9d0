#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: this runs before any TypeScript loader. */
// The `edx` command: the compiled CLI when there is one (`npm run build`, `npm start`), otherwise the
// TypeScript sources through SWC, so `npx edx` works in a fresh clone right after `npm ci`.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
const sources = path.join(root, 'apps', 'cli', 'src', 'main.ts');

/** The package a failed require could not find (not one of our own files). */
function missingPackage(error) {
  const match = error && error.code === 'MODULE_NOT_FOUND' && /Cannot find module '([^']+)'/.exec(error.message);
  return match && !match[1].startsWith('.') && !path.isAbsolute(match[1]) ? match[1] : undefined;
}

function stop(line) {
  process.stderr.write(`edx: ${line}\n`);
  process.exit(2);
}

try {
  if (fs.existsSync(compiled)) {
    require('./register-paths');
    require(compiled);
  } else {
    try {
      require('./register-ts');
    } catch (error) {
      // e.g. SWC's native binary is missing for this platform: the compiled CLI does without it.
      if (!missingPackage(error)) stop(`cannot run the sources (${String(error.message).split('\n')[0]}); run \`npm run build\``);
      throw error;
    }
    require(sources);
  }
} catch (error) {
  const missing = missingPackage(error);
  if (!missing) throw error;
  stop(`${missing} is not installed; run \`npm ci\``);
}
