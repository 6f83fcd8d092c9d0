import { Logger, toEdxError } from '@edx/common';
import { ConfirmedPublisher, Topology } from '@edx/messaging';
import { RECEIPT_ATTESTATION_HEADER } from '@edx/trust';
import { ExchangeRepository, HeldCopy } from '../records/exchange.repository';
import { RECIPIENT_HEADER } from '../inbound/inbound-batch.handler';

/**
 * Sends on what the hub held for suspended recipients once they are active again: each copy exactly as
 * it was recorded (bytes and receipt attestation), `mandatory` like every delivery. Held deliveries
 * are database rows, never memory, so a restart or another hub copy picks them up; the poll that runs
 * this (EDX_HUB_REPLAY_POLL_MS) bounds how long after a resume they leave.
 */
export class ReleaseHeldUseCase {
  constructor(
    private readonly records: ExchangeRepository,
    private readonly publisher: ConfirmedPublisher,
    private readonly logger: Logger,
  ) {}

  /** Releases up to `limit`; resolves with how many left. Rejects STORAGE_UNAVAILABLE while the database is away. */
  runPending(limit = 200): Promise<number> {
    return this.records.releaseHeld(limit, (copies) => this.send(copies));
  }

  private async send(copies: HeldCopy[]): Promise<Set<string>> {
    const sent = new Set<string>();
    await Promise.all(copies.map(async (c) => {
      try {
        await this.publisher.publish(Topology.deliverExchange, c.recipientCode, c.body, {
          messageId: c.documentId, type: 'package', mandatory: true, contentType: 'application/xml', timestamp: Math.floor(Date.now() / 1000),
          headers: { [RECIPIENT_HEADER]: c.recipientCode, 'x-edx-sender-system': c.senderSystem, [RECEIPT_ATTESTATION_HEADER]: c.attestation },
        });
        sent.add(`${c.documentId}|${c.recipientCode}`);
      } catch (error) {
        // Still held: the next round tries again (an unroutable recipient waits for its system's binding).
        const e = toEdxError(error);
        this.logger.warn({ code: e.code, documentId: c.documentId, recipient: c.recipientCode }, `A held delivery could not be sent yet: ${e.message}`);
      }
    }));
    return sent;
  }
}
