import { EdxError } from '@edx/common';
import { CURSOR_REFUSAL, QueryParams } from '../http/query-params';
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
    const params = new QueryParams(query);
    const q = params.text('q');
    const status = params.one('status');
    if (status !== undefined && status !== 'active' && status !== 'suspended') throw new EdxError('REQUEST_INVALID', '"status" must be "active" or "suspended".');
    return new AgencySearch(q, q === undefined ? undefined : foldAgencyName(q), status, params.one('parent'), params.limit(100), decodeAgencyCursor(params.one('cursor')));
  }
}

export function encodeAgencyCursor(code: string): string {
  return Buffer.from(code, 'utf8').toString('base64url');
}

function decodeAgencyCursor(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const code = /^[A-Za-z0-9_-]{1,200}$/.test(value) ? Buffer.from(value, 'base64url').toString('utf8') : '';
  if (!code || encodeAgencyCursor(code) !== value) throw new EdxError('REQUEST_INVALID', CURSOR_REFUSAL);
  return code;
}
