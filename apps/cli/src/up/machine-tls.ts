import { X509Certificate } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { TransportCa } from '@edx/trust';

/** A local server's certificate is renewed when it has fewer days than this left. */
const RENEW_WITHIN_DAYS = 30;

/**
 * The machine's dev transport CA in `caDir`, made the first time, and its certificate in `caFile`
 * (what the local servers and every client trust), each change said in `changed`.
 */
export function ensureMachineCa(paths: { readonly caDir: string; readonly caFile: string }, changed: string[]): TransportCa {
  let ca: TransportCa;
  if (existsSync(`${paths.caDir}/ca.key`)) ca = TransportCa.load(paths.caDir);
  else {
    ca = TransportCa.create({ name: 'edx dev transport CA (this machine)' });
    ca.save(paths.caDir);
    changed.push(`made the machine's dev transport CA in ${paths.caDir}`);
  }
  if (!existsSync(paths.caFile) || readFileSync(paths.caFile, 'utf8') !== ca.certificatePem) {
    writeFileSync(paths.caFile, ca.certificatePem, { mode: 0o644 });
    changed.push(`wrote the machine's CA certificate (what servers and clients trust): ${paths.caFile}`);
  }
  return ca;
}

/** The files of a local server's TLS identity, and who (besides root) must read its key. */
export interface ServerTlsFiles {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The server's OS account: it owns the key (PostgreSQL), or its group reads it (RabbitMQ). */
  readonly account?: { readonly uid: number; readonly gid: number; readonly reads: 'as-owner' | 'as-group' };
}

/**
 * Issues the server's certificate for 127.0.0.1, localhost and ::1 from `ca` when it is missing, not
 * this CA's, or ends within 30 days; true when it did. Only the server's account reads the key.
 */
export function ensureServerCertificate(ca: TransportCa, files: ServerTlsFiles, who: string, changed: string[]): boolean {
  const account = files.account;
  mkdirSync(files.dir, { recursive: true });
  if (account?.reads === 'as-owner') {
    chownSync(files.dir, account.uid, account.gid);
    chmodSync(files.dir, 0o700);
  } else {
    if (account) chownSync(files.dir, process.getuid?.() ?? 0, account.gid);
    chmodSync(files.dir, account ? 0o750 : 0o755);
  }
  if (certificateFits(ca, files)) return false;
  const issued = ca.issueKeyPair({ commonName: 'localhost', purposes: ['server'], hosts: ['127.0.0.1', 'localhost', '::1'] });
  writeFileSync(files.keyFile, issued.keyPem, { mode: 0o600 });
  writeFileSync(files.certFile, issued.certificatePem, { mode: 0o644 });
  if (account?.reads === 'as-owner') {
    for (const file of [files.keyFile, files.certFile]) chownSync(file, account.uid, account.gid);
    chmodSync(files.keyFile, 0o600);
  } else if (account) {
    chownSync(files.keyFile, process.getuid?.() ?? 0, account.gid);
    chmodSync(files.keyFile, 0o640);
  } else chmodSync(files.keyFile, 0o600);
  changed.push(`issued ${who}'s certificate (127.0.0.1, localhost) until ${issued.notAfter.toISOString().slice(0, 10)}: ${files.certFile}`);
  return true;
}

function certificateFits(ca: TransportCa, files: ServerTlsFiles): boolean {
  if (!existsSync(files.certFile) || !existsSync(files.keyFile)) return false;
  try {
    const cert = new X509Certificate(readFileSync(files.certFile));
    const left = new Date(cert.validTo).getTime() - Date.now();
    return cert.verify(new X509Certificate(ca.certificatePem).publicKey) && left > RENEW_WITHIN_DAYS * 86_400_000 && (cert.subjectAltName ?? '').includes('127.0.0.1');
  } catch {
    return false;
  }
}

/** The uid and gid of an OS account (the one a local server runs as), when there is one. */
export function systemAccount(name: string): { uid: number; gid: number } | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
    if (!line) return undefined;
    const [, , uid, gid] = line.split(':');
    return { uid: Number(uid), gid: Number(gid) };
  } catch {
    return undefined;
  }
}
