import { DataSource } from 'typeorm';
import { CheckpointEntry, GENESIS_HASH, asStorageError, checkpointHead, inChunks } from '@edx/storage';
import { ChainCheckpoint } from '@edx/trust';

/** Serialises checkpoint rounds across hub copies (pg_advisory_xact_lock key). */
const CHECKPOINT_LOCK = 0x65647863; // "edxc"

/**
 * The hub's chain checkpoints: takes one over every document whose chain grew since the last (in one
 * transaction, under an advisory lock so two hub copies never take the same number), and keeps
 * which are still to be published.
 */
export class CheckpointRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes checkpoint n+1 when one is due (none yet, the last is `intervalMs` old, or an operator
   * asked): locks the grown documents' rows, computes the head, has `sign` sign it, and records it
   * with its entries. Resolves with the checkpoint, or undefined when none was due. Rejects
   * STORAGE_UNAVAILABLE when the database is away.
   */
  async takeIfDue(now: Date, intervalMs: number, sign: (checkpoint: Omit<ChainCheckpoint, 'attestedBy'>) => string): Promise<Omit<ChainCheckpoint, 'attestedBy'> | undefined> {
    try {
      return await this.dataSource.transaction(async (em) => {
        await em.query('SELECT pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK]);
        const [last]: Array<{ seq: string; at: Date; documents: number; events: string; head: string }> = await em.query(
          'SELECT seq, at, documents, events, head FROM chain_checkpoints ORDER BY seq DESC LIMIT 1',
        );
        const requests: Array<{ id: string }> = await em.query('SELECT id FROM checkpoint_requests WHERE checkpoint_seq IS NULL ORDER BY id FOR UPDATE');
        const due = !last || requests.length > 0 || now.getTime() - new Date(last.at).getTime() >= intervalMs;
        if (!due) return undefined;
        // The same order as the hub's status commits lock documents in, so the two never deadlock.
        const grown: Array<{ id: string; event_count: number; last_event_hash: string; checkpointed_count: number }> = await em.query(
          'SELECT id, event_count, last_event_hash, checkpointed_count FROM documents WHERE event_count > checkpointed_count ORDER BY id FOR UPDATE',
        );
        const entries: CheckpointEntry[] = grown.map((d) => ({ documentId: d.id, count: d.event_count, hash: d.last_event_hash }));
        const checkpoint = {
          seq: last ? Number(last.seq) + 1 : 1,
          at: now.toISOString(),
          documents: (last?.documents ?? 0) + grown.filter((d) => d.checkpointed_count === 0).length,
          events: Number(last?.events ?? 0) + grown.reduce((n, d) => n + d.event_count - d.checkpointed_count, 0),
          head: checkpointHead(last?.head ?? GENESIS_HASH, entries),
        };
        const token = sign(checkpoint);
        await em.query('INSERT INTO chain_checkpoints (seq, at, documents, events, head, token) VALUES ($1, $2, $3, $4, $5, $6)', [
          checkpoint.seq, now, checkpoint.documents, checkpoint.events, checkpoint.head, token,
        ]);
        await inChunks(entries.flatMap((e) => [checkpoint.seq, e.documentId, e.count, e.hash]), 4, (values, chunk) =>
          em.query(`INSERT INTO checkpoint_entries (checkpoint_seq, document_id, event_count, event_hash) VALUES ${values}`, chunk),
        );
        await inChunks(entries.flatMap((e) => [e.documentId, e.count]), 2, (values, chunk) =>
          em.query(`UPDATE documents d SET checkpointed_count = v.count::int FROM (VALUES ${values}) AS v(id, count) WHERE d.id = v.id::uuid`, chunk),
        );
        if (requests.length > 0) await em.query('UPDATE checkpoint_requests SET checkpoint_seq = $1 WHERE id = ANY($2::bigint[])', [checkpoint.seq, requests.map((r) => r.id)]);
        return checkpoint;
      });
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }

  /** Checkpoints not yet confirmed sent to every gateway, oldest first. */
  async unpublished(): Promise<Array<{ seq: number; token: string }>> {
    const rows: Array<{ seq: string; token: string }> = await this.query('SELECT seq, token FROM chain_checkpoints WHERE published_at IS NULL ORDER BY seq', []);
    return rows.map((r) => ({ seq: Number(r.seq), token: r.token }));
  }

  async markPublished(seq: number, at: Date): Promise<void> {
    await this.query('UPDATE chain_checkpoints SET published_at = $2 WHERE seq = $1', [seq, at]);
  }

  /** One agency code hosted by each connected system: the routing key that reaches its inbox. */
  async systemRoutes(): Promise<Array<{ systemId: string; agencyCode: string }>> {
    return this.query(
      `SELECT DISTINCT ON (a.system_id) a.system_id AS "systemId", a.code AS "agencyCode"
       FROM agencies a JOIN connected_systems s ON s.id = a.system_id WHERE s.status = 'active' ORDER BY a.system_id, a.code`,
      [],
    );
  }

  private async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    try {
      return await this.dataSource.query(sql, params);
    } catch (error) {
      throw asStorageError(error, 'The hub database');
    }
  }
}
