import { EdxError } from '@edx/common';
import { SigningIdentity } from '../certs/identity';
import { TrustStore } from '../certs/trust-store';
import { openJws, signJws } from './jws';

/**
 * What the hub signs every few minutes (and on request) and publishes to every gateway: at `at`,
 * checkpoint `seq` covers `events` events of `documents` documents, and `head` is the chain of
 * checkpoint heads over every document's chain head (see checkpointHead in the storage lib). A
 * database owner at the hub who rewrites history must change a head that gateways hold signed.
 */
export interface ChainCheckpoint {
  readonly seq: number;
  /** ISO 8601, the hub's clock when it took the checkpoint. */
  readonly at: string;
  readonly documents: number;
  readonly events: number;
  readonly head: string;
  /** The hub's identity (its certificate's agency code). */
  readonly attestedBy: string;
}

/** The AMQP message type of a checkpoint (routed on edx.deliver to one agency of every connected system). */
export const CHAIN_CHECKPOINT_TYPE = 'checkpoint';

/** Signs a checkpoint as a JWS (RS256, x5c). Returns the token. */
export function signChainCheckpoint(checkpoint: ChainCheckpoint, identity: SigningIdentity): string {
  return signJws(checkpoint, 'edx-checkpoint+jwt', identity);
}

/**
 * Reads and checks a signed checkpoint: its signature, a certificate issued for `hubCode` that
 * chains to the anchors at `now` (default: the checkpoint's own time, so an old checkpoint stays
 * checkable after the hub's certificate is renewed). Returns it; throws CHECKPOINT_INVALID.
 */
export function verifyChainCheckpoint(token: string | undefined, check: { hubCode: string; trustStore: TrustStore; now?: Date }): ChainCheckpoint {
  const { payload, certificate } = openJws<ChainCheckpoint>(token, 'chain checkpoint', 'CHECKPOINT_INVALID');
  const refused = (message: string) => new EdxError('CHECKPOINT_INVALID', message);
  if (certificate.agencyCode !== check.hubCode) throw refused(`The chain checkpoint is signed by ${certificate.subject}, not by the hub ${check.hubCode}.`);
  const at = new Date(payload.at);
  if (!Number.isInteger(payload.seq) || payload.seq < 1 || Number.isNaN(at.getTime()) || typeof payload.head !== 'string') throw refused('The chain checkpoint lacks its number, time or head.');
  const when = check.now ?? at;
  const trusted = check.trustStore.check(certificate, [], when, when);
  if (!trusted.ok) throw refused(`The hub's checkpoint certificate is refused: ${trusted.code}: ${trusted.message}`);
  return payload;
}
