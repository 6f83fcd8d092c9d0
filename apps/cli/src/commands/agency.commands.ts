import { readFileSync } from 'node:fs';
import { Command, OptionTable, UsageError, parseOptions } from '../command';
import { consoleFrom, consoleOptions } from './console-options';

const addOptions = {
  code: { type: 'string', help: 'the agency code, e.g. 000.00.00.H41 (required)' },
  name: { type: 'string', help: "the agency's name (required)" },
  system: { type: 'string', value: 'SYSTEM_ID', help: 'the connected system that hosts it, e.g. sys-b (required)' },
  cert: { type: 'string', value: 'cert.pem', help: "the agency's signing certificate (PEM), which receivers trust for its code" },
  parent: { type: 'string', value: 'CODE', help: 'the agency it belongs to in the hierarchy (registered already)' },
  ...consoleOptions,
} as const satisfies OptionTable;

export const agencyAddCommand: Command = {
  name: 'agency add',
  summary: 'register an agency hosted by a connected system, with its signing certificate',
  usage: 'agency add --code CODE --name NAME --system SYSTEM_ID [--cert cert.pem] [--parent CODE] [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    'Registers an agency in the exchange\'s directory through the console API: its code and name, the connected system (gateway) that hosts it and, with --cert, its signing certificate (e.g. from `edx pki issue --out DIR`: DIR/cert.pem). ' +
    'The hub then routes documents for the code to that system, and --cert is what the agency\'s signatures are checked against. After `npm start` it needs no --console or --token.',
  options: addOptions,
  examples: [
    'edx agency add --code 000.00.00.H42 --name "UBND tỉnh Hà Tĩnh" --system sys-b --cert ha-tinh/cert.pem',
    'edx agency add --code 000.00.00.H42 --name "UBND tỉnh Hà Tĩnh" --system sys-b --console https://127.0.0.1:8080 --token TOKEN --cacert .edx/pki/transport/ca.pem',
  ],
  async run({ args }) {
    const { values } = parseOptions(args, addOptions);
    if (!values.code || !values.name || !values.system) throw new UsageError('--code, --name and --system are required');
    const certificatePem = values.cert ? readFileSync(values.cert, 'utf8') : undefined;
    const result = await consoleFrom(values).addAgency({ code: values.code, name: values.name, systemId: values.system, certificatePem, parentCode: values.parent });
    return { ok: true, message: `Agency ${result.code} is hosted by ${values.system}.`, ...result };
  },
};

const listOptions = {
  q: { type: 'string', value: 'TEXT', help: 'a code prefix, or words of the name (accents and case ignored)' },
  status: { type: 'string', value: 'S', help: 'active or suspended' },
  parent: { type: 'string', value: 'CODE', help: 'only the children of this agency' },
  ...consoleOptions,
} as const satisfies OptionTable;

export const agencyListCommand: Command = {
  name: 'agency list',
  summary: 'list or search the agency directory',
  usage: 'agency list [--q TEXT] [--status S] [--parent CODE] [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    'Lists the agencies in the exchange\'s directory, from the console API: code, status (active or suspended), hosting system, number of certificates and name. ' +
    '--q matches a code prefix or words of the name, ignoring accents and case ("nghe an" finds "UBND tỉnh Nghệ An"); --status and --parent narrow it.',
  options: listOptions,
  examples: ['edx agency list', 'edx agency list --q "nghe an" --status active', 'edx agency list --parent 000.00.00.H41 --json'],
  async run({ args, print }) {
    const { values } = parseOptions(args, listOptions);
    const { items } = await consoleFrom(values).allAgencies({ q: values.q, status: values.status, parent: values.parent });
    for (const a of items) print(`${String(a.code).padEnd(16)} ${String(a.status).padEnd(10)} ${String(a.systemId ?? '-').padEnd(16)} ${String(a.certificates)} cert(s)  ${String(a.name)}`);
    return { ok: true, message: `${items.length} agencies`, agencies: items };
  },
};

const certAddOptions = {
  cert: { type: 'string', value: 'cert.pem', help: 'the new signing certificate (PEM or base64 DER; required)' },
  ...consoleOptions,
} as const satisfies OptionTable;

export const agencyCertAddCommand: Command = {
  name: 'agency cert add',
  summary: "register another signing certificate for an agency (a rotation's first step)",
  usage: 'agency cert add CODE --cert cert.pem [--console URL --token TOKEN] [--json]',
  description:
    "Registers a new signing certificate for the agency CODE beside the ones it has: the hub accepts every active one, so the agency's gateway can switch keys while traffic flows. " +
    'The console refuses a certificate not issued for CODE (CERT_NOT_FOR_AGENCY), one that may not sign (CERT_KEY_USAGE) and one that does not chain now to the registered trust (CERT_UNTRUSTED, CERT_EXPIRED, CERT_NOT_YET_VALID, CERT_REVOKED ...). ' +
    'Then point the gateway at the new key and certificate and restart it, and retire the old one with `edx agency cert retire` once its last package has a receipt (README, "Certificates").',
  options: certAddOptions,
  examples: ['edx agency cert add 000.00.00.G22 --cert g22-2027/cert.pem'],
  async run({ args }) {
    const { values, positionals } = parseOptions(args, certAddOptions);
    if (!positionals[0] || !values.cert) throw new UsageError('CODE and --cert are required');
    const added = await consoleFrom(values).addCertificate(positionals[0], readFileSync(values.cert, 'utf8'));
    return { ok: true, message: `Certificate ${added.fingerprint} (serial ${added.serialNumber}, until ${added.notAfter}) is registered for ${positionals[0]}.`, ...added };
  },
};

export const agencyCertRetireCommand: Command = {
  name: 'agency cert retire',
  summary: "retire an agency's signing certificate (a rotation's last step)",
  usage: 'agency cert retire CODE FINGERPRINT [--console URL --token TOKEN] [--json]',
  description:
    'Retires the certificate FINGERPRINT (SHA-256 of its DER, hex, as `edx agency cert list` shows it) of the agency CODE: from the hub\'s next directory read (EDX_DIRECTORY_CACHE_MS) a package or status signed with it is refused (SIGNER_NOT_SENDER). ' +
    "The agency's last active certificate cannot be retired (CONFLICT): register its successor first, or suspend the agency. Retiring it again changes nothing. Recorded in the audit log.",
  options: consoleOptions,
  examples: ['edx agency cert retire 000.00.00.G22 5f1c...e9'],
  async run({ args }) {
    const { values, positionals } = parseOptions(args, consoleOptions);
    if (!positionals[0] || !positionals[1]) throw new UsageError('CODE and FINGERPRINT are required');
    const retired = await consoleFrom(values).retireCertificate(positionals[0], positionals[1]);
    return { ok: true, message: `Certificate ${retired.fingerprint} of ${positionals[0]} is retired (since ${retired.retiredAt}).`, ...retired };
  },
};

const certListOptions = {
  status: { type: 'string', value: 'S', help: 'active or retired' },
  ...consoleOptions,
} as const satisfies OptionTable;

export const agencyCertListCommand: Command = {
  name: 'agency cert list',
  summary: "list the agencies' signing certificates, soonest expiry first",
  usage: 'agency cert list [CODE] [--status S] [--console URL --token TOKEN] [--json]',
  description: "Lists the registered signing certificates (of the agency CODE, or of every agency), soonest expiry first: agency, fingerprint, status, expiry and days left.",
  options: certListOptions,
  examples: ['edx agency cert list 000.00.00.G22', 'edx agency cert list --status active --json'],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, certListOptions);
    const { items } = await consoleFrom(values).listCertificates({ agency: positionals[0], status: values.status });
    for (const c of items) print(`${c.agencyCode.padEnd(16)} ${c.fingerprint} ${c.status.padEnd(8)} ${c.notAfter} (${c.daysToExpiry} days)`);
    return { ok: true, message: `${items.length} certificate(s)`, certificates: items };
  },
};

function statusCommand(verb: 'suspend' | 'resume'): Command {
  return {
    name: `agency ${verb}`,
    summary: verb === 'suspend' ? 'suspend an agency: it can neither send nor receive' : 'resume a suspended agency',
    usage: `agency ${verb} CODE [--console URL --token TOKEN] [--cacert FILE] [--json]`,
    description:
      verb === 'suspend'
        ? 'Suspends the agency CODE in the directory: the hub refuses documents from it and to it until it is resumed. Its certificates and registration stay as they are.'
        : 'Makes the suspended agency CODE active again: it can send and receive documents.',
    options: consoleOptions,
    examples: [`edx agency ${verb} 000.00.00.H53`],
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
