import type { TLSSocket } from 'node:tls';
import { DataSource } from 'typeorm';
import { EdxError } from '@edx/common';
import { asStorageError } from '@edx/storage';

/** The connected system a request comes from. */
export interface SystemCaller {
  readonly systemId: string;
}

/**
 * Who calls the hub's blob API: a connected system, by the transport client certificate it also
 * connects to the broker with (issued at enrolment by the transport CA in EDX_HUB_CLIENT_CA_FILE).
 * Its CN is the system's broker user, and only the current one counts: the certificate of a key an
 * enrolment replaced names an older broker user and is refused, like a suspended system's, and so is
 * one an administrator revoked (revocation takes the system's console token away until it enrols
 * again: a system without one has no transport credential in force).
 */
export async function authenticateSystem(socket: unknown, dataSource: DataSource, asksCertificates: boolean): Promise<SystemCaller> {
  if (!asksCertificates) throw new EdxError('AUTH_REQUIRED', 'This hub asks for no client certificates (EDX_HUB_CLIENT_CA_FILE is not set), so its blob API serves nobody.');
  const tls = socket as Partial<TLSSocket>;
  const presented = tls.getPeerCertificate?.();
  if (!presented || !presented.subject) throw new EdxError('AUTH_REQUIRED', "The blob API needs the connected system's transport client certificate (the one it connects to the broker with).");
  if (!tls.authorized) {
    throw new EdxError('AUTH_CERTIFICATE_UNTRUSTED', `The client certificate (${presented.subject.CN ?? 'no CN'}) is not one this hub accepts: ${String(tls.authorizationError)}. It must be a transport client certificate of the CA in EDX_HUB_CLIENT_CA_FILE.`);
  }
  const cn = ([] as string[]).concat(presented.subject.CN ?? [])[0] ?? '';
  const rows: Array<{ id: string; status: string; revoked: boolean }> = await dataSource.query('SELECT id, status, console_token_sha256 IS NULL AS revoked FROM connected_systems WHERE amqp_user = $1', [cn]).catch((e: unknown) => {
    throw asStorageError(e, 'The hub database');
  });
  if (rows.length === 0) throw new EdxError('AUTH_REQUIRED', `The client certificate names ${cn || 'nobody'}, which is not the broker user of any enrolled system (a replaced key's certificate no longer counts).`);
  if (rows[0].revoked) throw new EdxError('AUTH_REQUIRED', `The transport certificate of connected system ${rows[0].id} was revoked; it must enrol again.`);
  if (rows[0].status !== 'active') throw new EdxError('AUTH_FORBIDDEN', `Connected system ${rows[0].id} is suspended.`);
  return { systemId: rows[0].id };
}
