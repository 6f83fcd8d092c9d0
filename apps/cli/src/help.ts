import { Command, CommandResult, JSON_OPTION, OptionSpec } from './command';

/** A heading of `edx help` and the verbs under it. */
export interface CommandGroup {
  readonly title: string;
  readonly commands: readonly Command[];
}

const WIDTH = 100;

/** Words filled into lines of at most WIDTH columns, every line after the first indented. */
function wrap(text: string, indent: number, firstIndent = indent): string {
  const lines: string[] = [];
  let line = ' '.repeat(firstIndent);
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.trim() && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(indent) + word;
    } else line += (line.trim() ? ' ' : '') + word;
  }
  return [...lines, line].join('\n');
}

interface OptionHelp {
  readonly name: string;
  readonly value?: string;
  readonly help: string;
  readonly default?: string;
}

/** The verb's options as help shows them: its table, then --json (unless the verb has its own) and --help. */
function optionHelp(command: Command): OptionHelp[] {
  const entry = (name: string, spec: OptionSpec): OptionHelp => ({
    name: `--${name}`,
    ...(spec.type === 'string' ? { value: spec.value ?? name.toUpperCase() } : {}),
    help: spec.help,
    ...(spec.default !== undefined ? { default: spec.default } : {}),
  });
  const table = { ...command.options, json: command.options.json ?? JSON_OPTION };
  return [...Object.entries(table).map(([name, spec]) => entry(name, spec)), { name: '--help', help: 'show this help (also -h)' }];
}

export function commandUsage(command: Command): string {
  return `edx ${command.usage}`;
}

/** What a usage error adds after its message: the verb's usage and where to read more. */
export function usageHint(command: Command): string {
  return `usage: ${commandUsage(command)}\nedx ${command.name} --help for details`;
}

export function commandHelpResult(command: Command): CommandResult {
  return { ok: true, command: command.name, usage: commandUsage(command), description: command.description, options: optionHelp(command), examples: command.examples };
}

export function commandHelpText(command: Command): string {
  const options = optionHelp(command);
  const labels = options.map((o) => `${o.name}${o.value ? ` ${o.value}` : ''}`);
  const column = Math.min(26, Math.max(...labels.map((l) => l.length)) + 4);
  const optionLines = options.map((o, i) => {
    const text = `${o.help}${o.default !== undefined ? ` (default: ${o.default})` : ''}`;
    const label = `  ${labels[i]}`;
    return label.length + 2 > column ? `${label}\n${wrap(text, column)}` : wrap(text, column, column).replace(/^ +/, label.padEnd(column));
  });
  return [
    `usage: ${commandUsage(command)}`,
    '',
    wrap(command.description, 0),
    '',
    'options:',
    ...optionLines,
    '',
    'examples:',
    ...command.examples.map((e) => `  ${e}`),
  ].join('\n');
}

export function overviewText(groups: readonly CommandGroup[]): string {
  const width = Math.max(...groups.flatMap((g) => g.commands.map((c) => c.name.length))) + 4;
  return [
    'usage: edx <command> [options] [--json]',
    '',
    ...groups.flatMap((g) => [`${g.title}:`, ...g.commands.map((c) => wrap(c.summary, width + 2, width + 2).replace(/^ +/, `  ${c.name.padEnd(width)}`)), '']),
    'Every command takes --json (one JSON object on stdout); exit 0 ok, 1 a failed check, 2 a usage error.',
    'edx help VERB for details (e.g. edx help pki issue, or edx pki issue --help)',
  ].join('\n');
}

export function overviewResult(groups: readonly CommandGroup[]): CommandResult {
  return {
    ok: true,
    groups: groups.map((g) => ({ title: g.title, commands: g.commands.map((c) => ({ command: c.name, summary: c.summary, usage: commandUsage(c) })) })),
  };
}
