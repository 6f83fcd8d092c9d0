// Loads the TypeScript sources directly (SWC, the same settings as jest) with the @edx/* aliases, so
// fault tests can run the real apps as child processes without a build step.
const fs = require('node:fs');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '../..');
const swc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...swc, filename, swcrc: false, sourceMaps: 'inline' });
  module._compile(code, filename);
};
const { compilerOptions } = require(path.join(root, 'tsconfig.json'));
require('tsconfig-paths').register({ baseUrl: root, paths: compilerOptions.paths });
