import { randomUUID } from 'node:crypto';
import { TestDatabase, createTestDatabase } from '@edx/testing';
import { DeadLetterSearch } from './dead-letter-search.query';
import { DeadLettersRepository } from './dead-letters.repository';

describe('DeadLettersRepository (real PostgreSQL)', () => {
  let db: TestDatabase;
  let repo: DeadLettersRepository;
  beforeAll(async () => {
    db = await createTestDatabase('hub');
    repo = new DeadLettersRepository(db.dataSource);
  });
  afterAll(async () => db?.drop());

  it('pages newest first by number, not by text: past the tenth letter nothing is skipped or repeated', async () => {
    for (let i = 0; i < 23; i++) {
      await db.dataSource.query(
        `INSERT INTO dead_letters (message_id, source_queue, message_type, code, reason, body, failed_at, origin) VALUES ($1, 'hub.inbound', 'package', 'EDXML_MALFORMED', 'test', '\\x00', now(), 'hub')`,
        [randomUUID()],
      );
    }
    const all: string[] = [];
    for (let cursor: string | undefined, pages = 0; pages < 20; pages++) {
      const page = await repo.search(DeadLetterSearch.parse({ limit: '4', ...(cursor ? { cursor } : {}) }));
      expect(page.total).toBe(23);
      all.push(...page.items.map((d) => d.id));
      cursor = page.next;
      if (!cursor) break;
    }
    const numbers = all.map(Number);
    expect(numbers).toHaveLength(23);
    expect(new Set(numbers).size).toBe(23);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
  });

  it('reads a letter and its actions from one snapshot: an outcome the hub records between the two reads is seen in both or neither', async () => {
    const [{ id }] = await db.dataSource.query(
      `INSERT INTO dead_letters (message_id, source_queue, message_type, code, reason, body, failed_at, origin, state) VALUES ($1, 'hub.inbound', 'package', 'AGENCY_SUSPENDED', 'test', '\\x00', now(), 'hub', 'replaying') RETURNING id::text AS id`,
      [randomUUID()],
    );
    const [{ id: actionId }] = await db.dataSource.query("INSERT INTO dead_letter_actions (dead_letter_id, action, requested_by, requested_at, outcome) VALUES ($1, 'replay', 'operator', now(), 'pending') RETURNING id::text AS id", [id]);
    const seen = await repo.snapshot(async (letters) => {
      const letter = await letters.find(id);
      // The hub's replay records its outcome and reopens the letter, in one transaction, between the reads.
      await db.dataSource.transaction(async (em) => {
        await em.query("UPDATE dead_letter_actions SET outcome = 'refused', done_at = now() WHERE id = $1", [actionId]);
        await em.query("UPDATE dead_letters SET state = 'open' WHERE id = $1", [id]);
      });
      return { state: letter!.state, outcomes: (await letters.actions([id])).map((a) => a.outcome) };
    });
    expect(seen).toEqual({ state: 'replaying', outcomes: ['pending'] });
    expect((await repo.find(id))!.state).toBe('open');
  });
});
