import { EdxError } from '@edx/common';
import { AgencyCode, parseAgencyCode } from '@edx/edxml';
import { DeliveryState } from '@edx/storage';
import { CURSOR_REFUSAL, QueryParams } from '../http/query-params';

export const DELIVERY_STATES: readonly DeliveryState[] = ['routed', 'arrived', 'rejected', 'accepted', 'assigned', 'processing', 'completed', 'recalled'];

/** Where a page of results ends: the last document's receipt time and id (newest first). */
export interface SearchCursor {
  readonly receivedAt: Date;
  readonly id: string;
}

/**
 * A validated document search, made only by `DocumentSearch.parse` from query parameters. Every
 * recipient-side filter (recipient, state, status code, overdue) holds for the same delivery.
 */
export class DocumentSearch {
  private constructor(
    readonly sender: AgencyCode | undefined,
    readonly recipient: AgencyCode | undefined,
    readonly state: DeliveryState | undefined,
    readonly statusCode: string | undefined,
    readonly overdue: boolean | undefined,
    readonly from: Date | undefined,
    readonly to: Date | undefined,
    readonly text: string | undefined,
    readonly limit: number,
    readonly cursor: SearchCursor | undefined,
  ) {}

  /** Throws REQUEST_INVALID (or EDXML_AGENCY_CODE) naming the parameter and what it takes. */
  static parse(query: Record<string, unknown>): DocumentSearch {
    const params = new QueryParams(query);
    const one = (key: string) => params.one(key);
    const state = one('state');
    if (state !== undefined && !DELIVERY_STATES.includes(state as DeliveryState)) {
      throw new EdxError('REQUEST_INVALID', `"state" must be one of ${DELIVERY_STATES.join(', ')}.`);
    }
    const statusCode = one('statusCode');
    if (statusCode !== undefined && !/^\d{2}$/.test(statusCode)) throw new EdxError('REQUEST_INVALID', '"statusCode" must be a two-digit status code, e.g. 01.');
    const overdue = one('overdue');
    if (overdue !== undefined && overdue !== 'true' && overdue !== 'false') throw new EdxError('REQUEST_INVALID', '"overdue" must be true or false.');
    const limit = params.limit(50);
    const text = params.text('q');
    const from = params.date('from');
    const to = params.date('to');
    if (from && to && from > to) throw new EdxError('REQUEST_INVALID', '"from" must not be after "to".');
    const sender = one('sender');
    const recipient = one('recipient');
    return new DocumentSearch(
      sender === undefined ? undefined : parseAgencyCode(sender),
      recipient === undefined ? undefined : parseAgencyCode(recipient),
      state as DeliveryState | undefined,
      statusCode,
      overdue === undefined ? undefined : overdue === 'true',
      from,
      to,
      text,
      limit,
      decodeCursor(one('cursor')),
    );
  }
}


export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify([cursor.receivedAt.toISOString(), cursor.id])).toString('base64url');
}

function decodeCursor(value: string | undefined): SearchCursor | undefined {
  if (value === undefined) return undefined;
  try {
    const [at, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as [string, string];
    const receivedAt = new Date(at);
    if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(receivedAt.getTime())) throw new TypeError('bad cursor');
    return { receivedAt, id };
  } catch {
    throw new EdxError('REQUEST_INVALID', CURSOR_REFUSAL);
  }
}
