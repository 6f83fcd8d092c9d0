import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Fetch, loadGatewayConfig, multipartDocumentBody as multipartBody, tlsFetch } from '@edx/common';
import { TransportCa } from '@edx/trust';
import { IssuedIdentity } from '@edx/trust';
import { parseEdxml } from '@edx/edxml';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { documentFields, signedPdf } from './support/documents';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('large files at the gateway and the hub (real exchange)', () => {
  const exchange = new ExchangeHarness('in-process', 'h21c');
  /** A connected system calling the hub with the transport client certificate it connects to the broker with. */
  const asSystem = (baseId: string): Fetch => {
    const config = loadGatewayConfig(exchange.systems.find((s) => s.id === exchange.systemId(baseId))!.configFile);
    return tlsFetch({ ca: exchange.transport.certificatePem, cert: readFileSync(config.amqp!.certFile), key: readFileSync(config.amqp!.keyFile) });
  };
  const upload = (client: Fetch, bytes: Buffer, headers: Record<string, string> = {}) =>
    client(`${exchange.hubUrl}/v1/blobs`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...headers }, body: new Uint8Array(bytes) });

  let issuerOfA: IssuedIdentity;

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
    ]);
    issuerOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issuerOfA.certificatePem });
  });
  afterAll(() => exchange.stop());

  it('stores an upload under its SHA-256, once, and serves it back whole and by range to its uploader', async () => {
    const a = asSystem('sys-a');
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const first = await upload(a, bytes);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ sha256: sha256(bytes), size: bytes.length });
    const again = await upload(a, bytes, { 'x-edx-sha256': sha256(bytes) });
    expect(again.status).toBe(200);
    const rows = await exchange.hubQuery<{ n: string }>('SELECT count(*) AS n FROM blobs WHERE sha256 = $1', [sha256(bytes)]);
    expect(rows[0].n).toBe('1');

    const whole = await a(`${exchange.hubUrl}/v1/blobs/${sha256(bytes)}`);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    // A transfer that broke at byte 2,000,000 resumes there.
    const rest = await a(`${exchange.hubUrl}/v1/blobs/${sha256(bytes)}`, { headers: { range: 'bytes=2000000-' } });
    expect(rest.status).toBe(206);
    expect(rest.headers.get('content-range')).toBe(`bytes 2000000-${bytes.length - 1}/${bytes.length}`);
    expect(Buffer.from(await rest.arrayBuffer()).equals(bytes.subarray(2_000_000))).toBe(true);
    const head = await a(`${exchange.hubUrl}/v1/blobs/${sha256(bytes)}`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), head.headers.get('accept-ranges')]).toEqual([200, String(bytes.length), 'bytes']);
    const outside = await a(`${exchange.hubUrl}/v1/blobs/${sha256(bytes)}`, { headers: { range: `bytes=${bytes.length}-` } });
    expect([outside.status, (await outside.json()).code]).toEqual([416, 'RANGE_NOT_SATISFIABLE']);
  });

  it('refuses bytes that are not what the uploader promised, and keeps nothing of them', async () => {
    const bytes = randomBytes(1000);
    const res = await upload(asSystem('sys-a'), bytes, { 'x-edx-sha256': sha256(Buffer.from('something else')) });
    expect([res.status, (await res.json()).code]).toEqual([422, 'DIGEST_MISMATCH']);
    expect(await exchange.hubQuery('SELECT 1 FROM blobs WHERE sha256 = $1', [sha256(bytes)])).toEqual([]);
  });

  it('serves only connected systems, each only what it may read', async () => {
    const bytes = randomBytes(5000);
    await upload(asSystem('sys-a'), bytes);
    const url = `${exchange.hubUrl}/v1/blobs/${sha256(bytes)}`;
    // Another system knowing the digest learns nothing: not even that the blob exists.
    const other = await asSystem('sys-b')(url);
    expect([other.status, (await other.json()).code]).toEqual([404, 'NOT_FOUND']);
    // No client certificate, or one of another CA: refused, for reads and uploads alike.
    for (const res of [await exchange.fetch(url), await upload(exchange.fetch, bytes)]) {
      expect([res.status, (await res.json()).code]).toEqual([401, 'AUTH_REQUIRED']);
    }
    const stranger = TransportCa.create({ name: 'not the transport CA' });
    const forged = stranger.issueKeyPair({ commonName: `system.${exchange.systemId('sys-a')}.1`, purposes: ['client'] });
    const res = await tlsFetch({ ca: exchange.transport.certificatePem, cert: forged.certificatePem, key: forged.keyPem })(url);
    expect([res.status, (await res.json()).code]).toEqual([401, 'AUTH_CERTIFICATE_UNTRUSTED']);
    const wrongType = await asSystem('sys-a')(`${exchange.hubUrl}/v1/blobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([wrongType.status, (await wrongType.json()).code]).toEqual([400, 'REQUEST_INVALID']);
  });

  describe('a multipart upload at the gateway', () => {
    const { to, subject, codeNumber, codeNotation, typeName } = documentFields([B], Buffer.alloc(0));
    const fields = { to, subject, codeNumber, codeNotation, typeName };
    const send = (multipart: { contentType: string; bytes: Uint8Array<ArrayBuffer> }) => exchange.api<{ id: string; code?: string; message?: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { multipart });

    it('sends the files as they are, with the metadata part as the fields, and B gets them byte for byte', async () => {
      const pdf = signedPdf(issuerOfA);
      const annex = randomBytes(300_000);
      const sent = await send(await multipartBody({ ...fields, files: [{ description: 'Công văn' }] }, [
        { name: 'cong-van.pdf', contentType: 'application/pdf', bytes: pdf },
        { name: 'phu-luc.bin', contentType: 'application/octet-stream', bytes: annex },
      ]));
      expect(sent.status).toBe(202);
      await eventually('the 01 from B', async () => {
        const { body } = await exchange.api<{ recipients: Array<{ statusCode: string | null }> }>(`${exchange.gateway('sys-a').url}/v1/documents/${sent.body.id}`, exchange.apiKey(A));
        return body.recipients[0]?.statusCode === '01';
      });
      const received = await exchange.fetch(`${exchange.gateway('sys-b').url}/v1/documents/${sent.body.id}/package`, { headers: { 'x-api-key': exchange.apiKey(B) } });
      const parsed = parseEdxml(Buffer.from(await received.arrayBuffer()));
      if (parsed.kind !== 'package') throw new Error('not a package');
      expect(parsed.attachments.map((a) => [a.name, a.contentType, a.description, a.bytes.length])).toEqual([
        ['cong-van.pdf', 'application/pdf', 'Công văn', pdf.length],
        ['phu-luc.bin', 'application/octet-stream', undefined, annex.length],
      ]);
      expect(parsed.attachments[0].bytes.equals(pdf) && parsed.attachments[1].bytes.equals(annex)).toBe(true);
      expect(parsed.package.subject).toBe(fields.subject);
    });

    it('refuses an upload it cannot read as a document, saying what is wrong', async () => {
      const pdf = { name: 'cong-van.pdf', contentType: 'application/pdf', bytes: signedPdf(issuerOfA) };
      const cases: Array<[string, { contentType: string; bytes: Uint8Array<ArrayBuffer> }, string]> = [
        ['no metadata', await multipartBody({}, [pdf]).then((b) => ({ ...b, bytes: withoutPart(b.bytes, 'metadata') })), 'no "metadata" part'],
        ['metadata that is not JSON', await multipartBody('{not json', [pdf]), 'not a JSON object'],
        ['metadata without a subject', await multipartBody({ ...fields, subject: '' }, [pdf]), 'subject: required'],
        ['no file', await multipartBody(fields, []), 'files: at least one file'],
        ['a cut-off body', await multipartBody(fields, [pdf]).then((b) => ({ ...b, bytes: b.bytes.slice(0, b.bytes.length - 60) })), 'cannot be read'],
      ];
      for (const [what, body, message] of cases) {
        const res = await send(body);
        expect([what, res.status, res.body.code]).toEqual([what, 400, 'REQUEST_INVALID']);
        expect([what, res.body.message]).toEqual([what, expect.stringContaining(message)]);
      }
    });
  });
});

/** A multipart body with the named part removed. */
function withoutPart(bytes: Uint8Array<ArrayBuffer>, name: string): Uint8Array<ArrayBuffer> {
  const text = Buffer.from(bytes).toString('latin1');
  const boundary = text.slice(0, text.indexOf('\r\n'));
  const parts = text.split(boundary);
  return new Uint8Array(Buffer.from(parts.filter((p) => !p.includes(`name="${name}"`)).join(boundary), 'latin1'));
}
