import path from 'node:path';
import { readPassphraseFile } from '@edx/common';
import { Command, OptionTable, UsageError, parseOptions } from '../command';
import { enrolGateway, makeAgencyKey } from '../gateway/gateway-folder';
import { cacertOption, caFrom } from './transport-options';

const passphraseOption = {
  'passphrase-file': { type: 'string', value: 'FILE', help: 'encrypt the keys made here with the passphrase in FILE (the gateway reads the same file: EDX_KEY_PASSPHRASE_FILE)' },
} as const satisfies OptionTable;

const enrolOptions = {
  console: { type: 'string', value: 'URL', help: "the console's URL (required)" },
  token: { type: 'string', value: 'TOKEN', help: 'the enrolment token `edx system add` printed (required)' },
  dir: { type: 'string', value: 'DIR', default: '.', help: "the gateway's folder: everything it starts from is written here" },
  'database-url': { type: 'string', value: 'URL', help: "the gateway's own PostgreSQL database (required the first time)" },
  host: { type: 'string', value: 'NAME[,NAME]', help: 'the DNS names and IP addresses the gateway serves HTTPS on: the console issues its server certificate for them (DIR/https/cert.pem), when it issues them' },
  ...cacertOption,
  ...passphraseOption,
} as const satisfies OptionTable;

const passphraseOf = (file: string | undefined) => (file ? readPassphraseFile(file) : undefined);

export const gatewayEnrolCommand: Command = {
  name: 'gateway enrol',
  summary: "enrol this machine's gateway with the console: keys made here, credentials fetched, configuration written",
  usage: 'gateway enrol --console URL --token TOKEN [--dir DIR] [--database-url URL] [--host NAME[,NAME]] [--cacert FILE] [--passphrase-file FILE] [--json]',
  description:
    "Run on the gateway's machine with the enrolment token of `edx system add`. It makes the system's key in DIR/transport/ (it never leaves this machine; the console sees a request signed with it), redeems the token, and writes DIR/gateway.json with the system's broker credentials, the trust anchors (DIR/trust/) and the system's console token (DIR/console-token); --cacert is the CA the console's HTTPS certificate chains to, which the gateway keeps trusting for its calls to the console (DIR/trust/console-ca.pem). " +
    'The gateway then starts from that folder alone (EDX_GATEWAY_CONFIG=DIR/gateway.json) and reads the agencies it hosts from the console while it runs. Running it again with the same token and folder is safe.',
  options: enrolOptions,
  examples: ['edx gateway enrol --console https://console.example.gov.vn --token edxenrol_... --dir /srv/edx-gateway --database-url \'postgres://edx@db.example.gov.vn:5432/edx_gateway?sslmode=verify-full&sslrootcert=/etc/ssl/edx-db-ca.pem\''],
  async run({ args, print }) {
    const { values } = parseOptions(args, enrolOptions);
    if (!values.console || !values.token) throw new UsageError('--console URL and --token TOKEN are required');
    const result = await enrolGateway({ consoleUrl: values.console, consoleCa: caFrom(values), hosts: values.host?.split(',').map((h) => h.trim()).filter(Boolean), token: values.token, dir: values.dir, databaseUrl: values['database-url'], passphrase: passphraseOf(values['passphrase-file']) });
    const hosted = result.enrolment.agencies.map((a) => a.code);
    print(`agencies hosted: ${hosted.join(', ') || 'none yet'}; for each, run \`edx gateway key CODE --dir ${values.dir}\` here`);
    const https = result.enrolment.https
      ? `EDX_HTTPS_CERT_FILE=${path.join(values.dir, 'https', 'cert.pem')} EDX_HTTPS_KEY_FILE=${path.join(values.dir, 'transport', 'key.pem')} `
      : 'EDX_HTTPS_CERT_FILE=... EDX_HTTPS_KEY_FILE=... (the console issues no HTTPS certificates: bring one from your CA) ';
    // The hub's blob API (large attachments by claim check) is on the hub's host, which the console does not say.
    const hub = `EDX_HUB_URL=https://${new URL(values.console).hostname}:8082 `;
    print(`start the gateway (after \`npm run build\`): ${https}${hub}EDX_GATEWAY_CONFIG=${result.configFile} npm run start:gateway  (EDX_HUB_URL: the hub's address, if it is not on the console's host)`);
    return { ok: true, message: `Gateway of system ${result.systemId} enrolled: ${result.configFile}`, systemId: result.systemId, configFile: result.configFile, agencies: hosted, https: result.enrolment.https ? { certFile: path.join(values.dir, 'https', 'cert.pem'), keyFile: path.join(values.dir, 'transport', 'key.pem'), hosts: result.enrolment.https.hosts } : null };
  },
};

const keyOptions = {
  dir: { type: 'string', value: 'DIR', default: '.', help: "the gateway's folder (of `edx gateway enrol`)" },
  'new-api-key': { type: 'boolean', help: "replace the agency's API key (the DMS's old one stops working at the gateway's next directory read)" },
  ...passphraseOption,
} as const satisfies OptionTable;

export const gatewayKeyCommand: Command = {
  name: 'gateway key',
  summary: "make an agency's signing key and its DMS API key in the gateway's folder",
  usage: 'gateway key CODE [--dir DIR] [--new-api-key] [--passphrase-file FILE] [--json]',
  description:
    "Run on the gateway's machine for each agency it hosts. Makes the agency's signing key in DIR/agencies/CODE/key.pem (kept if it exists: a re-run changes nothing), writes a certificate request for it (request.csr) for the agency's CA, and makes the API key its DMS sends (printed once; the gateway keeps its SHA-256). " +
    'When the certificate the CA issued for that request is registered (`edx agency add --code CODE --system ID --cert cert.pem`), the running gateway starts serving the agency within its directory refresh (10 s), without a restart.',
  options: keyOptions,
  examples: ['edx gateway key 000.00.00.H42 --dir /srv/edx-gateway', 'edx gateway key 000.00.00.H42 --dir /srv/edx-gateway --new-api-key --json'],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, keyOptions);
    if (positionals.length !== 1) throw new UsageError('give the agency CODE');
    const key = makeAgencyKey({ dir: values.dir, code: positionals[0], passphrase: passphraseOf(values['passphrase-file']), newApiKey: values['new-api-key'] === true });
    if (key.apiKey) print(`x-api-key for ${key.code}'s DMS (shown once): ${key.apiKey}`);
    print(`certificate request for the CA: ${key.requestFile}`);
    return {
      ok: true,
      message: `${key.made ? 'Made' : 'Kept'} the signing key of ${key.code} in ${path.dirname(key.keyFile)}${key.apiKey ? ' and a new API key' : '; its API key is unchanged (--new-api-key replaces it)'}.`,
      code: key.code, keyFile: key.keyFile, requestFile: key.requestFile, apiKey: key.apiKey,
    };
  },
};
