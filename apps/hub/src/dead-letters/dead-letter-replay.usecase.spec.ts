import { randomUUID } from 'node:crypto';
import { createLogger } from '@edx/common';
import { ConfirmedPublisher, InboundMessage, Outcome } from '@edx/messaging';
import { TestDatabase, createTestDatabase } from '@edx/testing';
import { DeadLetterReplayUseCase } from './dead-letter-replay.usecase';

describe('dead-letter replays (real PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('hub');
  });
  afterAll(() => db.drop());

  /** A package the hub dead-lettered, with a pending replay an operator queued; its message id. */
  async function queuedReplay(): Promise<string> {
    const messageId = randomUUID();
    const [{ id }] = await db.dataSource.query(
      `INSERT INTO dead_letters (message_id, source_queue, message_type, code, reason, body, failed_at, origin, state) VALUES ($1, 'hub.inbound', 'package', 'AGENCY_SUSPENDED', 'suspended', '\\x00', now(), 'hub', 'replaying') RETURNING id`,
      [messageId],
    );
    await db.dataSource.query("INSERT INTO dead_letter_actions (dead_letter_id, action, requested_by, requested_at, outcome) VALUES ($1, 'replay', 'operator', now(), 'pending')", [id]);
    return messageId;
  }
  const stateOf = async (messageId: string) =>
    (await db.dataSource.query('SELECT d.state, a.outcome FROM dead_letters d JOIN dead_letter_actions a ON a.dead_letter_id = d.id WHERE d.message_id = $1', [messageId]))[0];

  it('runs each replay in its own transaction: one waiting for a dependency holds up none behind it, and those done are not run again', async () => {
    const first = await queuedReplay();
    const waiting = await queuedReplay();
    const last = await queuedReplay();
    const runs: string[] = [];
    // The hub's inbound handler: the second message's dependency is away (a transient outcome), the others are taken.
    const inbound = async (messages: InboundMessage[]) => {
      runs.push(messages[0].messageId!);
      return messages.map((m) => (m.messageId === waiting ? Outcome.dependencyDown('the broker is away') : Outcome.ack()));
    };
    const replays = new DeadLetterReplayUseCase(db.dataSource, inbound, {} as ConfirmedPublisher, createLogger('test', 'silent'));
    expect(await replays.runPending()).toBe(2);
    expect([await stateOf(first), await stateOf(waiting), await stateOf(last)]).toEqual([
      { state: 'replayed', outcome: 'accepted' },
      { state: 'replaying', outcome: 'pending' },
      { state: 'replayed', outcome: 'accepted' },
    ]);
    // The next round tries only the one still waiting.
    expect(await replays.runPending()).toBe(0);
    expect(runs).toEqual([first, waiting, last, waiting]);
  });
});
