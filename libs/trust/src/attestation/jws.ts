import { sign as signBytes, verify as verifyBytes } from 'node:crypto';
import { EdxError, ErrorCode } from '@edx/common';
import { Certificate } from '../certs/certificate';
import { SigningIdentity } from '../certs/identity';

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * Signs `payload` as a JWS compact serialization (RFC 7515: RS256, the signing certificate in
 * `x5c`, `typ` naming what it is), so any JOSE tool can check it offline. Returns the token.
 */
export function signJws(payload: unknown, typ: string, identity: SigningIdentity): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ, x5c: [identity.certificate.der.toString('base64')] }));
  const body = b64url(JSON.stringify(payload));
  const signature = signBytes('sha256', Buffer.from(`${header}.${body}`), identity.privateKey);
  return `${header}.${body}.${b64url(signature)}`;
}

/**
 * Reads a JWS made by signJws and checks its signature against the certificate it carries (whether
 * that certificate is trusted is the caller's question). Returns the payload and the certificate;
 * throws EdxError(`code`) saying what is wrong, naming the token `what`.
 */
export function openJws<T>(token: string | undefined, what: string, code: ErrorCode): { payload: T; certificate: Certificate } {
  const refused = (message: string) => new EdxError(code, message);
  if (!token) throw refused(`There is no ${what}.`);
  const parts = token.split('.');
  if (parts.length !== 3) throw refused(`The ${what} is not a JWS compact token.`);
  let header: { alg?: string; x5c?: string[] };
  let payload: T;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    throw refused(`The ${what} cannot be read.`);
  }
  if (header.alg !== 'RS256' || !header.x5c?.[0]) throw refused(`The ${what} uses ${header.alg ?? 'no algorithm'}; RS256 with x5c is required.`);
  const certificate = Certificate.from(Buffer.from(header.x5c[0], 'base64'));
  if (!verifyBytes('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), certificate.native.publicKey, Buffer.from(parts[2], 'base64url'))) {
    throw refused(`The ${what}'s signature does not verify.`);
  }
  return { payload, certificate };
}
