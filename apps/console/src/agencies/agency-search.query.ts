import { EdxError } from '@edx/common';
import { AgencyStatus, foldAgencyName } from '@edx/storage';

/**
 * A validated directory search, made only by `parse` from query parameters: pages in code order,
 * keyed by the last code of the previous page.
 */
export class AgencySearch {
  private constructor(
    /** As typed: matched as a code prefix. */
    readonly text: string | undefined,
    /** Folded (`foldAgencyName`): matched anywhere in the folded name. */
    readonly folded: string | undefined,
    readonly status: AgencyStatus | undefined,
    readonly parent: string | undefined,
    readonly limit: number,
    readonly after: string | undefined,
  ) {}

  /** Throws REQUEST_INVALID naming the parameter and what it takes. */
  static parse(query: Record<string, unknown>): AgencySearch {
    const one = (key: string): string | undefined => {
      const value = query[key];
      if (value === undefined || value === '') return undefined;
      if (typeof value !== 'string') throw new EdxError('REQUEST_INVALID', `"${key}" may be given once.`);
      return value;
    };
    const q = one('q')?.trim() || undefined;
    if (q !== undefined && q.length > 200) throw new EdxError('REQUEST_INVALID', '"q" must be at most 200 characters.');
    const status = one('status');
    if (status !== undefined && status !== 'active' && status !== 'suspended') throw new EdxError('REQUEST_INVALID', '"status" must be "active" or "suspended".');
    const limit = Number(one('limit') ?? '100');
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new EdxError('REQUEST_INVALID', '"limit" must be a whole number from 1 to 500.');
    return new AgencySearch(q, q === undefined ? undefined : foldAgencyName(q), status, one('parent'), limit, decodeAgencyCursor(one('cursor')));
  }
}

export function encodeAgencyCursor(code: string): string {
  return Buffer.from(code, 'utf8').toString('base64url');
}

function decodeAgencyCursor(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const code = /^[A-Za-z0-9_-]{1,200}$/.test(value) ? Buffer.from(value, 'base64url').toString('utf8') : '';
  if (!code || encodeAgencyCursor(code) !== value) throw new EdxError('REQUEST_INVALID', '"cursor" is not one this API gave out: pass the "nextCursor" of the previous page unchanged.');
  return code;
}
