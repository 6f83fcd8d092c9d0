import type { DeadLetterOrigin } from './dead-letter.entity';

/** Where a replayed dead letter goes, or why it cannot be replayed. */
export type ReplayRoute =
  | { readonly kind: 'hub-inbound' }
  | { readonly kind: 'recipient-inbox'; readonly recipientCode: string }
  | { readonly kind: 'none'; readonly why: string };

const INBOX = /^system\.[A-Za-z0-9][A-Za-z0-9._-]*\.inbox$/;

/**
 * The one rule for what may be replayed (the console asks it before it queues a replay, the hub
 * again before it runs one). Only what the hub or a queue's dead-letter exchange wrote is believed:
 * an `unverified` dead letter could have been forged by whoever published it. A package or status
 * from hub.inbound goes through the hub's checks again; a delivery a gateway refused goes back to
 * that recipient's inbox, where the gateway checks it again.
 */
export function replayRoute(letter: { origin: DeadLetterOrigin; sourceQueue: string; messageId: string | null; messageType: string | null; headers: Record<string, unknown> }): ReplayRoute {
  if (letter.origin === 'unverified') return { kind: 'none', why: 'it was published straight to edx.dead, not by the hub or a queue: anyone could have forged it' };
  if (!letter.messageId) return { kind: 'none', why: 'it has no message id, so a replay could not be deduplicated' };
  if (letter.sourceQueue === 'hub.inbound') {
    if (letter.messageType !== 'package' && letter.messageType !== 'status') return { kind: 'none', why: `it is a "${letter.messageType ?? 'untyped'}" message, neither a package nor a status` };
    return { kind: 'hub-inbound' };
  }
  if (INBOX.test(letter.sourceQueue)) {
    const recipient = letter.headers['x-edx-recipient'];
    if (typeof recipient !== 'string' || !recipient) return { kind: 'none', why: 'it does not name the recipient it was delivered to' };
    return { kind: 'recipient-inbox', recipientCode: recipient };
  }
  return { kind: 'none', why: `it comes from ${letter.sourceQueue}, which edx does not replay into` };
}
