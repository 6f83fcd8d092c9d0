import { Client } from 'pg';
import { AmqpTlsFiles, ConfirmedPublisher } from '@edx/messaging';
import { openScratchQueue } from './scratch-queue';
import { percentile } from './stats';

/** What one step of a document's path costs on this machine when nothing else runs (p50, ms). */
export interface IdleFloor {
  /** A persistent message published with a confirm to a quorum queue, over TLS. */
  readonly confirmMs: number;
  /** A query that touches nothing (`SELECT $1`), over verified TLS. */
  readonly roundTripMs: number;
  /** A one-row INSERT committed on its own (the WAL flushed). */
  readonly commitMs: number;
  readonly samples: number;
}

const GAP_MS = 5;

/**
 * The unit costs a document's idle latency is made of, measured here and now in the way an idle
 * exchange meets them: one at a time, `GAP_MS` apart, so every step pays the wake-up of the process
 * that serves it (back to back, a round trip costs a fraction of that). `--stages` prints them
 * beside the hops, so the floor of a path of N confirms and M round trips can be read off.
 */
export async function measureIdleFloor(amqpUrl: string, tls: AmqpTlsFiles, databaseUrl: string, samples = 100): Promise<IdleFloor> {
  const scratch = await openScratchQueue(amqpUrl, tls, 'floor');
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    const publisher = new ConfirmedPublisher(scratch.connection);
    const body = Buffer.alloc(4096, 0x61);
    const confirmMs = await timed(samples, (i) => publisher.publish('', scratch.queue, body, { messageId: `floor-${i}` }));
    await publisher.close();

    await client.connect();
    await client.query('CREATE TEMP TABLE edx_bench_floor (n int)');
    const roundTripMs = await timed(samples, (i) => client.query('SELECT $1::int', [i]));
    const commitMs = await timed(samples, (i) => client.query('INSERT INTO edx_bench_floor VALUES ($1)', [i]));
    return { confirmMs, roundTripMs, commitMs, samples };
  } finally {
    await client.end().catch(() => undefined);
    await scratch.dispose();
  }
}

/** The p50 of `samples` calls of `step`, each started GAP_MS after the one before ended. */
async function timed(samples: number, step: (i: number) => Promise<unknown>): Promise<number> {
  await step(-1); // the first call pays for what a warm process has already done (plans, buffers)
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    const started = performance.now();
    await step(i);
    ms.push(performance.now() - started);
  }
  return Math.round(percentile(ms, 50) * 100) / 100;
}
