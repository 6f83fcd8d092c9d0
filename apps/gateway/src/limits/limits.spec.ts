import { AddressInfo } from 'node:net';
import express from 'express';
import { keyLimits } from './key-limits';
import { requestGate } from './request-gate';

/** A real HTTP server with the gate and the limits in front of a body parser that counts what it read. */
async function serve(handlers: express.RequestHandler[], slowMs = 0) {
  const app = express();
  let parsed = 0;
  handlers.forEach((h) => app.use(h));
  app.use(express.raw({ type: '*/*', limit: '10mb' }), (req, res) => {
    parsed++;
    setTimeout(() => res.json({ ok: true, bytes: (req.body as Buffer).length }), slowMs);
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, parsed: () => parsed, close: () => new Promise((resolve) => server.close(resolve)) };
}

const post = (url: string, bytes: number, key?: string) =>
  fetch(`${url}/v1/documents`, { method: 'POST', body: new Uint8Array(bytes), headers: { 'content-type': 'application/xml', ...(key ? { 'x-api-key': key } : {}) } }).then(async (r) => ({
    status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as { code?: string; message?: string },
  }));

describe('the gateway before a body is read', () => {
  const gate = requestGate((req) => req.headers['x-api-key'] === 'good-key', { unauthenticatedBodyBytes: 64 * 1024, maxBodyBytes: 2 * 1024 * 1024, maxBodySetting: 'EDX_MAX_PACKAGE_BYTES' });

  it('reads a large body only after the API key is checked, and refuses one over the limit naming it', async () => {
    const server = await serve([gate]);
    try {
      expect(await post(server.url, 1024 * 1024)).toMatchObject({ status: 401, body: { code: 'AUTH_REQUIRED' } });
      expect(await post(server.url, 1024 * 1024, 'wrong-key')).toMatchObject({ status: 401 });
      expect(server.parsed()).toBe(0); // nobody without a key made it read a megabyte
      expect(await post(server.url, 1024 * 1024, 'good-key')).toMatchObject({ status: 200, body: { bytes: 1024 * 1024 } });
      expect(await post(server.url, 1024, undefined)).toMatchObject({ status: 200 }); // small: the API key guard decides later
      const tooLarge = await post(server.url, 3 * 1024 * 1024, 'good-key');
      expect(tooLarge).toMatchObject({ status: 413, body: { code: 'EDXML_TOO_LARGE' } });
      expect(tooLarge.body.message).toContain('EDX_MAX_PACKAGE_BYTES');
    } finally {
      await server.close();
    }
  });

  it('leaves a streamed upload (multipart) to its reader whatever its length, but never to someone without a key', async () => {
    const streamed = requestGate((req) => req.headers['x-api-key'] === 'good-key', { unauthenticatedBodyBytes: 64 * 1024, maxBodyBytes: 2 * 1024 * 1024, maxBodySetting: 'EDX_MAX_PACKAGE_BYTES', streamed: (req) => /^multipart\//.test(req.headers['content-type'] ?? '') });
    const server = await serve([streamed]);
    const multipart = (key?: string) =>
      fetch(`${server.url}/v1/documents`, { method: 'POST', body: new Uint8Array(3 * 1024 * 1024), headers: { 'content-type': 'multipart/form-data; boundary=x', ...(key ? { 'x-api-key': key } : {}) } }).then((r) => r.status);
    try {
      expect(await multipart('good-key')).toBe(200);
      expect(await multipart()).toBe(401);
      expect((await post(server.url, 3 * 1024 * 1024, 'good-key')).status).toBe(413);
    } finally {
      await server.close();
    }
  });

  it('answers 429 with Retry-After past a key’s concurrency, and past its rate, without touching another key', async () => {
    let clock = 1_000_000;
    const server = await serve([keyLimits({ ratePerSecond: 5, burst: 5, concurrency: 2 }, () => clock)], 300);
    try {
      const concurrent = await Promise.all([post(server.url, 10, 'k1'), post(server.url, 10, 'k1'), post(server.url, 10, 'k1')]);
      expect(concurrent.map((r) => r.status).sort()).toEqual([200, 200, 429]);
      expect(concurrent.find((r) => r.status === 429)).toMatchObject({ retryAfter: '1', body: { code: 'RATE_LIMITED' } });
      // A burst of 5: two went above, so three more pass and the next waits for the bucket to refill.
      const burst = [];
      for (let i = 0; i < 4; i++) burst.push(await post(server.url, 10, 'k1'));
      expect(burst.map((r) => r.status)).toEqual([200, 200, 200, 429]);
      expect(burst[3].body.message).toContain('5 requests per second');
      expect((await post(server.url, 10, 'k2')).status).toBe(200);
      clock += 1000; // a second later the bucket has refilled
      expect((await post(server.url, 10, 'k1')).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
