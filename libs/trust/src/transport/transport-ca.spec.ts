import { once } from 'node:events';
import { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { certificateRequest } from '../certs/certificate-request';
import { TransportCa, newTransportKey } from './transport-ca';

/** Connects to `port` and resolves with the server's greeting (the client's CN) or why it got none. */
function handshake(port: number, options: tls.ConnectionOptions): Promise<{ greeting?: string; error?: string }> {
  return new Promise((resolve) => {
    let greeting = '';
    const socket = tls.connect({ host: '127.0.0.1', port, ...options });
    socket.on('data', (chunk: Buffer) => (greeting += chunk.toString()));
    socket.on('error', (error) => resolve({ error: error.message }));
    socket.on('close', () => resolve(greeting ? { greeting } : { error: 'closed without a greeting' }));
  });
}

describe('TransportCa', () => {
  const ca = TransportCa.create();
  const server = ca.issueKeyPair({ commonName: 'edx-console', purposes: ['server'], hosts: ['127.0.0.1', 'localhost'] });
  let tlsServer: tls.Server;
  let port: number;

  beforeAll(async () => {
    tlsServer = tls.createServer({ key: server.keyPem, cert: server.certificatePem, ca: ca.certificatePem, requestCert: true, rejectUnauthorized: true }, (socket) => {
      socket.end(`hello ${(socket.getPeerCertificate().subject as { CN?: string }).CN}`);
    });
    tlsServer.on('tlsClientError', () => undefined);
    tlsServer.listen(0, '127.0.0.1');
    await once(tlsServer, 'listening');
    port = (tlsServer.address() as AddressInfo).port;
  });
  afterAll(() => tlsServer.close());

  it('issues a client certificate for the key a CSR proves, with the identity the CA decides', async () => {
    const keyPem = newTransportKey();
    const issued = ca.issueForCsr(certificateRequest(keyPem, 'anything-the-holder-asks'), { commonName: 'system.sys-a', purposes: ['client'] });
    const result = await handshake(port, { key: keyPem, cert: issued.certificatePem, ca: ca.certificatePem, servername: 'localhost' });
    expect(result).toEqual({ greeting: 'hello system.sys-a' });
  });

  it('names the server by IP and DNS name, and a client of another CA is refused', async () => {
    const other = TransportCa.create({ name: 'someone else' }).issueKeyPair({ commonName: 'system.sys-a', purposes: ['client'] });
    expect(await handshake(port, { key: other.keyPem, cert: other.certificatePem, ca: ca.certificatePem })).toEqual({ error: expect.stringMatching(/certificate|alert|closed/i) });
    expect(await handshake(port, { ca: ca.certificatePem, servername: 'localhost' })).toEqual({ error: expect.stringMatching(/certificate|alert|closed/i) });
    // The server's own name: a client that trusts another CA refuses it.
    const mine = ca.issueKeyPair({ commonName: 'c', purposes: ['client'] });
    expect(await handshake(port, { key: mine.keyPem, cert: mine.certificatePem, ca: TransportCa.create().certificatePem })).toEqual({ error: expect.stringMatching(/self.signed|unable to verify|certificate/i) });
    expect(await handshake(port, { key: mine.keyPem, cert: mine.certificatePem, ca: ca.certificatePem, servername: 'localhost' })).toEqual({ greeting: 'hello c' });
  });

  it('refuses a CSR not signed by its own key', () => {
    const csr = certificateRequest(newTransportKey(), 'x');
    const tampered = csr.replace(/(\n.{20})(.)/, (_m, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`);
    expect(() => ca.issueForCsr(tampered, { commonName: 'x', purposes: ['client'] })).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
  });

  it('refuses a key that is not the certificate’s', () => {
    expect(() => TransportCa.fromPem(newTransportKey(), ca.certificatePem)).toThrow(expect.objectContaining({ code: 'KEY_INVALID' }));
    expect(TransportCa.fromPem(ca.keyPem, ca.certificatePem).certificatePem).toBe(ca.certificatePem);
  });
});
