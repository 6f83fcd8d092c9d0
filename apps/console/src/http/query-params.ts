import { EdxError } from '@edx/common';

/**
 * The query parameters of a console search, read the one way every search reads them: a parameter
 * is given once or not at all (empty counts as not given); each wrong one is REQUEST_INVALID naming
 * the parameter and what it takes.
 */
export class QueryParams {
  constructor(private readonly query: Record<string, unknown>) {}

  one(key: string): string | undefined {
    const value = this.query[key];
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new EdxError('REQUEST_INVALID', `"${key}" may be given once.`);
    return value;
  }

  /** Page size: a whole number from 1 to 500, `fallback` when absent. */
  limit(fallback: number): number {
    const limit = Number(this.one('limit') ?? String(fallback));
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new EdxError('REQUEST_INVALID', '"limit" must be a whole number from 1 to 500.');
    return limit;
  }

  /** A row-number cursor (the id of the last row of the previous page). */
  numericCursor(): string | undefined {
    const cursor = this.one('cursor');
    if (cursor !== undefined && !/^\d{1,18}$/.test(cursor)) throw new EdxError('REQUEST_INVALID', CURSOR_REFUSAL);
    return cursor;
  }

  /** An ISO 8601 date or time. */
  date(key: string): Date | undefined {
    const value = this.one(key);
    if (value === undefined) return undefined;
    const date = new Date(value);
    if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
      throw new EdxError('REQUEST_INVALID', `"${key}" must be an ISO 8601 date or time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z.`);
    }
    return date;
  }

  /** Free text to search for, trimmed, at most 200 characters. */
  text(key: string): string | undefined {
    const text = this.one(key)?.trim();
    if (text !== undefined && text.length > 200) throw new EdxError('REQUEST_INVALID', `"${key}" must be at most 200 characters.`);
    return text || undefined;
  }
}

/** What a cursor the API did not give out is told. */
export const CURSOR_REFUSAL = '"cursor" is not one this API gave out: pass the "nextCursor" of the previous page unchanged.';
