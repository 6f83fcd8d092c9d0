import { systemUserPattern } from '@edx/messaging';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, DeadLetterOrigin, DeadLetterState, appendAudit, asStorageError } from '@edx/storage';
import { DeadLetterSearch } from './dead-letter-search.query';

export interface DeadLetterRow {
  readonly id: string;
  readonly messageId: string | null;
  readonly sourceQueue: string;
  readonly messageType: string | null;
  readonly userId: string | null;
  readonly code: string;
  readonly reason: string;
  readonly headers: Record<string, unknown>;
  readonly failedAt: Date;
  readonly origin: DeadLetterOrigin;
  readonly state: DeadLetterState;
  readonly size: number;
}

export interface ActionRow {
  readonly id: string;
  readonly deadLetterId: string;
  readonly action: 'replay' | 'discard';
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly reason: string | null;
  readonly outcome: string;
  readonly outcomeCode: string | null;
  readonly outcomeDetail: string | null;
  readonly doneAt: Date | null;
}

const COLUMNS = `id::text, message_id AS "messageId", source_queue AS "sourceQueue", message_type AS "messageType", user_id AS "userId", code, reason,
  headers, failed_at AS "failedAt", origin, state, octet_length(body) AS size`;
const ACTION_COLUMNS = `id::text, dead_letter_id::text AS "deadLetterId", action, requested_by AS "requestedBy", requested_at AS "requestedAt", reason, outcome,
  outcome_code AS "outcomeCode", outcome_detail AS "outcomeDetail", done_at AS "doneAt"`;

/** Who asked, as an action records it: the account's name, or the role for a bootstrap token. */
const requestedBy = (by: AuditActor): string => (by.id ? by.name : by.role);

/** Dead letters and the operators' actions on them, in the hub database (each action also in the audit log). */
export class DeadLettersRepository {
  /** `dataSource`: the database, or the manager of a snapshot (`snapshot`). */
  constructor(private readonly dataSource: DataSource | EntityManager) {}

  /**
   * Runs `reads` on one snapshot of the database (REPEATABLE READ), so letters and their actions read
   * one after the other agree: the hub records a replay's outcome and the letter's state together,
   * and two separate reads could see one without the other.
   */
  async snapshot<T>(reads: (letters: DeadLettersRepository) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction('REPEATABLE READ', (em) => reads(new DeadLettersRepository(em)));
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }

  async search(search: DeadLetterSearch): Promise<{ items: DeadLetterRow[]; total: number; next?: string }> {
    const params: unknown[] = [];
    const p = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (search.code) where.push(`code = ${p(search.code)}`);
    if (search.queue) where.push(`source_queue = ${p(search.queue)}`);
    if (search.state) where.push(`state = ${p(search.state)}`);
    if (search.from) where.push(`failed_at >= ${p(search.from)}`);
    if (search.to) where.push(`failed_at <= ${p(search.to)}`);
    // The sender: the connected system that published it (its broker user) or on whose behalf the hub delivered it.
    // A system's broker user is `system.<id>` or an enrolment's `system.<id>.<n>`.
    if (search.sender) where.push(`(user_id ~ ${p(systemUserPattern(search.sender))} OR user_id = ${p(search.sender)} OR headers->>'x-edx-sender-system' = ${p(search.sender)})`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await this.query<{ total: number }>(`SELECT count(*)::int AS total FROM dead_letters ${filter}`, params);
    const page = [...where];
    const pageParams = [...params];
    if (search.before) page.push(`id < $${pageParams.push(search.before)}::bigint`);
    pageParams.push(search.limit + 1);
    const rows = await this.query<DeadLetterRow>(`SELECT ${COLUMNS} FROM dead_letters ${page.length ? `WHERE ${page.join(' AND ')}` : ''} ORDER BY dead_letters.id DESC LIMIT $${pageParams.length}`, pageParams);
    const items = rows.slice(0, search.limit);
    return { items, total, next: rows.length > search.limit ? items[items.length - 1].id : undefined };
  }

  async find(id: string): Promise<DeadLetterRow | undefined> {
    return (await this.query<DeadLetterRow>(`SELECT ${COLUMNS} FROM dead_letters WHERE id = $1`, [id]))[0];
  }

  actions(deadLetterIds: readonly string[]): Promise<ActionRow[]> {
    if (deadLetterIds.length === 0) return Promise.resolve([]);
    return this.query(`SELECT ${ACTION_COLUMNS} FROM dead_letter_actions WHERE dead_letter_id = ANY($1::bigint[]) ORDER BY dead_letter_actions.id`, [deadLetterIds]);
  }

  /**
   * Queues a replay of each open dead letter among `ids` (one transaction): it becomes `replaying`
   * with a pending action the hub runs. Resolves with the action ids by dead-letter id; letters that
   * are not open get none (a second replay of the same letter queues nothing: idempotent).
   */
  async queueReplays(ids: readonly string[], by: AuditActor, at: Date): Promise<Map<string, string>> {
    try {
      return await this.dataSource.transaction(async (em) => {
        // TypeORM answers an UPDATE ... RETURNING with [rows, count].
        const [opened]: [Array<{ id: string }>, number] = await em.query(
          "UPDATE dead_letters SET state = 'replaying' WHERE id = ANY($1::bigint[]) AND state = 'open' RETURNING id::text",
          [ids],
        );
        const queued = new Map<string, string>();
        for (const { id } of opened) {
          const [action]: Array<{ id: string }> = await em.query(
            "INSERT INTO dead_letter_actions (dead_letter_id, action, requested_by, requested_at, outcome) VALUES ($1, 'replay', $2, $3, 'pending') RETURNING id::text",
            [id, requestedBy(by), at],
          );
          await appendAudit(em, { actor: by, action: 'dead-letter.replay', target: id, before: { state: 'open' }, after: { state: 'replaying', actionId: action.id } }, at);
          queued.set(id, action.id);
        }
        return queued;
      });
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }

  /** Discards an open dead letter with the reason; false when it was not open. */
  async discard(id: string, by: AuditActor, reason: string, at: Date): Promise<boolean> {
    try {
      return await this.dataSource.transaction(async (em) => {
        const [, count]: [unknown[], number] = await em.query("UPDATE dead_letters SET state = 'discarded' WHERE id = $1 AND state = 'open'", [id]);
        if (count === 0) return false;
        await em.query(
          "INSERT INTO dead_letter_actions (dead_letter_id, action, requested_by, requested_at, reason, outcome, done_at) VALUES ($1, 'discard', $2, $3, $4, 'discarded', $3)",
          [id, requestedBy(by), at, reason],
        );
        await appendAudit(em, { actor: by, action: 'dead-letter.discard', target: id, before: { state: 'open' }, after: { state: 'discarded', reason } }, at);
        return true;
      });
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    try {
      return await this.dataSource.query(sql, params);
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }
}
