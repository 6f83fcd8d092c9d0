import { Command, OptionTable, UsageError, parseOptions } from '../command';
import { consoleFrom, consoleOptions } from './console-options';

const addOptions = {
  role: { type: 'string', value: 'admin|operator', help: 'what the account may do: admin (everything) or operator (watch, replay, discard; no onboarding) (required)' },
  expires: { type: 'string', value: 'DAYS', default: '90', help: 'the token stops working this many days from now (1-3650)' },
  ...consoleOptions,
} as const satisfies OptionTable;

export const userAddCommand: Command = {
  name: 'user add',
  summary: 'make a named administrator or operator account; its token is shown once',
  usage: 'user add NAME --role admin|operator [--expires DAYS] [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    "Makes a named console account through the console API (administrators only). Its token is printed once, here: the console keeps only the token's SHA-256, so a lost token means a new account. " +
    'Every action the account takes is in the audit log (`GET /v1/audit`) under its name. The token expires after --expires days; `edx user revoke ID` ends it sooner.',
  options: addOptions,
  examples: ['edx user add "Nguyễn Văn An" --role operator', 'edx user add lan.tran --role admin --expires 30 --json'],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, addOptions);
    if (positionals.length !== 1) throw new UsageError('give the account NAME (quoted if it has spaces)');
    if (values.role !== 'admin' && values.role !== 'operator') throw new UsageError('--role must be admin or operator');
    const days = Number(values.expires);
    if (!/^\d+$/.test(values.expires ?? '') || days < 1 || days > 3650) throw new UsageError('--expires must be a whole number of days from 1 to 3650');
    const account = await consoleFrom(values).addUser({ name: positionals[0], role: values.role, expiresInDays: days });
    print(`token (shown once, keep it safe): ${account.token}`);
    return { ok: true, message: `Account "${account.name}" (${account.role}, id ${account.id}) expires at ${account.expiresAt}.`, ...account };
  },
};

export const userListCommand: Command = {
  name: 'user list',
  summary: 'list the named console accounts and their state',
  usage: 'user list [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description: 'Lists the named console accounts (administrators only): id, role, state (active, expired or revoked), expiry and name. Tokens are never shown again.',
  options: consoleOptions,
  examples: ['edx user list', 'edx user list --json'],
  async run({ args, print }) {
    const { values } = parseOptions(args, consoleOptions);
    const { items } = await consoleFrom(values).listUsers();
    for (const u of items) print(`${String(u.id)}  ${String(u.role).padEnd(8)} ${String(u.state).padEnd(8)} ${String(u.expiresAt ?? '-').padEnd(24)} ${String(u.name)}`);
    return { ok: true, message: `${items.length} account(s)`, users: items };
  },
};

export const userRevokeCommand: Command = {
  name: 'user revoke',
  summary: "revoke a named console account's token",
  usage: 'user revoke ID [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    'Revokes the account ID (from `edx user list`; administrators only). The console that answers refuses its token at once, every other console copy within EDX_CONSOLE_ACCOUNT_CACHE_MS. Revoking twice changes nothing.',
  options: consoleOptions,
  examples: ['edx user revoke 2f1c9a4e-7b3d-4c8a-9e21-5d0b6f3a8c17'],
  async run({ args }) {
    const { values, positionals } = parseOptions(args, consoleOptions);
    if (positionals.length !== 1) throw new UsageError('give the account ID (from `edx user list`)');
    const account = await consoleFrom(values).revokeUser(positionals[0]);
    return { ok: true, message: `Account "${account.name}" is revoked.`, ...account };
  },
};
