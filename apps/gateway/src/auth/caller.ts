import type { TLSSocket } from 'node:tls';
import { EdxError } from '@edx/common';
import { HostedAgencies, HostedAgency } from '../config/hosted-agencies';

/** A request as the authentication sees it (express's or Nest's). */
export interface CallerRequest {
  readonly headers: Record<string, string | string[] | undefined>;
  readonly socket: unknown;
}

/** The hosted agency a request acts for, and how it proved it. */
export interface Caller {
  readonly agency: HostedAgency;
  readonly by: 'certificate' | 'api-key';
}

const known = new WeakMap<object, Caller | EdxError | undefined>();

/**
 * Who a request comes from, judged once per request:
 * - a TLS client certificate (asked for when EDX_GATEWAY_CLIENT_CA_FILE is set) issued by that CA for
 *   client authentication, whose subject CN is the code of a hosted agency, acts as that agency;
 * - otherwise the hosted agency whose API key is in `x-api-key`.
 * Undefined when the request brings neither. Throws AUTH_CERTIFICATE_UNTRUSTED for a certificate that
 * CA did not issue for clients, and AUTH_REQUIRED for one that names no hosted agency or comes with
 * the API key of another agency: a presented credential that does not hold is refused, never ignored.
 */
export function authenticateCaller(req: CallerRequest, agencies: HostedAgencies): Caller | undefined {
  if (!known.has(req)) {
    try {
      known.set(req, judge(req, agencies));
    } catch (error) {
      known.set(req, error as EdxError);
    }
  }
  const result = known.get(req);
  if (result instanceof EdxError) throw result;
  return result;
}

/** The code of the agency a request's client certificate authenticates (for its limits), undefined otherwise. */
export function certifiedAgencyCode(req: CallerRequest, agencies: HostedAgencies): string | undefined {
  try {
    const caller = authenticateCaller(req, agencies);
    return caller?.by === 'certificate' ? caller.agency.code : undefined;
  } catch {
    return undefined;
  }
}

function judge(req: CallerRequest, agencies: HostedAgencies): Caller | undefined {
  const header = req.headers['x-api-key'];
  const key = typeof header === 'string' && header !== '' ? header : undefined;
  const byKey = key === undefined ? undefined : agencies.byApiKey(key);
  const socket = req.socket as Partial<TLSSocket>;
  const presented = socket.getPeerCertificate?.();
  if (!presented || !presented.subject) {
    return byKey && { agency: byKey, by: 'api-key' };
  }
  if (!socket.authorized) {
    throw new EdxError('AUTH_CERTIFICATE_UNTRUSTED', `The client certificate (${presented.subject.CN ?? 'no CN'}, from ${presented.issuer?.CN ?? 'an unnamed issuer'}) is not one this gateway accepts: ${String(socket.authorizationError)}. It must be issued for client authentication by the CA in EDX_GATEWAY_CLIENT_CA_FILE.`);
  }
  const cn = ([] as string[]).concat(presented.subject.CN ?? [])[0] ?? '';
  const agency = agencies.get(cn);
  if (!agency) throw new EdxError('AUTH_REQUIRED', `The client certificate names ${cn || 'no agency'} (its subject CN), which this gateway does not host; the CN must be the code of a hosted agency.`);
  if (key !== undefined && byKey?.code !== agency.code) {
    throw new EdxError('AUTH_REQUIRED', `The client certificate is ${agency.code}'s but the x-api-key is not: send one agency's credentials.`);
  }
  return { agency, by: 'certificate' };
}
