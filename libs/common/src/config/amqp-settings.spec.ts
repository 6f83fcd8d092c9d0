import { amqpSettingsOf, amqpSettingsShape, checkAmqpSettings } from './amqp-settings';
import { gatewayBrokerOf, GatewayConfig } from './gateway-config';
import { loadSettings, z } from './settings';

const schema = z.object(amqpSettingsShape).superRefine(checkAmqpSettings).transform(amqpSettingsOf);
const load = (env: Record<string, string>) => loadSettings(schema, env);
const problemsOf = (env: Record<string, string>) => {
  try {
    load(env);
    return [];
  } catch (error) {
    return (error as { details: { problems: string[] } }).details.problems;
  }
};

describe('broker connection settings: TLS with a client certificate, plain AMQP only when a setting allows it', () => {
  it('connects over TLS by default and takes the CA, certificate and key files', () => {
    expect(load({ EDX_AMQP_CA_FILE: 'ca.pem', EDX_AMQP_CERT_FILE: 'c.pem', EDX_AMQP_KEY_FILE: 'k.pem' })).toEqual({
      url: 'amqps://127.0.0.1:5671/edx',
      tls: { caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem' },
    });
  });

  it('refuses plain AMQP unless EDX_AMQP_PLAIN_ALLOWED, an amqps URL without its CA, and a certificate without its key', () => {
    expect(problemsOf({ EDX_AMQP_URL: 'amqp://u:p@127.0.0.1:5672/edx' })).toEqual([expect.stringMatching(/^EDX_AMQP_URL: plain AMQP sends documents and passwords in clear/)]);
    expect(load({ EDX_AMQP_URL: 'amqp://u:p@127.0.0.1:5672/edx', EDX_AMQP_PLAIN_ALLOWED: 'true' })).toEqual({ url: 'amqp://u:p@127.0.0.1:5672/edx' });
    expect(load({})).toEqual({ url: 'amqps://127.0.0.1:5671/edx', tls: { caFile: '/etc/rabbitmq/edx-tls/ca.pem' } });
    expect(problemsOf({ EDX_AMQP_CA_FILE: 'ca.pem', EDX_AMQP_CERT_FILE: 'c.pem' })).toEqual([expect.stringMatching(/^EDX_AMQP_KEY_FILE: the client certificate and its key go together/)]);
    expect(problemsOf({ EDX_AMQP_URL: 'amqp://u:p@h/v', EDX_AMQP_PLAIN_ALLOWED: 'true', EDX_AMQP_CERT_FILE: 'c.pem', EDX_AMQP_KEY_FILE: 'k.pem' })).toEqual([expect.stringMatching(/TLS files are set for a plain amqp:\/\/ URL/)]);
  });

  it("reads a gateway configuration's old password URL only when plain AMQP is allowed", () => {
    const base = { systemId: 'sys-a', databaseUrl: 'postgres://x/y', trust: { anchors: [], intermediates: [], crls: [], crlSources: [] }, agencyKeys: 'agencies', agencies: [] };
    const old = { ...base, amqpUrl: 'amqp://system.sys-a:pw@127.0.0.1:5672/edx' } as GatewayConfig;
    expect(() => gatewayBrokerOf(old, false)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/EDX_AMQP_PLAIN_ALLOWED=true/) }));
    expect(gatewayBrokerOf(old, true)).toEqual({ url: old.amqpUrl });
    const tls = { ...base, amqp: { url: 'amqps://127.0.0.1:5671/edx', caFile: 'ca', certFile: 'c', keyFile: 'k' } } as GatewayConfig;
    expect(gatewayBrokerOf(tls, false)).toEqual({ url: 'amqps://127.0.0.1:5671/edx', tls: { caFile: 'ca', certFile: 'c', keyFile: 'k' } });
  });
});
