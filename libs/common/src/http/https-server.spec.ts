import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net, { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { HttpAppOptions, createHttpApp, createLogger, httpServerOptions, httpServerSettingsOf, httpServerSettingsShape, loadSettings, tlsFetch, z } from '@edx/common';
import { TransportCa, encryptPrivateKey } from '@edx/trust';

@Controller()
class PingController {
  @Get('ping')
  ping() {
    return { pong: true };
  }

  @Post('upload')
  upload(@Body() body: Buffer) {
    return { bytes: body.length };
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

const schema = z.object(httpServerSettingsShape).transform((env, ctx) => httpServerSettingsOf(env, ctx));
const settingsFrom = (env: Record<string, string>) => loadSettings(schema, env);
const dir = mkdtempSync(path.join(tmpdir(), 'edx-https-'));
const ca = TransportCa.create();
const server = ca.issueKeyPair({ commonName: 'edx test app', purposes: ['server'], hosts: ['127.0.0.1', 'localhost'] });
const files = { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem'), encryptedKey: path.join(dir, 'key.enc.pem') };
writeFileSync(files.cert, server.certificatePem);
writeFileSync(files.key, server.keyPem);
writeFileSync(files.encryptedKey, encryptPrivateKey(server.keyPem, 'correct horse'));
const tlsEnv = { EDX_HTTPS_CERT_FILE: files.cert, EDX_HTTPS_KEY_FILE: files.key };
const trusting = tlsFetch({ ca: ca.certificatePem });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(env: Record<string, string>, passphrase?: string, overrides: Partial<HttpAppOptions> = {}): Promise<{ app: NestExpressApplication; port: number }> {
  const app = await createHttpApp(PingModule, {
    title: 'test',
    logger: createLogger('test', 'silent'),
    nestLogs: false,
    rawTypes: ['application/octet-stream'],
    bodyLimit: 64 * 1024 * 1024,
    server: httpServerOptions(settingsFrom(env), passphrase),
    ...overrides,
  });
  await app.listen(0, '127.0.0.1');
  return { app, port: (app.getHttpServer().address() as AddressInfo).port };
}

/** A TLS connection that trusts the CA; resolves when the handshake is done. */
function connect(port: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: ca.certificatePem, servername: 'localhost' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what the server sent before it closed the connection, and when. */
function closed(socket: tls.TLSSocket): Promise<{ text: string; at: number }> {
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  return new Promise((resolve) => socket.once('close', () => resolve({ text, at: Date.now() })));
}

describe('every app serves HTTPS with its transport certificate', () => {
  let app: NestExpressApplication;
  let port: number;
  beforeAll(async () => ({ app, port } = await start(tlsEnv)));
  afterAll(() => app.close());

  it('answers a client that trusts the transport CA', async () => {
    const res = await trusting(`https://127.0.0.1:${port}/ping`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ pong: true });
    const named = await trusting(`https://localhost:${port}/ping`);
    expect(named.status).toBe(200);
  });

  it('refuses plain HTTP on its port: nothing answers in clear', async () => {
    await expect(fetch(`http://127.0.0.1:${port}/ping`)).rejects.toThrow();
    await expect(tlsFetch()(`http://127.0.0.1:${port}/ping`)).rejects.toThrow(/fetch failed/);
  });

  it('is refused by a client that trusts another CA, or only the system roots', async () => {
    const stranger = tlsFetch({ ca: TransportCa.create({ name: 'another CA' }).certificatePem });
    await expect(stranger(`https://127.0.0.1:${port}/ping`)).rejects.toMatchObject({ code: 'TRANSPORT_UNTRUSTED', message: expect.stringMatching(/not trusted.*--cacert/) });
    await expect(tlsFetch()(`https://127.0.0.1:${port}/ping`)).rejects.toMatchObject({ code: 'TRANSPORT_UNTRUSTED' });
    await expect(fetch(`https://127.0.0.1:${port}/ping`)).rejects.toThrow();
  });

  it('is refused by a client when its certificate does not name the host asked for', async () => {
    const other = ca.issueKeyPair({ commonName: 'elsewhere', purposes: ['server'], hosts: ['gateway.example'] });
    writeFileSync(path.join(dir, 'other-cert.pem'), other.certificatePem);
    writeFileSync(path.join(dir, 'other-key.pem'), other.keyPem);
    const misnamed = await start({ EDX_HTTPS_CERT_FILE: path.join(dir, 'other-cert.pem'), EDX_HTTPS_KEY_FILE: path.join(dir, 'other-key.pem') });
    try {
      await expect(trusting(`https://127.0.0.1:${misnamed.port}/ping`)).rejects.toMatchObject({ code: 'TRANSPORT_UNTRUSTED', details: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' } });
    } finally {
      await misnamed.app.close();
    }
  });
});

describe('the HTTPS settings', () => {
  it('refuse to start without a certificate unless plain HTTP is asked for, naming the keys', () => {
    expect(() => settingsFrom({})).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/EDX_HTTPS_CERT_FILE: required.*EDX_HTTP_PLAIN=true[\s\S]*EDX_HTTPS_KEY_FILE: required/) }));
    expect(() => settingsFrom({ ...tlsEnv, EDX_HTTP_PLAIN: 'true' })).toThrow(expect.objectContaining({ message: expect.stringMatching(/EDX_HTTP_PLAIN: plain HTTP was asked for/) }));
    expect(() => settingsFrom({ ...tlsEnv, EDX_HTTP_REQUEST_TIMEOUT_MS: '500' })).toThrow(expect.objectContaining({ message: expect.stringMatching(/EDX_HTTP_REQUEST_TIMEOUT_MS: must be 0 or at least/) }));
    expect(settingsFrom({ EDX_HTTP_PLAIN: 'true' }).tls).toBeUndefined();
  });

  it('read an encrypted key with its passphrase, and name the file when it is missing, wrong or not the certificate\'s', async () => {
    const encrypted = { EDX_HTTPS_CERT_FILE: files.cert, EDX_HTTPS_KEY_FILE: files.encryptedKey };
    expect(() => httpServerOptions(settingsFrom(encrypted))).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringMatching(/key\.enc\.pem is encrypted and no passphrase.*EDX_KEY_PASSPHRASE_FILE/) }));
    expect(() => httpServerOptions(settingsFrom(encrypted), 'wrong')).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringMatching(/key\.enc\.pem or certificate .* cannot be read \(is EDX_KEY_PASSPHRASE_FILE/) }));
    const strangerKey = path.join(dir, 'stranger-key.pem');
    writeFileSync(strangerKey, ca.issueKeyPair({ commonName: 'x', purposes: ['server'] }).keyPem);
    expect(() => httpServerOptions(settingsFrom({ ...tlsEnv, EDX_HTTPS_KEY_FILE: strangerKey }))).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringMatching(/stranger-key\.pem does not belong to the certificate/) }));
    expect(() => httpServerOptions(settingsFrom({ ...tlsEnv, EDX_HTTPS_CERT_FILE: path.join(dir, 'nope.pem') }))).toThrow(expect.objectContaining({ code: 'KEY_INVALID', message: expect.stringMatching(/nope\.pem: ENOENT/) }));
    const { app, port } = await start(encrypted, 'correct horse');
    try {
      expect((await trusting(`https://127.0.0.1:${port}/ping`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('serve plain HTTP only when EDX_HTTP_PLAIN=true, and say so loudly', async () => {
    const warnings: string[] = [];
    const logger = createLogger('test', 'silent');
    logger.warn = ((message: string) => warnings.push(message)) as typeof logger.warn;
    const { app, port } = await start({ EDX_HTTP_PLAIN: 'true' }, undefined, { logger });
    try {
      expect((await fetch(`http://127.0.0.1:${port}/ping`)).status).toBe(200);
      expect(warnings.join('\n')).toMatch(/PLAIN HTTP.*reverse proxy/);
    } finally {
      await app.close();
    }
  });
});

describe('request time limits', () => {
  let app: NestExpressApplication;
  let port: number;
  beforeAll(async () => ({ app, port } = await start({ ...tlsEnv, EDX_HTTP_HEADERS_TIMEOUT_MS: '1000', EDX_HTTP_KEEP_ALIVE_TIMEOUT_MS: '500', EDX_HTTP_BODY_MIN_BYTES_PER_SECOND: '16384', EDX_HTTP_BODY_RATE_WINDOW_MS: '500' })));
  afterAll(() => app.close());

  it('cuts off a slow-loris client that dribbles its headers', async () => {
    const socket = await connect(port);
    const end = closed(socket);
    const started = Date.now();
    socket.write('GET /ping HTTP/1.1\r\nHost: localhost\r\n');
    const dribble = setInterval(() => socket.writable && socket.write('X'), 100);
    const { text, at } = await end;
    clearInterval(dribble);
    expect(at - started).toBeLessThan(3000);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off a TLS handshake that never comes', async () => {
    const raw = await new Promise<net.Socket>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(s));
    });
    const started = Date.now();
    await new Promise((resolve) => raw.once('close', resolve));
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('answers REQUEST_TOO_SLOW to a body that arrives below the least rate, and closes the connection', async () => {
    const socket = await connect(port);
    const end = closed(socket);
    socket.write('POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\nContent-Length: 1048576\r\n\r\n');
    socket.write(Buffer.alloc(1024));
    const dribble = setInterval(() => socket.writable && socket.write(Buffer.alloc(100)), 100);
    const { text } = await end;
    clearInterval(dribble);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
    expect(text).toMatch(/"code":"REQUEST_TOO_SLOW".*EDX_HTTP_BODY_MIN_BYTES_PER_SECOND/);
  });

  it('takes a body that arrives slowly but above the least rate, over many windows', async () => {
    const socket = await connect(port);
    const end = closed(socket);
    const total = 30 * 8192;
    socket.write(`POST /upload HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/octet-stream\r\nContent-Length: ${total}\r\n\r\n`);
    let sent = 0;
    const steady = setInterval(() => {
      socket.write(Buffer.alloc(8192));
      if ((sent += 8192) >= total) clearInterval(steady);
    }, 100);
    const { text } = await end;
    expect(text).toMatch(/^HTTP\/1\.1 201/);
    expect(text).toContain(`{"bytes":${total}}`);
  });

  it('takes a large body sent at full speed', async () => {
    const body = new Uint8Array(32 * 1024 * 1024);
    const res = await trusting(`https://127.0.0.1:${port}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ bytes: body.length });
  });

  it('closes an idle kept-alive connection after its keep-alive time', async () => {
    const socket = await connect(port);
    let answeredAt = 0;
    socket.once('data', () => (answeredAt = Date.now()));
    const end = closed(socket);
    socket.write('GET /ping HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const { text, at } = await end;
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(at - answeredAt).toBeLessThan(2500);
  });
});
