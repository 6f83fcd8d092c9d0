import 'reflect-metadata';
import { EdxError } from '@edx/common';
import { Command, CommandResult, UsageError } from './command';
import { COMMANDS } from './commands';

function findCommand(argv: string[]): { command: Command; args: string[] } | undefined {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, args: argv.slice(words) };
  }
  return undefined;
}

function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return ['usage: edx <command> [options] [--json]', '', ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const found = findCommand(argv);
  const json = argv.includes('--json') && found?.command.jsonOption !== 'file';
  if (!found) {
    if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') {
      process.stdout.write(`${helpText()}\n`);
      return argv.length === 0 ? 2 : 0;
    }
    return report({ ok: false, code: 'USAGE', message: `unknown command: ${argv.join(' ')}\n${helpText()}` }, json, 2);
  }
  const print = json ? () => undefined : (line: string) => process.stdout.write(`${line}\n`);
  try {
    const result = await found.command.run({ args: found.args, json, print });
    return report(result, json, result.ok ? 0 : 1);
  } catch (error) {
    if (error instanceof UsageError) {
      return report({ ok: false, code: 'USAGE', message: `${error.message}\nusage: edx ${found.command.usage}` }, json, 2);
    }
    if (error instanceof EdxError) return report({ ok: false, ...error.toJSON() }, json, 1);
    throw error;
  }
}

function report(result: CommandResult, json: boolean, exitCode: number): number {
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else if (!result.ok) process.stderr.write(`${result.code ?? 'ERROR'}: ${result.message ?? ''}\n`);
  else if (result.message) process.stdout.write(`${result.message}\n`);
  return exitCode;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`edx: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
