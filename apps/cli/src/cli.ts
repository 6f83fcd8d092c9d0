import 'reflect-metadata';
import { EdxError } from '@edx/common';
import { Command, CommandResult, UsageError } from './command';
import { COMMANDS, COMMAND_GROUPS } from './commands';
import { commandHelpResult, commandHelpText, commandUsage, overviewResult, overviewText, usageHint } from './help';
import { closest } from './suggest';

const HELP_WORDS = ['help', '--help', '-h'];

/** Where the CLI writes: the process's streams, or a test's buffers. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PROCESS_OUTPUT: CliOutput = { stdout: (text) => void process.stdout.write(text), stderr: (text) => void process.stderr.write(text) };


function findCommand(words: string[]): { command: Command; args: string[] } | undefined {
  for (const count of [3, 2, 1]) {
    const name = words.slice(0, count).join(' ');
    const command = COMMANDS.find((c) => c.name === name);
    if (command) return { command, args: words.slice(count) };
  }
  return undefined;
}

/** `--help` or `-h` among a verb's arguments (before a `--`, after which everything is an operand). */
function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** `edx help [VERB]`, `edx --help`: the overview, or one verb's help. */
function help(words: string[], json: boolean, out: CliOutput): number {
  if (words.length === 0) return printHelp(overviewResult(COMMAND_GROUPS), overviewText(COMMAND_GROUPS), json, out);
  const found = findCommand(words);
  if (!found || found.args.length > 0) return unknownCommand(words, json, out);
  return printHelp(commandHelpResult(found.command), commandHelpText(found.command), json, out);
}

function printHelp(result: CommandResult, text: string, json: boolean, out: CliOutput): number {
  out.stdout(`${json ? JSON.stringify(result) : text}\n`);
  return 0;
}

/** A verb we do not have: the near one if it looks like a typo, the verbs of a noun given alone, else the list. */
function unknownCommand(words: string[], json: boolean, out: CliOutput): number {
  const typed = words.filter((w) => !w.startsWith('-'));
  const names = COMMANDS.map((c) => c.name);
  const near = closest(typed.slice(0, 2).join(' '), names) ?? closest(typed[0] ?? '', names);
  const ofNoun = names.filter((n) => n.startsWith(`${typed[0]} `));
  const hint = near ? `; did you mean \`edx ${near}\`?` : ofNoun.length ? `; \`edx ${typed[0]}\` takes a verb: ${ofNoun.map((n) => `\`edx ${n}\``).join(', ')}` : '';
  const shown = typed.slice(0, near?.includes(' ') || ofNoun.length ? 2 : 1).join(' ');
  const result = { ok: false, code: 'USAGE', message: `unknown command \`edx ${shown}\`${hint}`, ...(near ? { suggestion: near } : {}), commands: names };
  return report(out, result, json, 2, overviewText(COMMAND_GROUPS));
}

/**
 * Runs `edx` with these arguments and resolves with its exit code. `output` takes what it prints of
 * its own (help, usage errors, results); a verb's progress lines go to the process's streams.
 */
export async function runCli(argv: string[], out: CliOutput = PROCESS_OUTPUT): Promise<number> {
  if (argv.length === 0) {
    out.stderr(`${overviewText(COMMAND_GROUPS)}\n`);
    return 2;
  }
  if (HELP_WORDS.includes(argv[0])) return help(argv.slice(1).filter((a) => !a.startsWith('-')), argv.includes('--json'), out);
  const found = findCommand(argv);
  if (!found) return unknownCommand(argv, argv.includes('--json'), out);
  const { command, args } = found;
  // Help never runs the verb, so even the benchmark's `--json FILE` asks for JSON help here.
  if (asksForHelp(args)) return printHelp(commandHelpResult(command), commandHelpText(command), args.includes('--json'), out);
  const json = args.includes('--json') && command.jsonOption !== 'file';
  const print = json ? () => undefined : (line: string) => out.stdout(`${line}\n`);
  try {
    const result = await command.run({ args, json, print });
    return report(out, result, json, result.ok ? 0 : 1);
  } catch (error) {
    if (error instanceof UsageError) return report(out, { ok: false, code: 'USAGE', message: error.message, usage: commandUsage(command) }, json, 2, usageHint(command));
    if (error instanceof EdxError) return report(out, { ok: false, ...error.toJSON() }, json, 1);
    throw error;
  }
}

/** The result as one JSON object, or as text; `details` are lines for a person only (a usage, a list). */
function report(out: CliOutput, result: CommandResult, json: boolean, exitCode: number, details?: string): number {
  if (json) out.stdout(`${JSON.stringify(result)}\n`);
  else if (!result.ok) out.stderr(`${result.code ?? 'ERROR'}: ${result.message ?? ''}\n${details ? `${details}\n` : ''}`);
  else if (result.message) out.stdout(`${result.message}\n`);
  return exitCode;
}
