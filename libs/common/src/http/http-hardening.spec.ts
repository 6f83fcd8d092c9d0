import { Controller, Get, Module } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { HEALTH_CHECKS, HealthController, METRICS_REGISTRY, createHttpApp, createLogger, createMetricsRegistry, tlsFetch } from '@edx/common';
import { TransportCa } from '@edx/trust';

@Controller()
class PingController {
  @Get('ping')
  ping() {
    return { pong: true };
  }
}

@Module({
  controllers: [PingController, HealthController],
  providers: [
    // A dependency that fails the way a driver does: its message names the URL, password included.
    { provide: HEALTH_CHECKS, useValue: [{ name: 'database', check: () => Promise.reject(new Error('connect ECONNREFUSED postgres://edx:s3cret-pass@db.internal:5432/edx_hub')) }] },
    { provide: METRICS_REGISTRY, useValue: createMetricsRegistry('test') },
  ],
})
class HardeningTestModule {}

describe('every HTTP app: security headers, CORS closed, and /health without secrets', () => {
  let app: NestExpressApplication;
  let url: string;
  const ca = TransportCa.create();
  const fetch = tlsFetch({ ca: ca.certificatePem });

  beforeAll(async () => {
    const { keyPem, certificatePem } = ca.issueKeyPair({ commonName: 'test', purposes: ['server'], hosts: ['127.0.0.1'] });
    const server = { tls: { key: keyPem, cert: certificatePem }, timeouts: { headersMs: 10_000, requestMs: 60_000, keepAliveMs: 5000, bodyMinBytesPerSecond: 1024, bodyRateWindowMs: 10_000 } };
    app = await createHttpApp(HardeningTestModule, { title: 'test', logger: createLogger('test', 'silent'), nestLogs: false, openApi: true, server });
    await app.listen(0, '127.0.0.1');
    url = `https://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('sends helmet\'s headers and the strict content policy on every response', async () => {
    const res = await fetch(`${url}/ping`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('keeps OpenAPI\'s page working: its headers without the content policy', async () => {
    const res = await fetch(`${url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toBeNull();
  });

  it('answers no cross-origin request: CORS is closed', async () => {
    const preflight = await fetch(`${url}/ping`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await fetch(`${url}/ping`, { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('says which dependency is down on /health, never its error text', async () => {
    const res = await fetch(`${url}/health`);
    const body = await res.text();
    expect(res.status).toBe(503);
    expect(JSON.parse(body)).toEqual({ status: 'degraded', checks: [{ name: 'database', ok: false, error: 'not answering' }] });
    expect(body).not.toMatch(/s3cret|postgres:|db\.internal/);
  });
});
