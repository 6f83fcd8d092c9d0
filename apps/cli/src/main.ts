import 'reflect-metadata';
import { runCli } from './cli';

// The `edx` command (bin/edx.js runs this, from sources or built).
runCli(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`edx: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
