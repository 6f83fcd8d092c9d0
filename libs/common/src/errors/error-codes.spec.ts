import { ERROR_CODES, EdxError, ErrorCode, toEdxError } from '@edx/common';

describe('the error catalogue', () => {
  const codes = Object.keys(ERROR_CODES) as ErrorCode[];

  it.each(codes)('%s has an HTTP status, an AMQP disposition and a sentence', (code) => {
    const spec = ERROR_CODES[code];
    expect(spec.http).toBeGreaterThanOrEqual(400);
    expect(spec.http).toBeLessThan(600);
    expect(['reject', 'retry']).toContain(spec.amqp);
    expect(spec.summary).toMatch(/^[A-Z].*\.$/);
  });

  it('retries exactly the codes that describe an unavailable dependency', () => {
    const transient = codes.filter((c) => ERROR_CODES[c].amqp === 'retry').sort();
    expect(transient).toEqual(
      ['MESSAGING_BROKER_UNAVAILABLE', 'MESSAGING_PUBLISH_NACKED', 'MESSAGING_PUBLISH_TIMEOUT', 'STORAGE_UNAVAILABLE'].sort(),
    );
    for (const code of transient) expect(ERROR_CODES[code].http).toBe(503);
  });

  it('serialises to the HTTP error shape { code, message, details? }', () => {
    expect(new EdxError('NOT_FOUND').toJSON()).toEqual({ code: 'NOT_FOUND', message: 'Nothing was found there.' });
    expect(new EdxError('EDXML_REQUIRED', 'Subject is missing.', { path: '/edXML/Subject' }).toJSON()).toEqual({
      code: 'EDXML_REQUIRED',
      message: 'Subject is missing.',
      details: { path: '/edXML/Subject' },
    });
  });

  it('wraps unknown throwables as INTERNAL_ERROR and keeps the cause', () => {
    const cause = new TypeError('boom');
    const wrapped = toEdxError(cause);
    expect(wrapped.code).toBe('INTERNAL_ERROR');
    expect(wrapped.cause).toBe(cause);
    const same = new EdxError('CONFLICT');
    expect(toEdxError(same)).toBe(same);
  });
});
