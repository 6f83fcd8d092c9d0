import { Command, OptionTable, UsageError, parseOptions } from '../command';
import { consoleFrom, consoleOptions } from './console-options';

const addOptions = {
  name: { type: 'string', help: "the system's name, e.g. the DMS product and the agencies it serves (required)" },
  ...consoleOptions,
} as const satisfies OptionTable;

/** What to run on the gateway's machine with a token just made. */
const enrolHint = (consoleUrl: string, token: string) => `on the gateway's machine: edx gateway enrol --console ${consoleUrl} --token ${token} --dir DIR --database-url \'postgres://...?sslmode=verify-full&sslrootcert=CA.pem\'`;

export const systemAddCommand: Command = {
  name: 'system add',
  summary: 'create a connected system (a gateway) and its one-time enrolment token',
  usage: 'system add ID --name NAME [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    "Creates a connected system through the console API (administrators only): its broker user and inbox queue, and a one-time enrolment token, printed once, that the gateway's operator redeems with `edx gateway enrol` on the gateway's machine (it expires after EDX_CONSOLE_ENROLMENT_TTL_HOURS, 24 by default). " +
    'Running it again for a system not enrolled yet, with the same name, prints a new token (the previous one stops working).',
  options: addOptions,
  examples: ['edx system add sys-c --name "UBND tỉnh Hà Tĩnh e-office"'],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, addOptions);
    if (positionals.length !== 1 || !values.name) throw new UsageError('give the system ID and --name NAME');
    const client = consoleFrom(values);
    const made = await client.createSystem(positionals[0], values.name);
    print(`enrolment token (shown once, valid until ${made.expiresAt}): ${made.token}`);
    print(enrolHint(client.baseUrl, made.token));
    return { ok: true, message: `System ${made.systemId} ${made.reissued ? 'has a new enrolment token' : 'is created'}; enrol its gateway with the token.`, ...made };
  },
};

export const systemTokenCommand: Command = {
  name: 'system token',
  summary: 'a new enrolment token for a connected system (e.g. its gateway moves to a new machine)',
  usage: 'system token ID [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    "Issues a new one-time enrolment token for the system ID (administrators only); the previous one stops working. The gateway that redeems it gets new broker credentials and a new console token; the old gateway's stop working when it does.",
  options: consoleOptions,
  examples: ['edx system token sys-c'],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, consoleOptions);
    if (positionals.length !== 1) throw new UsageError('give the system ID');
    const client = consoleFrom(values);
    const made = await client.newEnrolmentToken(positionals[0]);
    print(`enrolment token (shown once, valid until ${made.expiresAt}): ${made.token}`);
    print(enrolHint(client.baseUrl, made.token));
    return { ok: true, message: `System ${made.systemId} has a new enrolment token.`, ...made };
  },
};

export const systemListCommand: Command = {
  name: 'system list',
  summary: 'list the connected systems, their enrolment and their agencies',
  usage: 'system list [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description: 'Lists the connected systems from the console API: id, status, when its gateway enrolled (or until when its token waits), and the agencies it hosts.',
  options: consoleOptions,
  examples: ['edx system list', 'edx system list --json'],
  async run({ args, print }) {
    const { values } = parseOptions(args, consoleOptions);
    const { items } = await consoleFrom(values).listSystems();
    for (const s of items) {
      const enrolment = s.enrolledAt ? `enrolled ${s.enrolledAt}` : s.enrolmentExpiresAt ? `token valid until ${s.enrolmentExpiresAt}` : 'not enrolled (no valid token)';
      print(`${s.id.padEnd(16)} ${s.status.padEnd(10)} ${enrolment.padEnd(40)} ${s.agencies.map((a) => a.code).join(', ') || '-'}  ${s.name}`);
    }
    return { ok: true, message: `${items.length} system(s)`, systems: items };
  },
};
