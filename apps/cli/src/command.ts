import { parseArgs } from 'node:util';
import { closest } from './suggest';

/** What a verb reports: printed as text, or as one JSON object with --json. */
export interface CommandResult {
  readonly ok: boolean;
  readonly code?: string;
  readonly message?: string;
  readonly [key: string]: unknown;
}

export interface CommandContext {
  readonly args: string[];
  readonly json: boolean;
  /** Progress and human output; silent under --json so stdout stays one JSON object. */
  readonly print: (line: string) => void;
}

/**
 * One option of a verb. The same table is what parseOptions parses and what `--help` prints, so the
 * two cannot drift; `default` is applied by the parser and shown in the help.
 */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** What the help says the option means. */
  readonly help: string;
  /** The placeholder for its value in the help, e.g. DIR (default: the option's name in capitals). */
  readonly value?: string;
  readonly default?: string;
  readonly short?: string;
}

export type OptionTable = Readonly<Record<string, OptionSpec>>;

export interface Command {
  /** e.g. "validate" or "pki init". */
  readonly name: string;
  /** One line, for `edx help`. */
  readonly summary: string;
  /** Everything after `edx `: operands and options, `[...]` for optional ones. */
  readonly usage: string;
  /** A short paragraph for `edx VERB --help`: what the verb does, what its operands are. */
  readonly description: string;
  /** Every option the verb takes (not --json, which every verb has). */
  readonly options: OptionTable;
  /** Complete command lines, starting with `edx`, that work as given (after `npm start` where they need the demo). */
  readonly examples: readonly string[];
  /** `file`: this verb's `--json FILE` writes a report file (the benchmark); stdout stays text. */
  readonly jsonOption?: 'flag' | 'file';
  run(context: CommandContext): Promise<CommandResult>;
}

/** Thrown for a usage error (exit code 2). */
export class UsageError extends Error {}

export const JSON_OPTION = { type: 'boolean', help: 'print exactly one JSON object { ok, code?, message?, ... } on stdout instead of text' } as const satisfies OptionSpec;

export function parseOptions<T extends OptionTable>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { json: JSON_OPTION, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(error, Object.keys(options)));
  }
}

/** node:util's parse errors, said in a line (its unknown-option text is about `--` positionals). */
function describeParseError(error: unknown, names: string[]): string {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'(-[^' ]+)/.exec(message ?? '')?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) {
    const near = closest(option.replace(/^-+/, ''), names);
    return `unknown option ${option}${near ? ` (did you mean --${near}?)` : ''}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    return /missing|ambiguous/.test(message ?? '') ? `${option} needs a value` : `${option} takes no value`;
  }
  return message ?? String(error);
}
