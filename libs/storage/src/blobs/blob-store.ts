import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { EdxError } from '@edx/common';
import { asStorageError } from '../shared/database';

/** What the store knows of a blob. */
export interface BlobInfo {
  /** Lower-case hex SHA-256 of the bytes: the blob's name. */
  readonly sha256: string;
  readonly size: number;
}

export interface StoredBlob extends BlobInfo {
  /** False when the store held these bytes already (the upload was discarded, nothing was written twice). */
  readonly created: boolean;
}

export interface PutOptions {
  /** Who uploads (a connected system): recorded in blob_uploads, even when the bytes were held already. */
  readonly uploadedBy: string;
  /** The upload is refused with ATTACHMENT_TOO_LARGE, and nothing kept, once it passes this many bytes. */
  readonly maxBytes: number;
  /** When given, bytes with another SHA-256 are refused with DIGEST_MISMATCH and nothing is kept. */
  readonly expectedSha256?: string;
}

/** A byte range of a blob: `start` included, `end` excluded (default: the blob's end). */
export interface BlobRange {
  readonly start: number;
  readonly end?: number;
}

export const SHA256_HEX = /^[0-9a-f]{64}$/;
const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** How much of a chunk one result row carries (see chunks). */
const SLICE_BYTES = 32 * 1024;

/**
 * The claim-check store (BlobStore1765500000000): bytes kept once under their SHA-256, in chunk rows.
 * An upload streams into one transaction, chunk by chunk, so at most one chunk is in memory and a
 * failed or abandoned upload leaves nothing behind; its blob row is written last and a second upload
 * of the same bytes, even a concurrent one, rolls its own chunks back and only records that its
 * system uploaded them too (`blob_uploads`: what proves a system holds the bytes it names). Reads
 * stream a range chunk by chunk, pulled as the reader consumes them.
 */
export class BlobStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {}

  /** A statement on the pool, a lost connection said as STORAGE_UNAVAILABLE. */
  private query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.dataSource.query(sql, params).catch((e: unknown) => {
      throw asStorageError(e, 'The blob store');
    });
  }

  /** Stores the bytes `source` yields; resolves once they are durable. */
  async put(source: AsyncIterable<Uint8Array>, options: PutOptions): Promise<StoredBlob> {
    const runner = this.dataSource.createQueryRunner();
    const uploadId = randomUUID();
    const hash = createHash('sha256');
    let size = 0;
    let seq = 0;
    // One chunk buffer, filled and written again and again: each insert is awaited before it is reused.
    const chunk = Buffer.allocUnsafe(this.chunkBytes);
    let filled = 0;
    const flush = async () => {
      await runner.query('INSERT INTO blob_chunks (upload_id, seq, bytes) VALUES ($1, $2, $3)', [uploadId, seq++, chunk.subarray(0, filled)]);
      filled = 0;
    };
    try {
      await runner.connect();
      await runner.startTransaction();
      await runner.query('SAVEPOINT chunks');
      for await (const piece of source) {
        const bytes = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
        size += bytes.length;
        if (size > options.maxBytes) throw new EdxError('ATTACHMENT_TOO_LARGE', `The attachment is larger than the ${options.maxBytes} bytes this exchange takes.`, { maxBytes: options.maxBytes });
        hash.update(bytes);
        for (let at = 0; at < bytes.length; ) {
          const copied = bytes.copy(chunk, filled, at, Math.min(bytes.length, at + this.chunkBytes - filled));
          filled += copied;
          at += copied;
          if (filled === this.chunkBytes) await flush();
        }
      }
      if (filled > 0) await flush();
      const sha256 = hash.digest('hex');
      if (options.expectedSha256 !== undefined && options.expectedSha256 !== sha256) {
        throw new EdxError('DIGEST_MISMATCH', `The bytes uploaded have SHA-256 ${sha256}, not the ${options.expectedSha256} they were sent as.`);
      }
      const inserted: unknown[] = await runner.query(
        'INSERT INTO blobs (sha256, size, chunk_bytes, upload_id) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING RETURNING sha256',
        [sha256, size, this.chunkBytes, uploadId],
      );
      if (inserted.length === 0) {
        await runner.query('ROLLBACK TO SAVEPOINT chunks');
        // Uploaded again: the package that names it is on its way, so no sweep may take it now.
        await runner.query('UPDATE blobs SET last_uploaded_at = now() WHERE sha256 = $1', [sha256]);
      }
      await runner.query('INSERT INTO blob_uploads (sha256, system_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [sha256, options.uploadedBy]);
      await runner.commitTransaction();
      return { sha256, size, created: inserted.length > 0 };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw asStorageError(error, 'The blob store');
    } finally {
      await runner.release();
    }
  }

  /**
   * Removes up to `limit` blobs that no accepted document names and nobody uploaded since `before`
   * (their packages were refused or never sent), with their chunks; returns how many. One statement:
   * a document naming one of them meanwhile makes it fail (the foreign key), and it is tried again.
   */
  async sweepUnclaimed(before: Date, limit = 100): Promise<number> {
    const [row] = await this.query<{ n: string }>(
      `WITH doomed AS (
           SELECT b.sha256 FROM blobs b
           WHERE b.last_uploaded_at < $1 AND NOT EXISTS (SELECT 1 FROM document_blobs d WHERE d.sha256 = b.sha256)
           ORDER BY b.last_uploaded_at LIMIT $2 FOR UPDATE SKIP LOCKED),
         gone AS (DELETE FROM blobs b USING doomed WHERE b.sha256 = doomed.sha256 RETURNING b.sha256, b.upload_id),
         chunks AS (DELETE FROM blob_chunks c USING gone WHERE c.upload_id = gone.upload_id),
         uploads AS (DELETE FROM blob_uploads u USING gone WHERE u.sha256 = gone.sha256)
         SELECT count(*) AS n FROM gone`,
      [before, limit],
    );
    return Number(row.n);
  }

  /** Whether `systemId` uploaded the blob `sha256` (and so holds its bytes). */
  async uploadedBy(sha256: string, systemId: string): Promise<boolean> {
    return (await this.query('SELECT 1 FROM blob_uploads WHERE sha256 = $1 AND system_id = $2', [sha256, systemId])).length > 0;
  }

  /** The blob named `sha256`, or undefined when the store does not hold it. */
  async stat(sha256: string): Promise<BlobInfo | undefined> {
    if (!SHA256_HEX.test(sha256)) return undefined;
    const rows = await this.query<{ size: string }>('SELECT size FROM blobs WHERE sha256 = $1', [sha256]);
    return rows.length === 0 ? undefined : { sha256, size: Number(rows[0].size) };
  }

  /**
   * A stream of the blob's bytes in `range` (the whole blob by default). Throws NOT_FOUND for a blob
   * the store does not hold, RANGE_NOT_SATISFIABLE for a range outside it.
   */
  async read(sha256: string, range?: BlobRange): Promise<Readable> {
    const rows = await this.query<{ size: string; chunk_bytes: number; upload_id: string }>('SELECT size, chunk_bytes, upload_id FROM blobs WHERE sha256 = $1', [SHA256_HEX.test(sha256) ? sha256 : '']);
    if (rows.length === 0) throw new EdxError('NOT_FOUND', `The blob store holds no blob ${sha256}.`);
    const size = Number(rows[0].size);
    const start = range?.start ?? 0;
    const end = range?.end ?? size;
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end <= size)) {
      throw new EdxError('RANGE_NOT_SATISFIABLE', `Bytes ${start}-${end} are not within blob ${sha256} of ${size} bytes.`, { size });
    }
    return Readable.from(this.chunks(rows[0].upload_id, rows[0].chunk_bytes, start, end), { objectMode: false, highWaterMark: rows[0].chunk_bytes });
  }

  /**
   * The blob's bytes from `start` to `end`, one chunk row per query, each in 32 KiB slices.
   * PostgreSQL sends bytea as hex text, which node-postgres makes a string before it becomes bytes: a
   * whole 1 MiB chunk would be a 2 MiB string, allocated straight into V8's old generation and left
   * there until a full collection (reading 200 MiB grew the heap by ~100 MiB). A 64 KiB string dies
   * young, in a scavenge. Slices are cheap: EXTERNAL storage reads a substring without the rest.
   */
  private async *chunks(uploadId: string, chunkBytes: number, start: number, end: number): AsyncGenerator<Buffer> {
    if (start === end) return;
    for (let seq = Math.floor(start / chunkBytes); seq <= Math.floor((end - 1) / chunkBytes); seq++) {
      const rows = await this.query<{ s: number; bytes: Buffer }>(
        `SELECT s, substring(c.bytes FROM s FOR ${SLICE_BYTES}) AS bytes
         FROM blob_chunks c, generate_series(1, length(c.bytes), ${SLICE_BYTES}) AS s
         WHERE c.upload_id = $1 AND c.seq = $2 ORDER BY s`,
        [uploadId, seq],
      );
      if (rows.length === 0) throw new EdxError('INTERNAL_ERROR', `The blob store lost chunk ${seq} of upload ${uploadId}.`);
      for (const row of rows) {
        const offset = seq * chunkBytes + row.s - 1;
        if (offset + row.bytes.length <= start || offset >= end) continue;
        yield row.bytes.subarray(Math.max(0, start - offset), Math.min(row.bytes.length, end - offset));
      }
    }
  }
}
