import { EdxError } from '@edx/common';

/** Anything that runs SQL in a transaction (an EntityManager). */
interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** Hierarchy changes one at a time (taken inside the transaction), so two concurrent changes cannot close a cycle between them. */
export async function lockHierarchy(em: Queryable): Promise<void> {
  await em.query("SELECT pg_advisory_xact_lock(hashtext('edx.agency-hierarchy'))");
}

/** Throws DIRECTORY_PARENT_CYCLE when `code` is `parentCode` or one of its ancestors. */
export async function assertNoParentCycle(em: Queryable, code: string, parentCode: string): Promise<void> {
  const [found] = (await em.query(
    `WITH RECURSIVE up (code, parent_code) AS (
       SELECT code, parent_code FROM agencies WHERE code = $1
       UNION SELECT a.code, a.parent_code FROM agencies a JOIN up ON a.code = up.parent_code
     ) SELECT EXISTS (SELECT 1 FROM up WHERE code = $2) AS cycle`,
    [parentCode, code],
  )) as Array<{ cycle: boolean }>;
  if (found.cycle) throw new EdxError('DIRECTORY_PARENT_CYCLE', `${parentCode} is ${code} or one of its descendants; it cannot be its parent.`, { code, parentCode });
}
