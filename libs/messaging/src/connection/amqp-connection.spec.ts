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
