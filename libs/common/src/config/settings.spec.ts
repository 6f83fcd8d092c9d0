import { EdxError, loadSettings, setting, z } from '@edx/common';

const schema = z.object({
  EDX_PORT: setting.port(8080),
  EDX_URL: setting.url('amqp://127.0.0.1:5672'),
  EDX_FLAG: setting.bool(false),
});

describe('loadSettings', () => {
  it('applies the defaults when nothing is set', () => {
    expect(loadSettings(schema, {})).toEqual({ EDX_PORT: 8080, EDX_URL: 'amqp://127.0.0.1:5672', EDX_FLAG: false });
  });

  it('coerces strings from the environment', () => {
    expect(loadSettings(schema, { EDX_PORT: '9000', EDX_FLAG: 'true' })).toMatchObject({ EDX_PORT: 9000, EDX_FLAG: true });
  });

  it('stops with CONFIG_INVALID naming every bad key', () => {
    let caught: unknown;
    try {
      loadSettings(schema, { EDX_PORT: 'abc', EDX_URL: 'not a url', EDX_FLAG: 'maybe' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EdxError);
    const error = caught as EdxError;
    expect(error.code).toBe('CONFIG_INVALID');
    for (const key of ['EDX_PORT', 'EDX_URL', 'EDX_FLAG']) expect(error.message).toContain(key);
  });
});
