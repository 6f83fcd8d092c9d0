// Resolves the @edx/* library aliases against the compiled tree in dist/ (see tsconfig.json paths).
const path = require('node:path');
const { compilerOptions } = require('../tsconfig.json');
require('tsconfig-paths').register({ baseUrl: path.join(__dirname, '..', 'dist'), paths: compilerOptions.paths });
