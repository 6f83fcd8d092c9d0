import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tlsFetch } from './tls-fetch';

describe('tlsFetch', () => {
  it('streams a body as it is read, each on a connection of its own, and keeps connections alive for the rest', async () => {
    const connections = new Set<unknown>();
    const server = http.createServer((req, res) => {
      connections.add(req.socket);
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => res.end(JSON.stringify({ bytes, chunked: req.headers['transfer-encoding'] === 'chunked' })));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const client = tlsFetch();
    async function* body() {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(100_000, i);
    }
    try {
      await (await client(url)).text();
      await (await client(url)).text();
      expect(connections.size).toBe(1);
      // A streamed body never goes out on a kept-alive socket the server may be closing at that moment.
      expect(await (await client(url, { method: 'POST', bodyStream: body() })).json()).toEqual({ bytes: 1_000_000, chunked: true });
      expect(connections.size).toBe(2);
      await (await client(url)).text();
      expect(connections.size).toBe(2);
    } finally {
      server.close();
      server.closeAllConnections();
    }
  });
});
