import { DataSource, EntityManager } from 'typeorm';
import { EdxError, Logger, toEdxError } from '@edx/common';
import { ConfirmedPublisher, InboundMessage, Outcome, Topology } from '@edx/messaging';
import { DeadLetterActionOutcome, DeadLetterOrigin, asStorageError, replayRoute } from '@edx/storage';

/** Headers that record the death, not the message: a replay sends the message as it was. */
const DEATH_HEADERS = /^(x-death|x-first-death-|x-last-death-|x-edx-error-|x-edx-failed-at|x-edx-source-queue|x-edx-original-)/;

interface PendingReplay {
  readonly actionId: string;
  readonly deadLetterId: string;
  readonly messageId: string | null;
  readonly sourceQueue: string;
  readonly messageType: string | null;
  readonly userId: string | null;
  readonly origin: DeadLetterOrigin;
  readonly body: Buffer;
  readonly headers: Record<string, unknown>;
}

interface Result {
  readonly outcome: Exclude<DeadLetterActionOutcome, 'pending' | 'discarded'>;
  readonly code?: string;
  readonly detail: string;
}

/**
 * Runs the replays operators queued in the console (dead_letter_actions, outcome 'pending'). A package
 * or status that died on hub.inbound goes through the hub's inbound handler again, exactly as a
 * delivery from the broker would: every check, under its original message id, as the connected
 * system that published it (its user_id, which the broker vouched for when it was first sent). A
 * delivery a gateway refused goes back to that recipient's inbox. What came of it is recorded on the
 * action; a refused replay opens the dead letter again for another try after another fix.
 */
export class DeadLetterReplayUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly inbound: (messages: InboundMessage[]) => Promise<Outcome[]>,
    private readonly publisher: ConfirmedPublisher,
    private readonly logger: Logger,
  ) {}

  /**
   * Runs up to `limit` pending replays, oldest first, each in its own transaction (locked while it
   * runs, so two hub copies never run the same one; a crash leaves it pending). One that waits for a
   * dependency stays pending and is passed over for this round: it never holds up the others, and
   * the ones done before it are never run again. Resolves with how many ran. Rejects
   * STORAGE_UNAVAILABLE while the database is away.
   */
  async runPending(limit = 20): Promise<number> {
    const waiting: string[] = [];
    let ran = 0;
    while (ran < limit) {
      const step = await this.runOldest(waiting);
      if (step === 'none') break;
      if (step === 'ran') ran++;
    }
    return ran;
  }

  /** The oldest pending replay not in `waiting`: run and recorded, or added to `waiting` when a dependency is away. */
  private async runOldest(waiting: string[]): Promise<'ran' | 'waiting' | 'none'> {
    try {
      return await this.dataSource.transaction(async (em) => {
        const [replay]: PendingReplay[] = await em.query(
          `SELECT a.id::text AS "actionId", d.id::text AS "deadLetterId", d.message_id AS "messageId", d.source_queue AS "sourceQueue",
                  d.message_type AS "messageType", d.user_id AS "userId", d.origin, d.body, d.headers
           FROM dead_letter_actions a JOIN dead_letters d ON d.id = a.dead_letter_id
           WHERE a.outcome = 'pending' AND a.action = 'replay' AND a.id <> ALL($1::bigint[]) ORDER BY a.id LIMIT 1 FOR UPDATE OF a SKIP LOCKED`,
          [waiting],
        );
        if (!replay) return 'none';
        let result: Result;
        try {
          result = await this.run(replay);
        } catch (error) {
          const e = toEdxError(error);
          if (!e.isTransient) throw e;
          waiting.push(replay.actionId);
          this.logger.warn({ deadLetterId: replay.deadLetterId, messageId: replay.messageId, err: e.message }, 'dead letter replay waits for a dependency; the others go on');
          return 'waiting';
        }
        await this.record(em, replay, result);
        return 'ran';
      });
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }

  private async run(replay: PendingReplay): Promise<Result> {
    const route = replayRoute(replay);
    if (route.kind === 'none') return { outcome: 'refused', code: 'DEAD_LETTER_NOT_REPLAYABLE', detail: `Not replayed: ${route.why}.` };
    const headers = Object.fromEntries(Object.entries(replay.headers ?? {}).filter(([k]) => !DEATH_HEADERS.test(k)));
    if (route.kind === 'recipient-inbox') {
      try {
        await this.publisher.publish(Topology.deliverExchange, route.recipientCode, replay.body, {
          messageId: replay.messageId!, type: replay.messageType ?? 'package', headers, mandatory: true, contentType: 'application/xml', timestamp: Math.floor(Date.now() / 1000),
        });
        return { outcome: 'sent', detail: `Sent again to ${route.recipientCode}'s inbox; its gateway checks it again and answers 01 or 02.` };
      } catch (error) {
        const e = toEdxError(error);
        if (e.isTransient) throw e;
        return { outcome: 'refused', code: e.code, detail: e.message };
      }
    }
    const message: InboundMessage = {
      body: replay.body, messageId: replay.messageId ?? undefined, userId: replay.userId ?? undefined, type: replay.messageType ?? undefined,
      headers, routingKey: replay.messageType ?? 'package', redelivered: false,
    };
    const [outcome] = await this.inbound([message]);
    if (outcome.kind === 'ack') return { outcome: 'accepted', detail: 'The hub checked it again and took it: recorded and sent on to its recipients.' };
    if (outcome.kind === 'dead-letter') return { outcome: 'refused', code: outcome.code, detail: outcome.reason };
    // Transient (database or broker away): leave it pending, the next round tries again.
    throw new EdxError('STORAGE_UNAVAILABLE', `The replay waits for a dependency: ${outcome.reason}`);
  }

  private async record(em: EntityManager, replay: PendingReplay, result: Result): Promise<void> {
    await em.query('UPDATE dead_letter_actions SET outcome = $2, outcome_code = $3, outcome_detail = $4, done_at = now() WHERE id = $1', [
      replay.actionId, result.outcome, result.code ?? null, result.detail.slice(0, 4000),
    ]);
    await em.query('UPDATE dead_letters SET state = $2 WHERE id = $1', [replay.deadLetterId, result.outcome === 'refused' ? 'open' : 'replayed']);
    this.logger.info({ deadLetterId: replay.deadLetterId, messageId: replay.messageId, outcome: result.outcome, code: result.code }, 'dead letter replayed');
  }
}
