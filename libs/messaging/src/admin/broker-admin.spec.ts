import type { ChannelModel } from 'amqplib';
import { AmqpConnection } from '../connection/amqp-connection';
import { ConfirmedPublisher } from '../publisher/confirmed-publisher';
import { TestBroker, collect, createTestBroker, randomSuffix, waitFor } from '../testing/broker-fixture';
import { Topology, declareCoreTopology, declareSystemInbox } from '../topology/topology';
import { BrokerAdmin, escapeRegex, systemPermissions, systemUserName, systemUserPattern } from './broker-admin';

/** Resolves with the reason the broker closed a channel for what `act` did on it. */
async function channelRefusal(model: ChannelModel, act: (ch: Awaited<ReturnType<ChannelModel['createConfirmChannel']>>) => Promise<unknown>): Promise<string> {
  const ch = await model.createConfirmChannel();
  const closed = new Promise<string>((resolve) => ch.once('error', (error: Error) => resolve(error.message)));
  await act(ch).catch(() => undefined);
  return closed;
}

describe('BrokerAdmin and least-privilege users (real broker)', () => {
  let broker: TestBroker;
  const suffix = randomSuffix();
  const sysA = `a${suffix}`;
  const sysB = `b${suffix}`;
  const hubUser = `edx-hub-${suffix}`;
  const password = `pw-${suffix}`;
  let hub: AmqpConnection;
  let asA: AmqpConnection;

  beforeAll(async () => {
    broker = await createTestBroker();
    await broker.admin.ensureServiceUser(broker.vhost, hubUser, password);
    // Systems have no password: they log in over TLS with a certificate whose CN is their user.
    await broker.admin.ensureSystemUser(broker.vhost, sysA);
    await broker.admin.ensureSystemUser(broker.vhost, sysB);
    // The hub's own least-privilege user declares the whole topology.
    hub = new AmqpConnection({ url: broker.url(hubUser, password), connectionName: 'hub' });
    hub.onTopology(async (ch) => {
      await declareCoreTopology(ch);
      await declareSystemInbox(ch, sysA, ['A01', 'A02', 'A03']);
      await declareSystemInbox(ch, sysB, ['B01']);
    });
    await hub.start();
    asA = new AmqpConnection({ url: broker.tlsUrl(), tls: broker.clientTls(systemUserName(sysA)), connectionName: `gateway-${sysA}` });
    await asA.start();
  });

  afterAll(async () => {
    await asA?.close();
    await hub?.close();
    await broker.admin.deleteUser(systemUserName(sysA));
    await broker.admin.deleteUser(systemUserName(sysB));
    await broker.admin.deleteUser(hubUser);
    await broker.dispose();
  });

  it('names a system user system.<id> and grants it nothing but edx.hub (write) and its own inbox (read)', () => {
    expect(systemUserName('prov-01')).toBe('system.prov-01');
    expect(systemPermissions('prov.01')).toEqual({ configure: '^$', write: '^edx\\.hub$', read: '^system\\.prov\\.01\\.inbox$' });
    expect(escapeRegex('a.b*c')).toBe('a\\.b\\*c');
    expect(() => systemUserName('bad id/..')).toThrow(expect.objectContaining({ code: 'REQUEST_INVALID' }));
    // Each enrolment's user, and every user of one system (never another's whose id it prefixes).
    expect(systemUserName('prov-01', 2)).toBe('system.prov-01.2');
    const users = new RegExp(systemUserPattern('prov.01'));
    expect(['system.prov.01', 'system.prov.01.3', 'system.prov.012', 'system.provX01', 'system.prov.01.x'].map((u) => users.test(u))).toEqual([true, true, false, false, false]);
  });

  it('lets a system publish to edx.hub under its own user_id, which the hub then reads', async () => {
    const publisher = new ConfirmedPublisher(asA, { publishAsConnectionUser: true });
    await publisher.publish(Topology.hubExchange, Topology.packageKey, Buffer.from('pkg'), { messageId: 'p-1' });
    await publisher.close();
    const [msg] = await collect(await broker.raw(hubUser, password), Topology.hubInboundQueue, 1);
    expect(msg.properties.userId).toBe(systemUserName(sysA));
  });

  it('lets a system consume its own inbox', async () => {
    const publisher = new ConfirmedPublisher(hub);
    await publisher.publish(Topology.deliverExchange, 'A02', Buffer.from('for A02'), { messageId: 'd-1', mandatory: true });
    await publisher.close();
    const [msg] = await collect(await broker.rawTls(systemUserName(sysA)), Topology.systemInbox(sysA), 1);
    expect(msg.content.toString()).toBe('for A02');
  });

  it('refuses a system declaring a queue, reading another inbox, publishing elsewhere or with another user_id', async () => {
    const model = await broker.rawTls(systemUserName(sysA));
    expect(await channelRefusal(model, (ch) => ch.assertQueue('my.own.queue'))).toMatch(/403 \(ACCESS-REFUSED\)/);
    expect(await channelRefusal(model, (ch) => ch.consume(Topology.systemInbox(sysB), () => undefined))).toMatch(/403 \(ACCESS-REFUSED\)/);
    expect(await channelRefusal(model, (ch) => ch.consume(Topology.hubInboundQueue, () => undefined))).toMatch(/403 \(ACCESS-REFUSED\)/);
    expect(
      await channelRefusal(model, async (ch) => {
        ch.publish(Topology.deliverExchange, 'B01', Buffer.from('spoof'), { messageId: 's-1' });
        await ch.waitForConfirms();
      }),
    ).toMatch(/403 \(ACCESS-REFUSED\)/);
    // Dead letters come only from the queues' dead-letter exchanges (and the hub): no system may write one.
    expect(
      await channelRefusal(model, async (ch) => {
        ch.publish(Topology.deadExchange, 'hub.inbound', Buffer.from('forged dead letter'), { messageId: 's-dead', headers: { 'x-edx-error-code': 'CONFLICT' } });
        await ch.waitForConfirms();
      }),
    ).toMatch(/403 \(ACCESS-REFUSED\)/);
    expect(
      await channelRefusal(model, async (ch) => {
        ch.publish(Topology.hubExchange, Topology.packageKey, Buffer.from('spoof'), { messageId: 's-2', userId: systemUserName(sysB) });
        await ch.waitForConfirms();
      }),
    ).toMatch(/406 \(PRECONDITION-FAILED\).*user_id/);
    // Our publisher refuses the mismatch itself, so the channel (and its other publishes) survive.
    const publisher = new ConfirmedPublisher(asA);
    await expect(
      publisher.publish(Topology.hubExchange, Topology.packageKey, Buffer.from('spoof'), { messageId: 's-3', userId: systemUserName(sysB) }),
    ).rejects.toMatchObject({ code: 'MESSAGING_BAD_MESSAGE' });
    await publisher.close();
  });

  it('gives a system user no password: plain AMQP as it is refused, its certificate over TLS logs it in as itself', async () => {
    await expect(broker.raw(systemUserName(sysA), '')).rejects.toThrow(/ACCESS_REFUSED|ACCESS-REFUSED|403/);
    await expect(broker.raw(systemUserName(sysA), password)).rejects.toThrow(/ACCESS_REFUSED|ACCESS-REFUSED|403/);
    expect(asA.username).toBe(systemUserName(sysA));
  });

  it('refuses a revoked system at its next connection and closes the one it has', async () => {
    const sysC = `c${suffix}`;
    await broker.admin.ensureSystemUser(broker.vhost, sysC);
    const open = await broker.rawTls(systemUserName(sysC));
    const closed = new Promise<void>((resolve) => open.once('close', () => resolve()));
    await waitFor(async () => (await broker.admin.listConnections(broker.vhost)).some((c) => c.user === systemUserName(sysC)), 15_000, 'the management API to list the connection');
    expect(await broker.admin.revokeAccess(broker.vhost, systemUserName(sysC))).toBe(1);
    await closed;
    await expect(broker.rawTls(systemUserName(sysC))).rejects.toThrow(/ConnectionClose|ACCESS.REFUSED|403/); // the vhost is closed to it
    await broker.admin.deleteUser(systemUserName(sysC));
  });

  it('refuses the hub declaring a queue outside the edx topology', async () => {
    const model = await broker.raw(hubUser, password);
    expect(await channelRefusal(model, (ch) => ch.assertQueue('elsewhere'))).toMatch(/403 \(ACCESS-REFUSED\)/);
  });

  it('lists and removes the agency codes a system inbox is bound to', async () => {
    const inbox = Topology.systemInbox(sysA);
    expect((await broker.admin.listBindingKeys(broker.vhost, inbox)).sort()).toEqual(['A01', 'A02', 'A03']);
    const ch = await hub.createConfirmChannel();
    await declareSystemInbox(ch, sysA, ['A01', 'A04'], ['A02', 'A03']);
    await ch.close();
    expect((await broker.admin.listBindingKeys(broker.vhost, inbox)).sort()).toEqual(['A01', 'A04']);
  });

  it('speaks to the management API over HTTPS trusting the given CA only', async () => {
    const https = 'https://guest:guest@127.0.0.1:15671';
    const { caFile } = broker.clientTls('anyone');
    expect(await new BrokerAdmin({ managementUrl: https, caFile }).vhostDescription(broker.vhost)).toBe('');
    await expect(new BrokerAdmin({ managementUrl: https }).vhostDescription(broker.vhost)).rejects.toMatchObject({ code: 'MESSAGING_BROKER_UNAVAILABLE' });
  });

  it("keeps a vhost's description when the vhost is ensured again, and tells a missing vhost apart", async () => {
    const vhost = `${broker.vhost}_described`;
    expect(await broker.admin.vhostDescription(vhost)).toBeUndefined();
    await broker.admin.ensureVhost(vhost, 'made by exchange X');
    await broker.admin.ensureVhost(vhost);
    expect(await broker.admin.vhostDescription(vhost)).toBe('made by exchange X');
    await broker.admin.describeVhost(vhost, 'made by exchange Y');
    expect(await broker.admin.vhostDescription(vhost)).toBe('made by exchange Y');
    await broker.admin.deleteVhost(vhost);
    expect(await broker.admin.vhostDescription(vhost)).toBeUndefined();
  });
});
