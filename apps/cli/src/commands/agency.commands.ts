import { readFileSync } from 'node:fs';
import { Command, UsageError, parseOptions } from '../command';
import { ConsoleClient } from '../demo/console-client';
import { readDemo } from '../output/files';

const consoleOptions = { console: { type: 'string' }, token: { type: 'string' } } as const;

/** The console client from --console/--token, defaulting to the demo's (`.edx/demo.json`). */
function consoleFrom(values: { console?: string; token?: string }): ConsoleClient {
  const demo = readDemo();
  const url = values.console ?? demo?.console.url;
  const token = values.token ?? demo?.console.adminToken;
  if (!url || !token) throw new UsageError('give --console URL and --token TOKEN (or run `npm start` first for the demo defaults)');
  return new ConsoleClient(url, token);
}

export const agencyAddCommand: Command = {
  name: 'agency add',
  summary: 'register an agency hosted by a connected system, with its signing certificate',
  usage: 'agency add --code CODE --name NAME --system SYSTEM_ID [--cert cert.pem] [--console URL --token T] [--json]',
  async run({ args }) {
    const { values } = parseOptions(args, { ...consoleOptions, code: { type: 'string' }, name: { type: 'string' }, system: { type: 'string' }, cert: { type: 'string' } });
    if (!values.code || !values.name || !values.system) throw new UsageError('--code, --name and --system are required');
    const certificatePem = values.cert ? readFileSync(values.cert, 'utf8') : undefined;
    const result = await consoleFrom(values).addAgency({ code: values.code, name: values.name, systemId: values.system, certificatePem });
    return { ok: true, message: `Agency ${result.code} is hosted by ${values.system}.`, ...result };
  },
};

export const agencyListCommand: Command = {
  name: 'agency list',
  summary: 'list the agency directory',
  usage: 'agency list [--console URL --token T] [--json]',
  async run({ args, print }) {
    const { values } = parseOptions(args, consoleOptions);
    const { items } = await consoleFrom(values).listAgencies();
    for (const a of items) print(`${String(a.code).padEnd(16)} ${String(a.status).padEnd(10)} ${String(a.systemId ?? '-').padEnd(16)} ${String(a.certificates)} cert(s)  ${String(a.name)}`);
    return { ok: true, message: `${items.length} agencies`, agencies: items };
  },
};

function statusCommand(verb: 'suspend' | 'resume'): Command {
  return {
    name: `agency ${verb}`,
    summary: verb === 'suspend' ? 'suspend an agency: it can neither send nor receive' : 'resume a suspended agency',
    usage: `agency ${verb} CODE [--console URL --token T] [--json]`,
    async run({ args }) {
      const { values, positionals } = parseOptions(args, consoleOptions);
      if (!positionals[0]) throw new UsageError('CODE is required');
      await consoleFrom(values).setAgencyStatus(positionals[0], verb === 'suspend' ? 'suspended' : 'active');
      return { ok: true, message: `Agency ${positionals[0]} is ${verb === 'suspend' ? 'suspended' : 'active'}.` };
    },
  };
}

export const agencySuspendCommand = statusCommand('suspend');
export const agencyResumeCommand = statusCommand('resume');
