import { EdxError } from '../errors';

/** A byte range of a resource of known size: `start` included, `end` excluded. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The one range a `Range` header asks of a resource of `size` bytes (RFC 9110, 14.1.2): undefined
 * without the header (the whole resource); `bytes=a-b`, `bytes=a-` and `bytes=-n` otherwise, `b` cut
 * to the end. Throws RANGE_NOT_SATISFIABLE for a range outside the resource, several ranges, or
 * another unit: a client resuming a download asks for one range, from where it stopped.
 */
export function requestedRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  const refuse = (why: string) => new EdxError('RANGE_NOT_SATISFIABLE', `The Range "${header.slice(0, 100)}" ${why}; ask for one range of the ${size} bytes, as bytes=START-END, bytes=START- or bytes=-LENGTH.`, { size });
  if (!m || (m[1] === '' && m[2] === '')) throw refuse('is not one byte range');
  if (m[1] === '') {
    const length = Math.min(Number(m[2]), size);
    if (length === 0) throw refuse('asks for no bytes');
    return { start: size - length, end: size };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || last < start) throw refuse('starts past the end or ends before it starts');
  return { start, end: last + 1 };
}

/** What a response that may be resumed needs to say: it takes ranges, its length, and for a range, 206 with where it sits (express's or Node's response). */
export function rangeHeaders(res: { setHeader(name: string, value: string): unknown; statusCode: number }, range: ByteRange | undefined, size: number): void {
  res.setHeader('accept-ranges', 'bytes');
  res.setHeader('content-length', String(range ? range.end - range.start : size));
  if (!range) return;
  res.statusCode = 206;
  res.setHeader('content-range', `bytes ${range.start}-${range.end - 1}/${size}`);
}
