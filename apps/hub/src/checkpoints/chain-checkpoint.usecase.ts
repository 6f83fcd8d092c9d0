import { deterministicUuid, Logger } from '@edx/common';
import { ConfirmedPublisher, Topology } from '@edx/messaging';
import { CHAIN_CHECKPOINT_TYPE, SigningIdentity, signChainCheckpoint } from '@edx/trust';
import { CheckpointRepository } from './checkpoint.repository';

/** The header a checkpoint carries: its number, so a gateway can log what it received before it reads it. */
export const CHECKPOINT_SEQ_HEADER = 'x-edx-checkpoint-seq';

/**
 * Anchors the event chain outside the table it protects: takes a signed checkpoint when one is due
 * (every `intervalMs`, or when an operator asked) and publishes every checkpoint not yet sent to
 * every connected system's inbox, where its gateway verifies and keeps it.
 */
export class ChainCheckpointUseCase {
  constructor(
    private readonly checkpoints: CheckpointRepository,
    private readonly identity: SigningIdentity,
    private readonly organId: string,
    private readonly publisher: ConfirmedPublisher,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** One round; resolves with how many checkpoints it took or sent (0: nothing to do). Rejects STORAGE_UNAVAILABLE or a broker error; the next round tries again. */
  async runPending(): Promise<number> {
    const taken = await this.checkpoints.takeIfDue(this.clock(), this.intervalMs, (c) => signChainCheckpoint({ ...c, attestedBy: this.organId }, this.identity));
    if (taken) this.logger.info({ seq: taken.seq, documents: taken.documents, events: taken.events }, `chain checkpoint #${taken.seq}: head ${taken.head}`);
    const pending = await this.checkpoints.unpublished();
    if (pending.length === 0) return taken ? 1 : 0;
    const routes = await this.checkpoints.systemRoutes();
    for (const checkpoint of pending) {
      await Promise.all(
        routes.map((route) =>
          this.publisher.publish(Topology.deliverExchange, route.agencyCode, Buffer.from(checkpoint.token), {
            messageId: deterministicUuid('checkpoint', String(checkpoint.seq), route.systemId),
            type: CHAIN_CHECKPOINT_TYPE,
            headers: { [CHECKPOINT_SEQ_HEADER]: checkpoint.seq },
            mandatory: false,
            contentType: 'application/jose',
            timestamp: Math.floor(Date.now() / 1000),
          }),
        ),
      );
      await this.checkpoints.markPublished(checkpoint.seq, this.clock());
    }
    return (taken ? 1 : 0) + pending.length;
  }
}
