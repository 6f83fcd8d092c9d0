import { readFileSync } from 'node:fs';
import { ConfirmedPublisher } from '../publisher/confirmed-publisher';
import { Consumer, InboundMessage } from '../consumer/consumer';
import { Outcome } from '../consumer/outcome';
import { TestBroker, createTestBroker, waitFor } from '../testing/broker-fixture';
import { Topology, declareCoreTopology } from '../topology/topology';
import { AmqpConnection } from './amqp-connection';

describe('AmqpConnection recovery (real broker)', () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await createTestBroker();
  });

  afterAll(async () => {
    await broker.dispose();
  });

  it('connects over TLS as the CN of its client certificate, its key encrypted (PKCS#8)', async () => {
    const user = `edx-tls-h20a-${broker.vhost.slice(-8)}`;
    await broker.admin.ensureUser(user);
    await broker.admin.setPermissions(broker.vhost, user, { configure: '.*', write: '.*', read: '.*' });
    try {
      const files = broker.clientTls(user, { passphrase: 'a passphrase' });
      expect(readFileSync(files.keyFile!, 'utf8')).toContain('BEGIN ENCRYPTED PRIVATE KEY');
      const connection = new AmqpConnection({ url: broker.tlsUrl(), tls: files, connectionName: 'tls', reconnect: { initialMs: 50, maxMs: 200 } });
      expect(connection.username).toBe(user);
      await connection.start();
      const ch = await connection.createChannel();
      await ch.checkExchange('amq.direct');
      await ch.close();
      await connection.close();
    } finally {
      await broker.admin.deleteUser(user);
    }
  });

  it('refuses TLS files for a plain amqp:// URL and names a TLS file it cannot read, before any attempt', () => {
    const files = broker.clientTls('anyone');
    expect(() => new AmqpConnection({ url: broker.url(), tls: files, connectionName: 'x' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => new AmqpConnection({ url: broker.tlsUrl(), tls: { ...files, keyFile: '/nonexistent/key.pem' }, connectionName: 'x' })).toThrow(
      expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringContaining('/nonexistent/key.pem') }),
    );
  });

  it('start() keeps trying until the broker accepts, then resolves', async () => {
    // The vhost does not exist yet: attempts fail until it is created.
    const vhost = `${broker.vhost}_late`;
    const url = broker.url().replace(encodeURIComponent(broker.vhost), encodeURIComponent(vhost));
    const connection = new AmqpConnection({ url, connectionName: 'late', reconnect: { initialMs: 50, maxMs: 200 } });
    let failures = 0;
    connection.on('error', () => failures++);
    const started = connection.start();
    await waitFor(() => failures >= 2, 5000, 'failed attempts');
    expect(connection.isConnected).toBe(false);
    await broker.admin.ensureVhost(vhost);
    try {
      await started;
      expect(connection.isConnected).toBe(true);
      await connection.close();
      expect(connection.isConnected).toBe(false);
    } finally {
      await broker.admin.deleteVhost(vhost);
    }
  });

  it('after a connection is killed, redeclares the topology, redelivers the unacked message to the re-subscribed consumer, and publishing resumes', async () => {
    const connection = new AmqpConnection({ url: broker.url(), connectionName: 'killed-consumer', reconnect: { initialMs: 50, maxMs: 500 } });
    let topologyRuns = 0;
    connection.onTopology(async (ch) => {
      topologyRuns++;
      await declareCoreTopology(ch);
    });
    await connection.start();
    const publisher = new ConfirmedPublisher(connection);
    const consumer = new Consumer(connection, publisher, { queue: Topology.hubInboundQueue, prefetch: 10 });
    const deliveries: InboundMessage[] = [];
    const acked: string[] = [];
    let releaseFirst!: () => void;
    const firstAttempt = new Promise<void>((resolve) => (releaseFirst = resolve));
    await consumer.start(async (messages) => {
      deliveries.push(...messages);
      if (deliveries.length === 1) await firstAttempt; // the first attempt "hangs" mid-commit
      acked.push(...messages.map((m) => m.messageId!));
      return messages.map(() => Outcome.ack());
    });
    await publisher.publish(Topology.hubExchange, Topology.packageKey, Buffer.from('doc'), { messageId: 'k-1' });
    await waitFor(() => deliveries.length === 1, 5000, 'first delivery');

    const disconnected = new Promise((resolve) => connection.once('disconnected', resolve));
    const reconnected = new Promise((resolve) => connection.once('connected', resolve));
    // The management API lists a new connection only after its next statistics tick.
    let closed = 0;
    await waitFor(
      async () => (closed += await broker.admin.closeConnections((c) => c.client_properties?.connection_name === 'killed-consumer', broker.vhost)) > 0,
      15_000,
      'the connection to show up in the management API',
    );
    await disconnected;
    await reconnected;
    expect(topologyRuns).toBe(2);

    await waitFor(() => acked.includes('k-1'), 10_000, 'redelivery after reconnect');
    expect(deliveries[1]).toMatchObject({ messageId: 'k-1', redelivered: true });

    await expect(publisher.publish(Topology.hubExchange, Topology.packageKey, Buffer.from('doc 2'), { messageId: 'k-2' })).resolves.toBeUndefined();
    await waitFor(() => acked.includes('k-2'), 5000, 'a message published after the reconnect');
    releaseFirst(); // its ack goes nowhere: that channel died with the connection
    await consumer.stop();
    await publisher.close();
    await connection.close();
  }, 30_000);
});
