import { timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';

/** A named console account as the sign-in check needs it (never its token, only the token's hash). */
export interface ConsoleAccount {
  readonly id: string;
  readonly name: string;
  readonly role: 'admin' | 'operator';
  readonly tokenSha256: Buffer;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
}

const MAX_CACHED = 1000;

/**
 * Looks accounts up by the SHA-256 of their token, keeping each answer `cacheMs` so a busy dashboard
 * does not ask the database on every request. Expiry is judged at each request against the cached
 * row; a revocation reaches this console copy at once (`forget`) and every other copy within
 * `cacheMs`. Unknown tokens are not cached.
 */
export class AccountDirectory {
  private readonly cache = new Map<string, { account: ConsoleAccount; until: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly cacheMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The account whose token hashes to `hash`, or undefined; rejects when the database does. */
  async byTokenHash(hash: Buffer): Promise<ConsoleAccount | undefined> {
    const key = hash.toString('hex');
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.account;
    const rows: Array<{ id: string; name: string; role: 'admin' | 'operator'; token_sha256: string; expires_at: Date | null; revoked_at: Date | null }> =
      await this.dataSource.query('SELECT id::text, name, role, token_sha256, expires_at, revoked_at FROM console_accounts WHERE token_sha256 = $1', [key]);
    const row = rows[0];
    if (!row) {
      this.cache.delete(key);
      return undefined;
    }
    const stored = Buffer.from(row.token_sha256, 'hex');
    if (stored.length !== hash.length || !timingSafeEqual(stored, hash)) return undefined;
    const account: ConsoleAccount = { id: row.id, name: row.name, role: row.role, tokenSha256: stored, expiresAt: row.expires_at, revokedAt: row.revoked_at };
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(key, { account, until: this.now() + this.cacheMs });
    return account;
  }

  /** Drops what is cached for account `id` (after it was revoked), so this copy refuses it at once. */
  forget(id: string): void {
    for (const [key, entry] of this.cache) if (entry.account.id === id) this.cache.delete(key);
  }
}
