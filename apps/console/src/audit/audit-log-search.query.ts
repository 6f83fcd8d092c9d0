import { EdxError } from '@edx/common';
import { QueryParams } from '../http/query-params';

/** A validated audit-log search, made only by `parse` from query parameters (newest first, id-keyed pages). */
export class AuditLogSearch {
  private constructor(
    /** An account name or id ("bootstrap admin" for the bootstrap token). */
    readonly actor: string | undefined,
    readonly action: string | undefined,
    readonly from: Date | undefined,
    readonly to: Date | undefined,
    readonly limit: number,
    readonly before: string | undefined,
  ) {}

  /** Throws REQUEST_INVALID naming the parameter and what it takes. */
  static parse(query: Record<string, unknown>): AuditLogSearch {
    const params = new QueryParams(query);
    const action = params.one('action');
    if (action !== undefined && !/^[a-z][a-z-]*(\.[a-z][a-z-]*)?$/.test(action)) throw new EdxError('REQUEST_INVALID', '"action" must be an action such as agency.status, or its noun alone (agency).');
    return new AuditLogSearch(params.one('actor'), action, params.date('from'), params.date('to'), params.limit(50), params.numericCursor());
  }
}
