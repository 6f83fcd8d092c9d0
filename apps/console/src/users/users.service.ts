import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EdxError } from '@edx/common';
import { AuditActor, appendAudit } from '@edx/storage';
import { AccountDirectory } from './account-directory';

const DAY_MS = 86_400_000;
export const DEFAULT_ACCOUNT_DAYS = 90;
const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._@-]{0,99}$/u;
const ACCOUNT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface AccountRow {
  id: string; name: string; role: 'admin' | 'operator'; created_at: Date; created_by: string; expires_at: Date | null; revoked_at: Date | null; revoked_by: string | null;
}

function view(row: AccountRow, now: Date) {
  const state = row.revoked_at ? 'revoked' : row.expires_at && row.expires_at <= now ? 'expired' : 'active';
  return {
    id: row.id, name: row.name, role: row.role, state,
    createdAt: row.created_at.toISOString(), createdBy: row.created_by,
    expiresAt: row.expires_at?.toISOString() ?? null, revokedAt: row.revoked_at?.toISOString() ?? null, revokedBy: row.revoked_by,
  };
}

/**
 * Named administrator and operator accounts. Each gets its own token, shown once when the account is
 * made and kept only as its SHA-256; an account expires after the days it was given and can be
 * revoked. Every change is in the audit log, in the transaction that makes it.
 */
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accounts: AccountDirectory,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Throws REQUEST_INVALID for a bad name, role or expiry, CONFLICT when the name is taken by an account not revoked. */
  async add(input: { name: unknown; role: unknown; expiresInDays?: unknown }, by: AuditActor) {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!NAME.test(name)) throw new EdxError('REQUEST_INVALID', '"name" must be 1-100 letters, digits, spaces, dots, dashes, underscores or @, starting with a letter or digit.');
    if (input.role !== 'admin' && input.role !== 'operator') throw new EdxError('REQUEST_INVALID', '"role" must be "admin" or "operator".');
    const days = input.expiresInDays ?? DEFAULT_ACCOUNT_DAYS;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3650) {
      throw new EdxError('REQUEST_INVALID', '"expiresInDays" must be a whole number of days from 1 to 3650.');
    }
    const role = input.role;
    const token = `edx_${randomBytes(32).toString('base64url')}`;
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + days * DAY_MS);
    const row = await this.dataSource.transaction(async (em) => {
      // Two requests for one name queue up here: the second sees the first's account (CONFLICT), not the unique index.
      await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`console_accounts:${name}`]);
      const taken = await em.query('SELECT 1 FROM console_accounts WHERE name = $1 AND revoked_at IS NULL', [name]);
      if (taken.length > 0) throw new EdxError('CONFLICT', `An account named "${name}" exists already; revoke it first or choose another name.`);
      const [created]: AccountRow[] = await em.query(
        `INSERT INTO console_accounts (name, role, token_sha256, created_at, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id::text, name, role, created_at, created_by, expires_at, revoked_at, revoked_by`,
        [name, role, createHash('sha256').update(token).digest('hex'), now, by.name, expiresAt],
      );
      await appendAudit(em, { actor: by, action: 'user.add', target: created.id, before: null, after: { name, role, state: 'active', expiresAt: expiresAt.toISOString() } }, now);
      return created;
    });
    return { ...view(row, now), token };
  }

  async list() {
    const rows: AccountRow[] = await this.dataSource.query(
      'SELECT id::text, name, role, created_at, created_by, expires_at, revoked_at, revoked_by FROM console_accounts ORDER BY created_at, console_accounts.id',
    );
    const now = this.clock();
    return { items: rows.map((r) => view(r, now)) };
  }

  /** Revokes account `id` (a second revocation changes nothing). Throws REQUEST_INVALID, NOT_FOUND. */
  async revoke(id: string, by: AuditActor) {
    if (!ACCOUNT_ID.test(id)) throw new EdxError('REQUEST_INVALID', `"${id.slice(0, 40)}" is not an account id.`);
    const now = this.clock();
    const row = await this.dataSource.transaction(async (em) => {
      const [current]: AccountRow[] = await em.query(
        'SELECT id::text, name, role, created_at, created_by, expires_at, revoked_at, revoked_by FROM console_accounts WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!current) throw new EdxError('NOT_FOUND', `There is no account ${id}.`);
      if (current.revoked_at) return current;
      const [[revoked]]: [AccountRow[], number] = await em.query(
        `UPDATE console_accounts SET revoked_at = $2, revoked_by = $3 WHERE id = $1
         RETURNING id::text, name, role, created_at, created_by, expires_at, revoked_at, revoked_by`,
        [id, now, by.name],
      );
      const before = view(current, now);
      await appendAudit(em, { actor: by, action: 'user.revoke', target: id, before: { name: current.name, role: current.role, state: before.state }, after: { name: current.name, role: current.role, state: 'revoked' } }, now);
      return revoked;
    });
    this.accounts.forget(id);
    return view(row, now);
  }
}
