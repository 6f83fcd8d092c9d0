import { EdxError } from '@edx/common';

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
    const one = (key: string): string | undefined => {
      const value = query[key];
      if (value === undefined || value === '') return undefined;
      if (typeof value !== 'string') throw new EdxError('REQUEST_INVALID', `"${key}" may be given once.`);
      return value;
    };
    const action = one('action');
    if (action !== undefined && !/^[a-z][a-z-]*(\.[a-z][a-z-]*)?$/.test(action)) throw new EdxError('REQUEST_INVALID', '"action" must be an action such as agency.status, or its noun alone (agency).');
    const limit = Number(one('limit') ?? '50');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new EdxError('REQUEST_INVALID', '"limit" must be a whole number from 1 to 500.');
    const before = one('cursor');
    if (before !== undefined && !/^\d{1,18}$/.test(before)) throw new EdxError('REQUEST_INVALID', '"cursor" is not one this API gave out: pass the "nextCursor" of the previous page unchanged.');
    const date = (key: string) => {
      const value = one(key);
      if (value === undefined) return undefined;
      const d = new Date(value);
      if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) throw new EdxError('REQUEST_INVALID', `"${key}" must be an ISO 8601 date or time.`);
      return d;
    };
    return new AuditLogSearch(one('actor'), action, date('from'), date('to'), limit, before);
  }
}
