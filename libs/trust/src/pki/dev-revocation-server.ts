import { Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { DevOcspOptions, DevOcspResponder } from './dev-ocsp';
import type { DevPki, RevocationUrls } from './dev-pki';

const MAX_REQUEST_BYTES = 64 * 1024;

/**
 * The dev PKI's revocation publisher over HTTP: its current CRL (DER) at `/crl` and an OCSP responder
 * at `/ocsp` (POST, RFC 6960 A.1). Tests point certificates at it (`urls`) and count what was asked;
 * `respondWith` changes how it answers (another signer, an HTTP error) to see the verifier refuse.
 */
export class DevRevocationServer {
  readonly requests = { crl: 0, ocsp: 0 };
  private failure?: number;
  private responder: DevOcspResponder;

  private constructor(
    private readonly server: Server,
    private readonly pki: DevPki,
    ocsp: DevOcspOptions,
  ) {
    this.responder = new DevOcspResponder(pki, ocsp);
  }

  static async start(pki: DevPki, options: { ocsp?: DevOcspOptions; host?: string; port?: number } = {}): Promise<DevRevocationServer> {
    const server = createServer();
    const self = new DevRevocationServer(server, pki, options.ocsp ?? {});
    server.on('request', (req, res) => self.handle(req, res));
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
    return self;
  }

  get baseUrl(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address}:${port}`;
  }

  /** What a certificate issued for it names: this server's CRL, its OCSP responder, or both. */
  urls(which: 'crl' | 'ocsp' | 'both' = 'both'): RevocationUrls {
    return { ...(which !== 'ocsp' ? { crlUrl: `${this.baseUrl}/crl` } : {}), ...(which !== 'crl' ? { ocspUrl: `${this.baseUrl}/ocsp` } : {}) };
  }

  /** From now on: answer OCSP with these options, or fail every request with this HTTP status (undefined: serve again). */
  respondWith(change: { ocsp?: DevOcspOptions; httpStatus?: number }): void {
    if (change.ocsp) this.responder = new DevOcspResponder(this.pki, change.ocsp);
    this.failure = change.httpStatus;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/crl') this.requests.crl++;
    if (path === '/ocsp') this.requests.ocsp++;
    if (this.failure) {
      res.writeHead(this.failure).end();
      return;
    }
    if (path === '/crl' && req.method === 'GET') {
      const pem = this.pki.crlPem();
      const der = Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
      res.writeHead(200, { 'content-type': 'application/pkix-crl', 'content-length': der.length }).end(der);
      return;
    }
    if (path === '/ocsp' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      let total = 0;
      req.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > MAX_REQUEST_BYTES) req.destroy();
        else chunks.push(chunk);
      });
      req.on('end', () => {
        const answer = this.responder.respond(Buffer.concat(chunks));
        res.writeHead(200, { 'content-type': 'application/ocsp-response', 'content-length': answer.length }).end(answer);
      });
      return;
    }
    res.writeHead(404).end();
  }
}
