import { createHash, randomBytes } from 'node:crypto';
import { EdxError } from '@edx/common';
import { createTestDatabase, TestDatabase } from '@edx/testing';
import { BlobStore } from './blob-store';

const CHUNK = 1000;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Yields `bytes` in pieces of `piece` bytes, as a socket would. */
async function* pieces(bytes: Buffer, piece = 333): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += piece) yield bytes.subarray(at, at + piece);
}

async function readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts);
}

const count = async (db: TestDatabase, table: string) => Number((await db.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

describe('BlobStore (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: BlobStore;
  beforeAll(async () => {
    db = await createTestDatabase('hub');
    store = new BlobStore(db.dataSource, CHUNK);
  });
  afterAll(async () => db?.drop());
  afterEach(async () => db.dataSource.query('TRUNCATE blobs, blob_chunks, blob_uploads, document_blobs'));

  it('keeps bytes under their SHA-256, in chunk rows, and reads back the whole blob and any range', async () => {
    const bytes = randomBytes(CHUNK * 9 + 123);
    const stored = await store.put(pieces(bytes), { uploadedBy: 'sys-a', maxBytes: 1e6 });
    expect(stored).toEqual({ sha256: sha256(bytes), size: bytes.length, created: true });
    expect(await count(db, 'blob_chunks')).toBe(10);
    expect(await store.stat(stored.sha256)).toEqual({ sha256: stored.sha256, size: bytes.length });
    expect((await readAll(await store.read(stored.sha256))).equals(bytes)).toBe(true);
    for (const [start, end] of [[0, 0], [0, 1], [999, 1001], [1500, 7777], [CHUNK * 4, CHUNK * 9], [bytes.length - 1, bytes.length], [bytes.length, bytes.length]]) {
      expect((await readAll(await store.read(stored.sha256, { start, end }))).equals(bytes.subarray(start, end))).toBe(true);
    }
  });

  it('stores the same bytes once, however many upload them, even at the same time', async () => {
    const bytes = randomBytes(CHUNK * 3);
    const results = await Promise.all([1, 2, 3].map((n) => store.put(pieces(bytes, 100 * n), { uploadedBy: `sys-${n}`, maxBytes: 1e6 })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha256(bytes)]));
    expect(await count(db, 'blobs')).toBe(1);
    expect(await count(db, 'blob_chunks')).toBe(3);
    // Each uploader proved it holds the bytes; a system that uploaded nothing did not.
    for (const n of [1, 2, 3]) expect(await store.uploadedBy(sha256(bytes), `sys-${n}`)).toBe(true);
    expect(await store.uploadedBy(sha256(bytes), 'sys-4')).toBe(false);
  });

  it('keeps nothing of an upload that passes its limit, has another digest than promised, or fails on the way', async () => {
    const bytes = randomBytes(CHUNK * 5);
    await expect(store.put(pieces(bytes), { uploadedBy: 'sys-a', maxBytes: CHUNK * 2 })).rejects.toMatchObject({ code: 'ATTACHMENT_TOO_LARGE' });
    await expect(store.put(pieces(bytes), { uploadedBy: 'sys-a', maxBytes: 1e6, expectedSha256: sha256(Buffer.from('other')) })).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
    async function* broken(): AsyncGenerator<Buffer> {
      yield bytes.subarray(0, CHUNK * 3);
      throw new Error('connection reset by the uploader');
    }
    await expect(store.put(broken(), { uploadedBy: 'sys-a', maxBytes: 1e6 })).rejects.toThrow('connection reset');
    expect(await count(db, 'blobs')).toBe(0);
    expect(await count(db, 'blob_chunks')).toBe(0);
  });

  it('stores an empty blob and says NOT_FOUND or RANGE_NOT_SATISFIABLE for what it cannot give', async () => {
    const empty = await store.put(pieces(Buffer.alloc(0)), { uploadedBy: 'sys-a', maxBytes: 10 });
    expect(empty).toMatchObject({ size: 0, created: true });
    expect(await readAll(await store.read(empty.sha256))).toEqual(Buffer.alloc(0));
    const missing = sha256(Buffer.from('never stored'));
    expect(await store.stat(missing)).toBeUndefined();
    expect(await store.stat('not a digest')).toBeUndefined();
    await expect(store.read(missing)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const blob = await store.put(pieces(randomBytes(10)), { uploadedBy: 'sys-a', maxBytes: 10 });
    for (const range of [{ start: 5, end: 11 }, { start: 6, end: 5 }, { start: -1, end: 3 }, { start: 0.5, end: 3 }]) {
      const error = await store.read(blob.sha256, range).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EdxError);
      expect(error).toMatchObject({ code: 'RANGE_NOT_SATISFIABLE' });
    }
  });

  it('reads a blob as the reader consumes it: a reader that stops early leaves the rest unread', async () => {
    const bytes = randomBytes(CHUNK * 40);
    const blob = await store.put(pieces(bytes, CHUNK), { uploadedBy: 'sys-a', maxBytes: 1e6 });
    const queries = jest.spyOn(db.dataSource, 'query');
    const stream = await store.read(blob.sha256);
    for await (const first of stream) {
      expect(first.equals(bytes.subarray(0, CHUNK))).toBe(true);
      break;
    }
    expect(queries.mock.calls.filter(([sql]) => String(sql).includes('FROM blob_chunks')).length).toBeLessThanOrEqual(2);
    queries.mockRestore();
  });

  it('sweeps the blobs no accepted document names once nobody uploaded them for a while, and nothing else', async () => {
    const put = (bytes: Buffer) => store.put(pieces(bytes), { uploadedBy: 'sys-a', maxBytes: 1e6 });
    const [orphan, named, fresh, again] = await Promise.all([randomBytes(CHUNK * 3), randomBytes(CHUNK * 2), randomBytes(10), randomBytes(20)].map(put));
    await db.dataSource.query(`INSERT INTO document_blobs (document_id, sha256) VALUES (gen_random_uuid(), $1)`, [named.sha256]);
    await db.dataSource.query(`UPDATE blobs SET last_uploaded_at = now() - interval '8 days' WHERE sha256 <> $1`, [fresh.sha256]);
    // Uploaded again today: its package may be on its way, so it stays.
    expect((await put(Buffer.from(await readAll(await store.read(again.sha256))))).created).toBe(false);

    const weekAgo = new Date(Date.now() - 7 * 86_400_000);
    expect(await store.sweepUnclaimed(weekAgo)).toBe(1);
    expect(await store.stat(orphan.sha256)).toBeUndefined();
    expect(await store.uploadedBy(orphan.sha256, 'sys-a')).toBe(false);
    for (const kept of [named, fresh, again]) expect(await store.stat(kept.sha256)).toBeDefined();
    expect(await count(db, 'blob_chunks')).toBe(2 + 1 + 1);
    expect(await store.sweepUnclaimed(weekAgo)).toBe(0);
    // A document cannot name a blob the store does not hold (what makes a sweep and a new document exclude each other).
    await expect(db.dataSource.query(`INSERT INTO document_blobs (document_id, sha256) VALUES (gen_random_uuid(), $1)`, [orphan.sha256])).rejects.toThrow(/foreign key/);
  });
});
