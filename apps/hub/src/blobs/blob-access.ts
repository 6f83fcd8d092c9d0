import { DataSource } from 'typeorm';
import { asStorageError } from '@edx/storage';

/**
 * The size of a blob a connected system may read, undefined when it may not (or there is none): it
 * uploaded it, or it hosts the sender or a recipient of an accepted document that names it. A system
 * that learnt a digest some other way reads nothing.
 */
export async function readableSize(dataSource: DataSource, systemId: string, sha256: string): Promise<number | undefined> {
  const rows: Array<{ size: string }> = await dataSource
    .query(
      `SELECT b.size FROM blobs b WHERE b.sha256 = $1 AND (EXISTS (SELECT 1 FROM blob_uploads u WHERE u.sha256 = $1 AND u.system_id = $2) OR EXISTS (
         SELECT 1 FROM document_blobs db
         JOIN documents d ON d.id = db.document_id
         LEFT JOIN deliveries r ON r.document_id = db.document_id
         JOIN agencies a ON a.code = r.recipient_code OR a.code = d.sender_code
         WHERE db.sha256 = $1 AND a.system_id = $2))`,
      [sha256, systemId],
    )
    .catch((e: unknown) => {
      throw asStorageError(e, 'The hub database');
    });
  return rows.length > 0 ? Number(rows[0].size) : undefined;
}
