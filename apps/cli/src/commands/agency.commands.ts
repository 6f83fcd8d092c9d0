import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Command, OptionTable, UsageError, parseOptions } from '../command';
import { consoleFrom, consoleOptions } from './console-options';

const addOptions = {
  code: { type: 'string', help: 'the agency code, e.g. 000.00.00.H41 (required)' },
  name: { type: 'string', help: "the agency's name (required)" },
  system: { type: 'string', value: 'SYSTEM_ID', help: 'the connected system that hosts it, e.g. sys-b (required)' },
  cert: { type: 'string', value: 'cert.pem', help: "the agency's signing certificate (PEM), which receivers trust for its code" },
  parent: { type: 'string', value: 'CODE', help: 'the agency it belongs to in the hierarchy (registered already)' },
  mail: { type: 'string', value: 'ADDRESS', help: "the agency's contact e-mail" },
  phone: { type: 'string', value: 'NUMBER', help: "the agency's contact phone number" },
  address: { type: 'string', value: 'TEXT', help: "the agency's postal address" },
  person: { type: 'string', value: 'NAME', help: 'the contact person' },
  ...consoleOptions,
} as const satisfies OptionTable;

export const agencyAddCommand: Command = {
  name: 'agency add',
  summary: 'register an agency hosted by a connected system, with its signing certificate',
  usage: 'agency add --code CODE --name NAME --system SYSTEM_ID [--cert cert.pem] [--parent CODE] [--mail M] [--phone P] [--address A] [--person NAME] [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    'Registers an agency in the exchange\'s directory through the console API: its code and name, the connected system (gateway) that hosts it and, with --cert, its signing certificate (e.g. from `edx pki issue --out DIR`: DIR/cert.pem). ' +
    'The hub then routes documents for the code to that system, and --cert is what the agency\'s signatures are checked against. --mail, --phone, --address and --person set its contact details (run it again to change them). After `npm start` it needs no --console or --token.',
  options: addOptions,
  examples: [
    'edx agency add --code 000.00.00.H42 --name "UBND tỉnh Hà Tĩnh" --system sys-b --cert ha-tinh/cert.pem',
    'edx agency add --code 000.00.00.H42 --name "UBND tỉnh Hà Tĩnh" --system sys-b --mail vanthu@hatinh.gov.vn --phone "0239 3855 386" --person "Trần Thị B"',
    'edx agency add --code 000.00.00.H42 --name "UBND tỉnh Hà Tĩnh" --system sys-b --console https://127.0.0.1:8080 --token TOKEN --cacert .edx/pki/transport/ca.pem',
  ],
  async run({ args }) {
    const { values } = parseOptions(args, addOptions);
    if (!values.code || !values.name || !values.system) throw new UsageError('--code, --name and --system are required');
    const certificatePem = values.cert ? readFileSync(values.cert, 'utf8') : undefined;
    const contacts = { mail: values.mail, phone: values.phone, address: values.address, contactPerson: values.person };
    const result = await consoleFrom(values).addAgency({ code: values.code, name: values.name, systemId: values.system, certificatePem, parentCode: values.parent, ...contacts });
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
    const state = (a: Record<string, unknown>) => (a.retiredAt ? (a.successorCode ? `retired>${String(a.successorCode)}` : 'retired') : String(a.status));
    for (const a of items) print(`${String(a.code).padEnd(16)} ${state(a).padEnd(10)} ${String(a.systemId ?? '-').padEnd(16)} ${String(a.certificates)} cert(s)  ${String(a.name)}`);
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
  usage: 'agency cert add CODE --cert cert.pem [--console URL --token TOKEN] [--cacert FILE] [--json]',
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
  usage: 'agency cert retire CODE FINGERPRINT [--console URL --token TOKEN] [--cacert FILE] [--json]',
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
  usage: 'agency cert list [CODE] [--status S] [--console URL --token TOKEN] [--cacert FILE] [--json]',
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

const retireOptions = {
  into: { type: 'string', value: 'SUCCESSOR', help: 'the code it is retired into: a registered agency (a merger) or a new code for the same agency (a rename); absent: the code is closed' },
  ...consoleOptions,
} as const satisfies OptionTable;

export const agencyRetireCommand: Command = {
  name: 'agency retire',
  summary: 'retire an agency code into its successor (a merger or a rename)',
  usage: 'agency retire CODE [--into SUCCESSOR] [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    'Retires the code CODE in the directory. With --into a registered agency it is a merger (the 2025 province mergers); with --into a code not registered yet it is a rename (the new code is registered as the same agency: name, host, parent, contacts; give it a certificate for its new code). ' +
    'From then on the hub routes documents and statuses addressed to CODE to the end of its chain of successors, keeping the address the sender wrote; CODE itself can no longer send or host certificates. Without --into the code is closed and documents to it are refused (ROUTING_RECIPIENT_RETIRED). Retiring it again into the same successor changes nothing.',
  options: retireOptions,
  examples: ['edx agency retire 000.00.00.H42 --into 000.00.00.H41', 'edx agency retire 000.00.00.H53 --into H53.01'],
  async run({ args }) {
    const { values, positionals } = parseOptions(args, retireOptions);
    if (!positionals[0]) throw new UsageError('CODE is required');
    const result = await consoleFrom(values).retireAgency(positionals[0], values.into);
    const what = result.kind === 'retired' ? 'closed' : `${result.kind} into ${result.successor}${result.current !== result.successor ? ` (now ${result.current})` : ''}`;
    return { ok: true, message: `${result.code} is retired: ${what}${result.changed ? '' : ' (already so; nothing changed)'}.`, ...result };
  },
};

export const agencyHistoryCommand: Command = {
  name: 'agency history',
  summary: "a code's history: retirements, renames and mergers, and its current code",
  usage: 'agency history CODE [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description: 'Prints the history of the code CODE (also of a retired code): its own retirement, those of the codes retired into it and those along its chain of successors, in time order, and the code it stands for now.',
  options: consoleOptions,
  examples: ['edx agency history 000.00.00.H42'],
  async run({ args, print }) {
    const { values, positionals } = parseOptions(args, consoleOptions);
    if (!positionals[0]) throw new UsageError('CODE is required');
    const history = await consoleFrom(values).agencyHistory(positionals[0]);
    for (const e of history.events) print(`${String(e.at)}  ${e.code.padEnd(16)} ${e.kind.padEnd(8)} ${(e.successor ?? '-').padEnd(16)} by ${e.by}`);
    return { ok: true, message: `${history.code}: ${history.retired ? `retired, now ${history.current}` : 'current'}; ${history.events.length} event(s)`, ...history };
  },
};

const formatOption = { type: 'string', value: 'json|csv', help: 'the list\'s format (default: from the file name, else json)' } as const;

/** The format from --format, else from the file's extension. */
function listFormat(given: string | undefined, file: string | undefined): 'json' | 'csv' {
  const format = given ?? (file && extname(file).toLowerCase() === '.csv' ? 'csv' : 'json');
  if (format !== 'json' && format !== 'csv') throw new UsageError('--format is json or csv');
  return format;
}

const exportOptions = {
  format: formatOption,
  out: { type: 'string', value: 'FILE', help: 'write the list there (default: stdout)' },
  ...consoleOptions,
} as const satisfies OptionTable;

export const agencyExportCommand: Command = {
  name: 'agency export',
  summary: "export the directory in the national axis's agency-list shape (JSON or CSV)",
  usage: 'agency export [--format json|csv] [--out FILE] [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    'Writes the current agencies (retired codes left out) as the national axis lists them: a JSON array of { id, pid, code, name, mail, oldCode, code102 }, or CSV with that header row (RFC 4180, UTF-8 with a byte order mark). ' +
    'id is the agency\'s id in the axis list it was imported from, else its code; pid is its parent\'s id.',
  options: exportOptions,
  examples: ['edx agency export --format csv --out agencies.csv', 'edx agency export --out agencies.json'],
  async run({ args, print, json }) {
    const { values } = parseOptions(args, exportOptions);
    const format = listFormat(values.format, values.out);
    const text = await consoleFrom(values).exportAgencies(format);
    const rows = format === 'json' ? (JSON.parse(text) as unknown[]).length : text.split('\r\n').filter(Boolean).length - 1;
    if (values.out) writeFileSync(values.out, text);
    else if (!json) print(text.replace(/^\uFEFF/, '').trimEnd());
    return { ok: true, message: `${rows} agencies${values.out ? ` written to ${values.out}` : ''}`, rows, ...(values.out ? { out: values.out } : { list: text }) };
  },
};

const importOptions = {
  format: formatOption,
  system: { type: 'string', value: 'SYSTEM_ID', help: 'the connected system that hosts the agencies this import creates (default: they are listed, unhosted)' },
  ...consoleOptions,
} as const satisfies OptionTable;

export const agencyImportCommand: Command = {
  name: 'agency import',
  summary: "import an agency list in the national axis's shape (JSON or CSV), row by row",
  usage: 'agency import FILE [--format json|csv] [--system SYSTEM_ID] [--console URL --token TOKEN] [--cacert FILE] [--json]',
  description:
    'Sends FILE (a JSON array of { id, pid, code, name, mail, oldCode, code102 } or CSV with those column names; UTF-8, with or without a byte order mark) to the console, which imports it row by row and streams each row\'s result back: created, updated, unchanged or refused (with the error code and why). ' +
    'A progress line shows while it runs, then the refused rows and a summary. Importing the same file again changes nothing (every row unchanged). Parents (pid) may come in any order. Exits 1 when a row was refused, with the first refused row\'s code.',
  options: importOptions,
  examples: ['edx agency import agencies.csv', 'edx agency import danh-muc.json --system sys-b'],
  async run({ args, print, json }) {
    const { values, positionals } = parseOptions(args, importOptions);
    const file = positionals[0];
    if (!file) throw new UsageError('FILE is required');
    const format = listFormat(values.format, file);
    const text = readFileSync(file, 'utf8');
    const refused: Array<Record<string, unknown>> = [];
    let done = 0;
    // Progress on stderr (stdout keeps the result): rewritten in place on a terminal, a line per 1,000 rows otherwise.
    const progress = (final = false) => {
      if (json) return;
      if (process.stderr.isTTY) process.stderr.write(`\r  ${done} row(s) done, ${refused.length} refused${final ? '\n' : ''}`);
      else if (final || done % 1000 === 0) process.stderr.write(`  ${done} row(s) done, ${refused.length} refused\n`);
    };
    const summary = await consoleFrom(values).importAgencies(text, format, values.system, (row) => {
      done++;
      if (row.result === 'refused') refused.push({ ...row });
      if (done % 50 === 0) progress();
    });
    progress(true);
    for (const r of refused) print(`  row ${String(r.row)}  ${String(r.code ?? '-')}  ${String(r.errorCode)}: ${String(r.message)}`);
    const message = `${summary.total} row(s): ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.refused} refused`;
    if (refused.length > 0) return { ok: false, code: String(refused[0].errorCode), message, summary, refused };
    return { ok: true, message, summary, refused };
  },
};
