import { createHash } from 'node:crypto';
import { TestDatabase, createTestDatabase } from '@edx/testing';
import { AccountDirectory } from './account-directory';
import { UsersService } from './users.service';

const BY = { id: null, name: 'bootstrap admin', role: 'admin' } as const;
const hashOf = (token: string) => createHash('sha256').update(token).digest();

describe('console accounts: a revocation reaches every console copy within the cache time', () => {
  let db: TestDatabase;
  let now = 0;
  beforeAll(async () => {
    db = await createTestDatabase('hub');
  });
  afterAll(() => db.drop());

  it('refuses a revoked account at once on the copy that revoked it, and on another copy once its cached answer is older than cacheMs', async () => {
    const here = new AccountDirectory(db.dataSource, 10_000, () => now);
    const there = new AccountDirectory(db.dataSource, 10_000, () => now);
    const users = new UsersService(db.dataSource, here);
    const { id, token } = await users.add({ name: 'an.nguyen', role: 'operator', expiresInDays: 7 }, BY);
    expect(await here.byTokenHash(hashOf(token))).toMatchObject({ id, revokedAt: null });
    expect(await there.byTokenHash(hashOf(token))).toMatchObject({ id, revokedAt: null });

    await users.revoke(id, BY);
    expect((await here.byTokenHash(hashOf(token)))?.revokedAt).toBeInstanceOf(Date);
    now += 9_999;
    expect(await there.byTokenHash(hashOf(token))).toMatchObject({ revokedAt: null }); // still its cached answer
    now += 2;
    expect((await there.byTokenHash(hashOf(token)))?.revokedAt).toBeInstanceOf(Date);
  });

  it('answers CONFLICT to all but one of four requests for one name at once', async () => {
    const users = new UsersService(db.dataSource, new AccountDirectory(db.dataSource, 0));
    // Every connection of the pool open first, so the requests really overlap.
    await Promise.all([1, 2, 3, 4].map(() => db.dataSource.query('SELECT pg_sleep(0.05)')));
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => users.add({ name: 'same.name', role: 'operator' }, BY)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(r.reason).toMatchObject({ code: 'CONFLICT' });
  });

  it('knows no token it was never given, and keeps only its hash', async () => {
    const directory = new AccountDirectory(db.dataSource, 10_000, () => now);
    const { token } = await new UsersService(db.dataSource, directory).add({ name: 'lan.tran', role: 'admin' }, BY);
    expect(await directory.byTokenHash(hashOf(`${token}x`))).toBeUndefined();
    const [row] = await db.dataSource.query("SELECT row_to_json(a)::text AS whole FROM console_accounts a WHERE name = 'lan.tran'");
    expect(row.whole).not.toContain(token);
  });
});
