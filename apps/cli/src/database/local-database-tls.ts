import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EdxError } from '@edx/common';
import { devBrokerTlsPaths } from '@edx/messaging';
import { connectionProblem, withVerifiedTls } from '@edx/storage';
import { ensureMachineCa, ensureServerCertificate, systemAccount } from '../up/machine-tls';
import { CommandRunner, findTool, runCommand } from '../up/prerequisites';

/** Where `edx database tls` keeps the local PostgreSQL's certificate and key (owned by postgres). */
export const DEV_DATABASE_TLS_DIR = '/etc/postgresql-common/edx-tls';
/** The drop-in file it writes; Debian's postgresql.conf reads conf.d last, so these lines win. */
const CONF_NAME = '95-edx-tls.conf';

/** The server settings: TLS on, with the certificate of the machine's dev transport CA. */
export function databaseTlsConf(dir: string): string {
  return [
    '# written by `edx database tls` (README, "Transport security"): TLS with a certificate of the machine\'s dev transport CA',
    'ssl = on',
    `ssl_cert_file = '${path.join(dir, 'server.pem')}'`,
    `ssl_key_file = '${path.join(dir, 'server.key')}'`,
    "ssl_min_protocol_version = 'TLSv1.2'",
    '',
  ].join('\n');
}

export interface DatabaseTlsReport {
  /** One line per change, as a person reads it. */
  readonly changed: string[];
  /** The CA file clients name as sslrootcert. */
  readonly caFile: string;
  readonly dir: string;
}

/**
 * Makes the local PostgreSQL take TLS connections with a certificate of the machine's dev transport
 * CA (the one `edx broker tls` uses), changing only what is not so yet: the CA (made once), the
 * server's certificate (renewed within 30 days of its end), the conf.d drop-in, and a reload (no
 * restart: nobody's connection drops). Then it connects as a client would, with
 * sslmode=verify-full, and rejects with PREREQUISITE_MISSING when that does not work.
 */
export async function ensureLocalDatabaseTls(options: { readonly brokerTlsDir?: string; readonly dir?: string; readonly databaseRoot: string; readonly run?: CommandRunner }): Promise<DatabaseTlsReport> {
  const run = options.run ?? runCommand;
  const ctl = findTool('pg_ctlcluster');
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (!ctl || versions.length !== 1) {
    throw new EdxError('PREREQUISITE_MISSING', 'No single local Debian PostgreSQL cluster here (pg_ctlcluster, /etc/postgresql/VERSION): turn TLS on by hand (README, "Transport security").');
  }
  const confDir = `/etc/postgresql/${versions[0]}/main/conf.d`;
  if (!existsSync(confDir)) throw new EdxError('PREREQUISITE_MISSING', `${confDir} does not exist: turn TLS on in postgresql.conf by hand (README, "Transport security").`);
  const dir = options.dir ?? DEV_DATABASE_TLS_DIR;
  const changed: string[] = [];
  const machine = devBrokerTlsPaths(options.brokerTlsDir);
  const ca = ensureMachineCa(machine, changed);
  const postgres = systemAccount('postgres');
  const renewed = ensureServerCertificate(ca, { dir, certFile: path.join(dir, 'server.pem'), keyFile: path.join(dir, 'server.key'), account: postgres && { ...postgres, reads: 'as-owner' } }, 'PostgreSQL', changed);
  const confFile = path.join(confDir, CONF_NAME);
  const conf = databaseTlsConf(dir);
  const confChanged = !existsSync(confFile) || readFileSync(confFile, 'utf8') !== conf;
  if (confChanged) {
    writeFileSync(confFile, conf, { mode: 0o644 });
    changed.push(`${confFile}: ssl = on with that certificate`);
  }
  const verified = withVerifiedTls(options.databaseRoot, machine.caFile);
  if (renewed || confChanged || (await connectionProblem(verified, true))) {
    const reload = [ctl, '--skip-systemctl-redirect', versions[0], 'main', 'reload'];
    const result = run(reload);
    if (!result.ok) throw new EdxError('PREREQUISITE_MISSING', `PostgreSQL refused to reload (\`${reload.join(' ')}\`): ${result.output.slice(-400)}`);
    changed.push('reloaded PostgreSQL (its TLS settings and certificate; no connection dropped)');
  }
  // The reload is asynchronous: the postmaster rereads its files a moment after the signal.
  let problem: string | undefined;
  for (let attempt = 0; attempt < 25; attempt++) {
    problem = (await connectionProblem(verified, true))?.message;
    if (!problem) return { changed, caFile: machine.caFile, dir };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new EdxError('PREREQUISITE_MISSING', `PostgreSQL still takes no verified TLS connection after the reload (${problem}); its log in /var/log/postgresql says why.`);
}
