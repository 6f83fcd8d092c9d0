import { EdxError } from '@edx/common';
import { AuditActor, replayRoute } from '@edx/storage';
import { DeadLetterSearch } from './dead-letter-search.query';
import { ActionRow, DeadLetterRow, DeadLettersRepository } from './dead-letters.repository';

/** What a replay request did to one dead letter. */
export type ReplayResult =
  | { id: string; result: 'queued'; actionId: string }
  | { id: string; result: 'already'; state: string }
  | { id: string; result: 'refused'; code: 'DEAD_LETTER_NOT_REPLAYABLE' | 'NOT_FOUND'; message: string };

/** Header names that say why and where it died, not what the original message carried. */
const DEATH_HEADERS = /^(x-death|x-first-death-|x-last-death-|x-edx-error-|x-edx-failed-at|x-edx-source-queue|x-edx-original-)/;

function view(row: DeadLetterRow, actions: readonly ActionRow[]) {
  const route = replayRoute(row);
  const headers = row.headers ?? {};
  return {
    id: row.id, messageId: row.messageId, sourceQueue: row.sourceQueue, messageType: row.messageType, userId: row.userId,
    code: row.code, reason: row.reason, failedAt: new Date(row.failedAt).toISOString(), origin: row.origin, state: row.state, size: Number(row.size),
    replayable: route.kind !== 'none' && row.state === 'open',
    notReplayableBecause: route.kind === 'none' ? route.why : null,
    /** The original message's header fields (sanitised when recorded); the broker's death record apart. */
    headers: Object.fromEntries(Object.entries(headers).filter(([k]) => !DEATH_HEADERS.test(k))),
    death: Object.fromEntries(Object.entries(headers).filter(([k]) => DEATH_HEADERS.test(k))),
    actions: actions.filter((a) => a.deadLetterId === row.id).map((a) => ({
      id: a.id, action: a.action, requestedBy: a.requestedBy, requestedAt: new Date(a.requestedAt).toISOString(), reason: a.reason,
      outcome: a.outcome, outcomeCode: a.outcomeCode, outcomeDetail: a.outcomeDetail, doneAt: a.doneAt ? new Date(a.doneAt).toISOString() : null,
    })),
  };
}

/**
 * Dead letters for operators: list them, replay one or a selection once the cause is fixed (the hub
 * runs each replay through every check again, under the original package id, and records what came
 * of it), or discard one with a reason. Only what the hub or a queue dead-lettered is replayable.
 */
export class DeadLettersService {
  constructor(
    private readonly letters: DeadLettersRepository,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  search(search: DeadLetterSearch) {
    return this.letters.snapshot(async (letters) => {
      const page = await letters.search(search);
      const actions = await letters.actions(page.items.map((r) => r.id));
      return { items: page.items.map((r) => view(r, actions)), total: page.total, nextCursor: page.next ?? null };
    });
  }

  get(id: string) {
    return this.letters.snapshot(async (letters) => view(await this.find(id, letters), await letters.actions([id])));
  }

  /** Queues a replay of each of `ids` that may be replayed and is open; says what it did with each. */
  async replay(ids: readonly string[], by: AuditActor): Promise<{ results: ReplayResult[] }> {
    const results = new Map<string, ReplayResult>();
    const replayable: string[] = [];
    for (const id of ids) {
      const row = await this.letters.find(id);
      if (!row) results.set(id, { id, result: 'refused', code: 'NOT_FOUND', message: `There is no dead letter ${id}.` });
      else {
        const route = replayRoute(row);
        if (route.kind === 'none') results.set(id, { id, result: 'refused', code: 'DEAD_LETTER_NOT_REPLAYABLE', message: `Dead letter ${id} cannot be replayed: ${route.why}.` });
        else replayable.push(id);
      }
    }
    const queued = await this.letters.queueReplays(replayable, by, this.clock());
    for (const id of replayable) {
      const actionId = queued.get(id);
      if (actionId) results.set(id, { id, result: 'queued', actionId });
      else results.set(id, { id, result: 'already', state: (await this.letters.find(id))?.state ?? 'unknown' });
    }
    return { results: ids.map((id) => results.get(id)!) };
  }

  /** Replays one: NOT_FOUND, DEAD_LETTER_NOT_REPLAYABLE, or the queued (or earlier) replay. */
  async replayOne(id: string, by: AuditActor): Promise<ReplayResult> {
    const [result] = (await this.replay([id], by)).results;
    if (result.result === 'refused') throw new EdxError(result.code, result.message);
    return result;
  }

  async discard(id: string, by: AuditActor, reason: unknown) {
    if (typeof reason !== 'string' || reason.trim().length < 3 || reason.length > 2000) {
      throw new EdxError('REQUEST_INVALID', '"reason" is required: say in a sentence (3-2000 characters) why this dead letter is given up.');
    }
    const row = await this.find(id);
    if (!(await this.letters.discard(id, by, reason.trim(), this.clock()))) {
      throw new EdxError('DEAD_LETTER_CLOSED', `Dead letter ${id} is ${row.state}; only an open one can be discarded.`);
    }
    return this.get(id);
  }

  private async find(id: string, letters = this.letters): Promise<DeadLetterRow> {
    if (!/^\d{1,18}$/.test(id)) throw new EdxError('REQUEST_INVALID', `"${id.slice(0, 40)}" is not a dead-letter id.`);
    const row = await letters.find(id);
    if (!row) throw new EdxError('NOT_FOUND', `There is no dead letter ${id}.`);
    return row;
  }
}
