// Test support (not part of the public API): a private vhost per test file on the real broker.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as amqp from 'amqplib';
import { EdxError } from '@edx/common';
import { BrokerAdmin } from '../admin/broker-admin';
import { AmqpTlsFiles, tlsSocketOptions } from '../connection/amqp-tls';
import { issueBrokerClientFiles, loadDevTransportCa } from '../tls/dev-broker-tls';

const MANAGEMENT_URL = process.env.EDX_TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672';
const AMQP_HOST = process.env.EDX_TEST_RABBITMQ_HOST ?? '127.0.0.1:5672';
/** The broker's TLS listener (`npx edx broker tls`), where users without a password log in by certificate. */
const AMQPS_HOST = process.env.EDX_TEST_RABBITMQ_TLS_HOST ?? '127.0.0.1:5671';

export interface TestBroker {
  vhost: string;
  admin: BrokerAdmin;
  /** AMQP URL into the test vhost (guest by default). */
  url(user?: string, password?: string): string;
  /** A raw amqplib connection for assertions, closed by dispose(). */
  raw(user?: string, password?: string): Promise<amqp.ChannelModel>;
  /** AMQPS URL into the test vhost (no credentials: the client certificate names the user). */
  tlsUrl(): string;
  /** A client certificate for `user` from the machine's dev transport CA (the local broker trusts it). */
  clientTls(user: string, options?: { validFrom?: Date; validDays?: number; passphrase?: string }): AmqpTlsFiles;
  /** A raw amqplib connection over TLS as `user`, by certificate (EXTERNAL); closed by dispose(). */
  rawTls(user: string): Promise<amqp.ChannelModel>;
  dispose(): Promise<void>;
}

export function randomSuffix(): string {
  return randomBytes(4).toString('hex');
}

export async function createTestBroker(prefix = 'edx_test_msg'): Promise<TestBroker> {
  const vhost = `${prefix}_${randomSuffix()}`;
  const admin = new BrokerAdmin({ managementUrl: MANAGEMENT_URL });
  await admin.ensureVhost(vhost);
  const raws: amqp.ChannelModel[] = [];
  const certs = mkdtempSync(path.join(tmpdir(), 'edx-test-tls-'));
  const clientTls = (user: string, options: { validFrom?: Date; validDays?: number; passphrase?: string } = {}) =>
    issueBrokerClientFiles(loadDevTransportCa(process.env.EDX_TEST_BROKER_TLS_DIR), path.join(certs, `${user}-${randomSuffix()}`), user, options);
  const tlsUrl = () => `amqps://${AMQPS_HOST}/${encodeURIComponent(vhost)}`;
  const url = (user = 'guest', password = 'guest'): string =>
    `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${AMQP_HOST}/${encodeURIComponent(vhost)}`;
  return {
    vhost,
    admin,
    url,
    async raw(user, password) {
      const model = await amqp.connect(url(user, password), { noDelay: true });
      model.on('error', () => undefined);
      raws.push(model);
      return model;
    },
    tlsUrl,
    clientTls,
    async rawTls(user) {
      const model = await amqp.connect(tlsUrl(), { noDelay: true, ...tlsSocketOptions(clientTls(user)), credentials: amqp.credentials.external() });
      model.on('error', () => undefined);
      raws.push(model);
      return model;
    },
    async dispose() {
      for (const model of raws) await model.close().catch(() => undefined);
      rmSync(certs, { recursive: true, force: true });
      await admin.deleteVhost(vhost);
    },
  };
}

/** Resolves when `check` returns true (polled), rejects after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new EdxError('INTERNAL_ERROR', `Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Consumes `queue` on a raw channel until `count` messages arrived (acking them); resolves with them. */
export async function collect(model: amqp.ChannelModel, queue: string, count: number, timeoutMs = 10_000): Promise<amqp.ConsumeMessage[]> {
  const ch = await model.createChannel();
  const got: amqp.ConsumeMessage[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new EdxError('INTERNAL_ERROR', `Timed out: ${got.length}/${count} messages from ${queue}`)), timeoutMs);
      void ch.consume(queue, (msg) => {
        if (!msg) return;
        got.push(msg);
        ch.ack(msg);
        if (got.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  } finally {
    await ch.close().catch(() => undefined);
  }
  return got;
}
