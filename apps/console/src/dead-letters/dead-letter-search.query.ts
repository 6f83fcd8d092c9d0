import { EdxError } from '@edx/common';
import { DeadLetterState } from '@edx/storage';

const STATES: readonly DeadLetterState[] = ['open', 'replaying', 'replayed', 'discarded'];

/** A validated dead-letter search, made only by `parse` from query parameters (newest first, id-keyed pages). */
export class DeadLetterSearch {
  private constructor(
    readonly code: string | undefined,
    readonly queue: string | undefined,
    readonly sender: string | undefined,
    readonly state: DeadLetterState | undefined,
    readonly from: Date | undefined,
    readonly to: Date | undefined,
    readonly limit: number,
    readonly before: string | undefined,
  ) {}

  /** Throws REQUEST_INVALID naming the parameter and what it takes. */
  static parse(query: Record<string, unknown>): DeadLetterSearch {
    const one = (key: string): string | undefined => {
      const value = query[key];
      if (value === undefined || value === '') return undefined;
      if (typeof value !== 'string') throw new EdxError('REQUEST_INVALID', `"${key}" may be given once.`);
      return value;
    };
    const code = one('code');
    if (code !== undefined && !/^[A-Z][A-Z0-9_]{1,63}$/.test(code)) throw new EdxError('REQUEST_INVALID', '"code" must be an error code such as SIGNATURE_INVALID.');
    const state = one('state');
    if (state !== undefined && !STATES.includes(state as DeadLetterState)) throw new EdxError('REQUEST_INVALID', `"state" must be one of ${STATES.join(', ')}.`);
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
    return new DeadLetterSearch(code, one('queue'), one('sender'), state as DeadLetterState | undefined, date('from'), date('to'), limit, before);
  }
}

/** The ids of a replay request: `{ ids: [...] }`, 1 to 500 of them. */
export function parseIds(body: unknown): string[] {
  const ids = (body as { ids?: unknown })?.ids;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 500 || !ids.every((id) => (typeof id === 'string' || typeof id === 'number') && /^\d{1,18}$/.test(String(id)))) {
    throw new EdxError('REQUEST_INVALID', '"ids" must be a list of 1 to 500 dead-letter ids.');
  }
  return [...new Set(ids.map(String))];
}
