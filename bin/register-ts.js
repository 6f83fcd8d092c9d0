/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: this runs before any TypeScript loader. */
// Loads the TypeScript sources directly (SWC, the same settings as jest) with the @edx/* aliases: what
// `edx` runs before the first build, and what tests use to run the real apps as child processes.
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const swc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...swc, filename, swcrc: false, sourceMaps: 'inline' });
  module._compile(code, filename);
};
const { compilerOptions } = require(path.join(root, 'tsconfig.json'));
require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });
