import { createHash } from 'node:crypto';
import { canonicalJson } from './event-chain';

/**
 * Who did something at the console: a named account, one of the bootstrap tokens (id null), or a
 * connected system acting with the credential an administrator gave it (its enrolment token; id = the system's).
 */
export interface AuditActor {
  readonly id: string | null;
  readonly name: string;
  readonly role: 'admin' | 'operator' | 'system';
}

export interface AuditEntry {
  readonly actor: AuditActor;
  /** What was done, `noun.verb`: `agency.status`, `certificate.add`, `user.revoke`... */
  readonly action: string;
  /** What it was done to (an agency code, a system id, a dead-letter id...). */
  readonly target: string | null;
  /** The state before and after, as far as the action changed it (null: there was none / is none). */
  readonly before: Record<string, unknown> | null;
  readonly after: Record<string, unknown> | null;
}

/** Anything that runs SQL: a DataSource or a transaction's EntityManager. */
interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}


export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** The hash an audit row carries: over every field it holds and the previous row's hash. */
export function auditHash(entry: AuditEntry, at: Date, prevHash: string): string {
  const covered = {
    at: at.toISOString(), actorId: entry.actor.id, actorName: entry.actor.name, actorRole: entry.actor.role,
    action: entry.action, target: entry.target, before: entry.before, after: entry.after, prevHash,
  };
  return createHash('sha256').update(canonicalJson(covered)).digest('hex');
}

/** A lock key of its own, so appends to the audit log queue up behind each other (one chain). */
const AUDIT_LOCK = 7_265_001;

/**
 * Appends one row to the audit log, chained to the last one. Run it inside the transaction that
 * makes the change, so the change and its record commit together or not at all (the chain's lock is
 * held until that transaction ends). Resolves with the row's id; rejects when the database does.
 */
export async function appendAudit(db: Queryable, entry: AuditEntry, at: Date = new Date()): Promise<string> {
  await db.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const last = (await db.query('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1')) as Array<{ hash: string }>;
  const prevHash = last[0]?.hash ?? AUDIT_GENESIS_HASH;
  const rows = (await db.query(
    `INSERT INTO audit_log (at, actor_id, actor_name, actor_role, action, target, before, after, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::text`,
    [at, entry.actor.id, entry.actor.name, entry.actor.role, entry.action, entry.target,
      entry.before === null ? null : JSON.stringify(entry.before), entry.after === null ? null : JSON.stringify(entry.after),
      prevHash, auditHash(entry, at, prevHash)],
  )) as Array<{ id: string }>;
  return rows[0].id;
}
