import { EdxError, loadSettings, verificationSettingsOf, verificationSettingsShape, z } from '@edx/common';

const schema = z.object(verificationSettingsShape).transform(verificationSettingsOf);

describe('verification settings: the SHA-1 cut-off and the revocation degraded mode', () => {
  it('defaults to SHA-1 before 2020-01-01 and refusing unknown revocation status', () => {
    expect(loadSettings(schema, {})).toEqual({
      sha1AllowedBefore: new Date('2020-01-01T00:00:00Z'),
      revocation: { unknown: 'refuse', timeoutMs: 5000, retryAfterMs: 30_000, crlRefreshMs: 300_000 },
      workers: { workers: expect.any(Number), budgetMs: 60_000, inlineBelowBytes: 1024 * 1024 },
      maxOpenBytes: 256 * 1024 * 1024,
    });
  });

  it('takes another cut-off and the warn mode', () => {
    expect(loadSettings(schema, { EDX_SHA1_ALLOWED_BEFORE: '2017-01-01T00:00:00Z', EDX_REVOCATION_UNKNOWN: 'warn' })).toMatchObject({
      sha1AllowedBefore: new Date('2017-01-01T00:00:00Z'),
      revocation: { unknown: 'warn' },
    });
  });

  it('stops on a cut-off that is not a date, or a mode it does not know, naming the setting', () => {
    for (const env of [{ EDX_SHA1_ALLOWED_BEFORE: 'soon' }, { EDX_REVOCATION_UNKNOWN: 'ignore' }]) {
      const error = (() => {
        try {
          loadSettings(schema, env);
        } catch (e) {
          return e as EdxError;
        }
        return undefined;
      })();
      expect(error?.message).toContain(Object.keys(env)[0]);
    }
  });
});
