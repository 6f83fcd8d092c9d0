import { loadCliSettings } from '../cli.env';
import { Command, OptionTable, parseOptions } from '../command';
import { ensureLocalDatabaseTls } from '../database/local-database-tls';

const options = {} as const satisfies OptionTable;

/** `edx database tls`: the local PostgreSQL takes TLS connections (what `edx up` and `.ci/run` run). */
export const databaseTlsCommand: Command = {
  name: 'database tls',
  summary: "turn TLS on in the local PostgreSQL, with a certificate of the machine's dev transport CA",
  usage: 'database tls [--json]',
  description:
    "Makes the local PostgreSQL take TLS connections, changing only what is not so yet, and says what it changed: the machine's dev transport CA (the one `edx broker tls` uses, " +
    "EDX_BROKER_TLS_DIR/ca), the server's certificate and key in EDX_DATABASE_TLS_DIR (owned by postgres, renewed within 30 days of its end), the drop-in conf.d/95-edx-tls.conf " +
    "(ssl = on, TLS 1.2 at least), then a reload (no restart, no dropped connection). It then connects as the apps do (sslmode=verify-full, sslrootcert = the CA's ca.pem) to prove it. " +
    "Every database URL of edx says sslmode=verify-full&sslrootcert=...; one without sslmode is refused, so nothing talks to the database in clear by accident. " +
    'It needs pg_ctlcluster and the right to write those files (root on this kind of machine).',
  options,
  examples: ['edx database tls', 'edx database tls --json'],
  async run({ args, print }) {
    parseOptions(args, options);
    const settings = loadCliSettings();
    const report = await ensureLocalDatabaseTls({ brokerTlsDir: settings.brokerTlsDir, dir: settings.databaseTlsDir, databaseRoot: settings.databaseRoot });
    for (const line of report.changed) print(`changed: ${line}`);
    const message = report.changed.length === 0 ? `The local PostgreSQL takes verified TLS connections already (${report.dir}); nothing changed.` : `The local PostgreSQL takes verified TLS connections (${report.changed.length} change(s)).`;
    return { ok: true, message, changed: report.changed, dir: report.dir, caFile: report.caFile };
  },
};
