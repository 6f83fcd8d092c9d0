// Two projects: unit specs beside the code (no servers), end-to-end tests in test/ (real RabbitMQ
// and PostgreSQL). SWC transpiles; `npm run typecheck` is the type gate.
const fs = require('node:fs');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const moduleNameMapper = {
  '^@edx/(common|edxml|trust|messaging|storage|testing)$': '<rootDir>/libs/$1/src',
};
const transform = { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] };
const base = { rootDir: __dirname, testEnvironment: 'node', moduleNameMapper, transform, setupFiles: ['<rootDir>/libs/testing/src/quiet-logs.ts'] };
module.exports = {
  // Real servers: a test that waits on the broker or the database gets time, never a sleep.
  testTimeout: 120000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
