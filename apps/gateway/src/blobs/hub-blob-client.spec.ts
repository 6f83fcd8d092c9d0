import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tlsFetch } from '@edx/common';
import { HubBlobClient } from './hub-blob-client';

const blob = randomBytes(1024 * 1024);
const DIGEST = 'a'.repeat(64);

/** A blob server whose first `breaks` responses stop after `cut` bytes, as a dropped connection would. */
function server(breaks: number, cut = 300_000) {
  const ranges: Array<string | undefined> = [];
  let left = breaks;
  const srv = http.createServer((req, res) => {
    if (!req.url?.endsWith(DIGEST)) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'NOT_FOUND', message: 'No such blob.' }));
      return;
    }
    ranges.push(req.headers.range);
    const start = req.headers.range ? Number(/bytes=(\d+)-/.exec(req.headers.range)![1]) : 0;
    res.writeHead(start > 0 ? 206 : 200, { 'content-length': String(blob.length - start) });
    if (left-- > 0) {
      if (cut === 0) res.flushHeaders();
      res.write(blob.subarray(start, start + cut), () => setTimeout(() => res.destroy(), 5));
      return;
    }
    res.end(blob.subarray(start));
  });
  return new Promise<{ url: string; ranges: typeof ranges; close: () => void }>((resolve) =>
    srv.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, ranges, close: () => srv.close() })),
  );
}

async function all(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(Buffer.from(p));
  return Buffer.concat(parts);
}

describe('HubBlobClient', () => {
  it('resumes a read that broke off from the byte it got to, with a Range', async () => {
    const hub = await server(2);
    try {
      const bytes = await all(await new HubBlobClient(hub.url, tlsFetch()).read(DIGEST));
      expect(bytes.equals(blob)).toBe(true);
      expect(hub.ranges).toEqual([undefined, 'bytes=300000-', 'bytes=600000-']);
    } finally {
      hub.close();
    }
  });

  it('gives up, as a transient failure, when the transfer keeps breaking without progress', async () => {
    const hub = await server(100, 0);
    try {
      const stream = await new HubBlobClient(hub.url, tlsFetch()).read(DIGEST);
      await expect(all(stream)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', isTransient: true, message: expect.stringContaining('broke off at byte 0 3 times') });
    } finally {
      hub.close();
    }
  });

  it("keeps the hub's refusals, and says STORAGE_UNAVAILABLE when the hub cannot be reached", async () => {
    const hub = await server(0);
    try {
      await expect(new HubBlobClient(hub.url, tlsFetch()).read('b'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      hub.close();
    }
    await expect(new HubBlobClient(hub.url, tlsFetch()).read(DIGEST)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', isTransient: true });
  });
});
