import { parseArgs, ParseArgsConfig } from 'node:util';

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

export interface Command {
  /** e.g. "validate" or "pki init". */
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** `file`: this verb's `--json FILE` writes a report file (the benchmark); stdout stays text. */
  readonly jsonOption?: 'flag' | 'file';
  run(context: CommandContext): Promise<CommandResult>;
}

/** Thrown for a usage error (exit code 2). */
export class UsageError extends Error {}

export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { json: { type: 'boolean' }, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}
