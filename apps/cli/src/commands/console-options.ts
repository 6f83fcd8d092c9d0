import { OptionTable, UsageError } from '../command';
import { ConsoleClient } from '../demo/console-client';
import { readDemo } from '../output/files';
import { caFrom, cacertOption } from './transport-options';

/** The options of every verb that talks to the console's API. */
export const consoleOptions = {
  console: { type: 'string', value: 'URL', help: "the console's URL (default: the demo's, from .edx/demo.json)" },
  token: { type: 'string', value: 'TOKEN', help: "an administrator or operator token of the console (default: the demo's administrator token)" },
  ...cacertOption,
} as const satisfies OptionTable;

/** The console client from --console/--token/--cacert, defaulting to the demo's (`.edx/demo.json`, `.edx/pki/transport/ca.pem`). */
export function consoleFrom(values: { console?: string; token?: string; cacert?: string }): ConsoleClient {
  const demo = readDemo();
  const url = values.console ?? demo?.console.url;
  const token = values.token ?? demo?.console.adminToken;
  if (!url || !token) throw new UsageError('give --console URL and --token TOKEN (or run `npm start` first for the demo defaults)');
  return new ConsoleClient(url, token, { ca: caFrom(values) });
}
