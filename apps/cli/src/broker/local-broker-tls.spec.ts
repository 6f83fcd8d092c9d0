import { devBrokerTlsPaths } from '@edx/messaging';
import { brokerTlsConf, withBrokerTlsBlock } from './local-broker-tls';

describe("edx broker tls: rabbitmq.conf's edx block", () => {
  const block = brokerTlsConf(devBrokerTlsPaths('/etc/rabbitmq/edx-tls'));

  it('asks every client for a certificate from the dev transport CA and logs it in as its CN', () => {
    expect(block).toEqual(expect.arrayContaining([
      'listeners.ssl.default = 127.0.0.1:5671',
      'ssl_options.cacertfile = /etc/rabbitmq/edx-tls/ca.pem',
      'ssl_options.verify = verify_peer',
      'ssl_options.fail_if_no_peer_cert = true',
      'auth_mechanisms.3 = EXTERNAL',
      'ssl_cert_login_from = common_name',
      'management.ssl.port = 15671',
    ]));
  });

  it('adds the block once, replaces it in place when it changes, and keeps every other line', () => {
    const conf = 'listeners.tcp.local = 127.0.0.1:5672\nmax_message_size = 268435456\n';
    const once = withBrokerTlsBlock(conf, block);
    expect(once.startsWith(conf)).toBe(true);
    expect(withBrokerTlsBlock(once, block)).toBe(once);
    const moved = withBrokerTlsBlock(`${once}vm_memory_high_watermark.relative = 0.6\n`, brokerTlsConf(devBrokerTlsPaths('/srv/tls')));
    expect(moved).toContain('ssl_options.certfile = /srv/tls/server.pem');
    expect(moved).not.toContain('/etc/rabbitmq/edx-tls');
    expect(moved).toContain('max_message_size = 268435456');
    expect(moved).toContain('vm_memory_high_watermark.relative = 0.6');
  });
});
