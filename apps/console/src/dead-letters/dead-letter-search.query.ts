import { EdxError } from '@edx/common';
import { QueryParams } from '../http/query-params';
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
    const params = new QueryParams(query);
    const code = params.one('code');
    if (code !== undefined && !/^[A-Z][A-Z0-9_]{1,63}$/.test(code)) throw new EdxError('REQUEST_INVALID', '"code" must be an error code such as SIGNATURE_INVALID.');
    const state = params.one('state');
    if (state !== undefined && !STATES.includes(state as DeadLetterState)) throw new EdxError('REQUEST_INVALID', `"state" must be one of ${STATES.join(', ')}.`);
    return new DeadLetterSearch(code, params.one('queue'), params.one('sender'), state as DeadLetterState | undefined, params.date('from'), params.date('to'), params.limit(50), params.numericCursor());
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
