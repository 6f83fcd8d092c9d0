import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Fetch, loadGatewayConfig, multipartDocumentBody as multipartBody, tlsFetch } from '@edx/common';
import { TransportCa } from '@edx/trust';
import { IssuedIdentity } from '@edx/trust';
import { parseEdxml } from '@edx/edxml';
import { randomUUID } from 'node:crypto';
import { buildPackage } from '@edx/edxml';
import { ConfirmedPublisher, Topology } from '@edx/messaging';
import { TrustStore, makePdf, signPdf, verifyDeliveryProof, verifyEnvelope, writeSignedPackage } from '@edx/trust';
import { ExchangeHarness, eventually } from './support/exchange.harness';
import { documentFields, signedPdf } from './support/documents';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
const MIB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('large files at the gateway and the hub (real exchange)', () => {
  const exchange = new ExchangeHarness('in-process', 'h21c');
  const asSystem = (baseId: string): Fetch => systemClient(exchange, baseId);
  const upload = (client: Fetch, bytes: Buffer, headers: Record<string, string> = {}) =>
    client(`${exchange.hubUrl}/v1/blobs`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', ...headers }, body: new Uint8Array(bytes) });

  let issuerOfA: IssuedIdentity;

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
      { id: 'sys-r', agencies: [{ code: '000.00.00.H53', name: 'UBND tỉnh Quảng Trị' }] },
    ]);
    issuerOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issuerOfA.certificatePem });
  });
  afterAll(() => exchange.stop());

  it('stops serving a system whose transport certificate an administrator revoked', async () => {
    const bytes = randomBytes(100);
    expect((await upload(asSystem('sys-r'), bytes)).status).toBe(201);
    const revoked = await exchange.fetch(`${exchange.consoleUrl}/v1/systems/${exchange.systemId('sys-r')}/transport/revoke`, {
      method: 'POST', headers: { authorization: `Bearer ${exchange.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'The gateway host was stolen.' }),
    });
    expect(revoked.status).toBe(200);
    for (const res of [await upload(asSystem('sys-r'), bytes), await asSystem('sys-r')(`${exchange.hubUrl}/v1/blobs/${sha256(bytes)}`)]) {
      expect([res.status, (await res.json()).message]).toEqual([401, expect.stringContaining('was revoked')]);
    }
  });

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

describe('documents by claim check (real exchange)', () => {
  const exchange = new ExchangeHarness('in-process', 'h21d');
  let issuerOfA: IssuedIdentity;
  const gatewayA = () => exchange.gateway('sys-a').url;
  const gatewayB = () => exchange.gateway('sys-b').url;
  const arrived = (id: string) =>
    eventually(`the 01 from B for ${id}`, async () => {
      const { body } = await exchange.api<{ recipients: Array<{ statusCode: string | null; reason?: string }> }>(`${gatewayA()}/v1/documents/${id}`, exchange.apiKey(A));
      return body.recipients[0]?.statusCode ? body.recipients[0] : undefined;
    }, 60_000);
  const received = async (id: string, range?: string) => {
    const res = await exchange.fetch(`${gatewayB()}/v1/documents/${id}/package`, { headers: { 'x-api-key': exchange.apiKey(B), ...(range ? { range } : {}) } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
    ]);
    issuerOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issuerOfA.certificatePem });
    // Attachments over 1 MiB travel by claim check here (8 MiB by default).
    for (const id of ['sys-a', 'sys-b']) {
      await exchange.stopGateway(exchange.systemId(id));
      await exchange.startGateway(exchange.systemId(id), { EDX_CLAIM_CHECK_ABOVE_BYTES: String(MIB) });
    }
  });
  afterAll(() => exchange.stop());

  it('sends a large annex once through the store: the broker carries a small package, and B gets the whole one, resumably', async () => {
    const pdf = signedPdf(issuerOfA);
    const annex = randomBytes(6 * MIB + 5);
    const { to, subject, codeNumber, codeNotation } = documentFields([B], pdf);
    const sent = await exchange.api<{ id: string; size: number }>(`${gatewayA()}/v1/documents`, exchange.apiKey(A), {
      multipart: await multipartBody({ to, subject, codeNumber, codeNotation }, [
        { name: 'cong-van.pdf', contentType: 'application/pdf', bytes: pdf },
        { name: 'ban-do.tif', contentType: 'image/tiff', bytes: annex },
      ]),
    });
    expect(sent.status).toBe(202);
    expect(sent.body.size).toBeLessThan(64 * 1024);
    expect(await arrived(sent.body.id)).toMatchObject({ statusCode: '01' });
    // The hub routed and keeps the small package; the annex is in the store once, named by its digest for this document.
    const [copy] = await exchange.hubQuery<{ n: number }>('SELECT length(body) AS n FROM delivered_packages WHERE document_id = $1', [sent.body.id]);
    expect(copy.n).toBeLessThan(64 * 1024);
    expect(await exchange.hubQuery('SELECT sha256 FROM document_blobs WHERE document_id = $1', [sent.body.id])).toEqual([{ sha256: sha256(annex) }]);

    const whole = await received(sent.body.id);
    expect(whole.status).toBe(200);
    expect(Number(whole.headers.get('content-length'))).toBe(whole.bytes.length);
    const parsed = parseEdxml(whole.bytes);
    if (parsed.kind !== 'package') throw new Error('not a package');
    expect(parsed.attachments[0].bytes.equals(pdf) && parsed.attachments[1].bytes.equals(annex)).toBe(true);
    // What B gets is a plain edXML package: its signature verifies offline, without the store.
    const trustStore = TrustStore.fromPem([exchange.pki.rootCertificatePem], [exchange.pki.intermediateCertificatePem]);
    expect(verifyEnvelope(parsed, { trustStore, messageId: sent.body.id })).toMatchObject({ ok: true, signedId: sent.body.id });
    // A download that broke at byte 3,000,000 resumes there.
    const rest = await received(sent.body.id, 'bytes=3000000-');
    expect([rest.status, rest.headers.get('content-range')]).toEqual([206, `bytes 3000000-${whole.bytes.length - 1}/${whole.bytes.length}`]);
    expect(rest.bytes.equals(whole.bytes.subarray(3_000_000))).toBe(true);
    // Or the annex alone, as it is, from where a download stopped.
    const annexUrl = `${gatewayB()}/v1/documents/${sent.body.id}/attachments/2`;
    const part = await exchange.fetch(annexUrl, { headers: { 'x-api-key': exchange.apiKey(B), range: 'bytes=1000000-' } });
    expect([part.status, part.headers.get('x-edx-sha256'), part.headers.get('content-type')]).toEqual([206, sha256(annex), 'image/tiff']);
    expect(Buffer.from(await part.arrayBuffer()).equals(annex.subarray(1_000_000))).toBe(true);
    const first = await exchange.fetch(`${gatewayB()}/v1/documents/${sent.body.id}/attachments/1`, { headers: { 'x-api-key': exchange.apiKey(B) } });
    expect(Buffer.from(await first.arrayBuffer()).equals(pdf)).toBe(true);
    const none = await exchange.api<{ code: string }>(`${gatewayB()}/v1/documents/${sent.body.id}/attachments/3`, exchange.apiKey(B));
    expect([none.status, none.body.code]).toEqual([404, 'NOT_FOUND']);
    // The proof of delivery holds the hub's copy, claim check included, and verifies offline.
    const proof = await exchange.operator(`/v1/documents/${sent.body.id}/proof`);
    expect(verifyDeliveryProof(proof.body, trustStore)).toMatchObject({ ok: true });
    // The recipient answers about it like about any document.
    const accepted = await exchange.api(`${gatewayB()}/v1/documents/${sent.body.id}/statuses`, exchange.apiKey(B), { body: { statusCode: '03' } });
    expect(accepted.status).toBe(202);
    expect(await eventually('the 03 at A', async () => {
      const { body } = await exchange.api<{ recipients: Array<{ statusCode: string | null }> }>(`${gatewayA()}/v1/documents/${sent.body.id}`, exchange.apiKey(A));
      return body.recipients[0]?.statusCode === '03' ? '03' : undefined;
    })).toBe('03');
    // The sender sees its own package whole too.
    const own = await exchange.fetch(`${gatewayA()}/v1/documents/${sent.body.id}/package`, { headers: { 'x-api-key': exchange.apiKey(A) } });
    expect(parseEdxml(Buffer.from(await own.arrayBuffer())).kind).toBe('package');
  });

  it('checks the signatures of a claim-checked PDF at every hop', async () => {
    const pdf = signPdf(makePdf('Hồ sơ lớn', { padding: 2 * MIB }), issuerOfA.identity);
    const sent = await exchange.api<{ id: string; size: number }>(`${gatewayA()}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], pdf) });
    expect([sent.status, sent.body.size < 64 * 1024]).toEqual([202, true]);
    expect(await arrived(sent.body.id)).toMatchObject({ statusCode: '01' });
    const trace = await exchange.operator<{ entries: Array<{ kind: string; signatures?: Array<{ what: string }> }> }>(`/v1/documents/${sent.body.id}/trace`);
    expect(JSON.stringify(trace.body)).toContain('cong-van.pdf #1');

    // A PDF altered after signing is refused at the gateway, claim check or not.
    const altered = Buffer.from(pdf);
    altered[Math.floor(altered.length / 2)] ^= 1;
    const refused = await exchange.api<{ code: string }>(`${gatewayA()}/v1/documents`, exchange.apiKey(A), { body: documentFields([B], altered) });
    expect([refused.status, refused.body.code]).toEqual([422, 'DIGEST_MISMATCH']);
  });

  it("refuses a connected system's package that names bytes it never uploaded, though it knows their digest", async () => {
    // sys-a put an annex in the store; sys-b, holding valid broker credentials and B's key, names it in a package of its own.
    const secret = randomBytes(2 * MIB);
    const stored = await (await uploadAs(exchange, 'sys-a', secret)).json() as { sha256: string; size: number };
    const identityOfB = exchange.identityOf(B);
    const issuerOfB = exchange.pki.issue({ code: B, name: 'UBND tỉnh Nghệ An' });
    await exchange.console().addAgency({ code: B, name: 'UBND tỉnh Nghệ An', systemId: exchange.systemId('sys-b'), certificatePem: issuerOfB.certificatePem });
    const { package: model, attachments } = buildPackage({
      from: B, to: [A], subject: 'Gói tin mượn', codeNumber: '1', codeNotation: 'X', typeName: 'Công văn',
      files: [{ name: 'van-ban.pdf', contentType: 'application/pdf', bytes: signPdf(makePdf('x'), issuerOfB.identity) }, { name: 'la.bin', contentType: 'application/octet-stream', bytes: Buffer.alloc(0) }],
    });
    const id = randomUUID();
    const body = writeSignedPackage(model, [attachments[0], { ...attachments[1], claim: stored }], identityOfB, id);
    const connection = await exchange.connectAs('sys-b');
    try {
      await new ConfirmedPublisher(connection, { publishAsConnectionUser: true }).publish(Topology.hubExchange, Topology.packageKey, body, { messageId: id, type: Topology.packageKey });
    } finally {
      await connection.close();
    }
    const [letter] = await eventually('the refusal', async () => {
      const rows = await exchange.hubQuery<{ code: string; reason: string }>('SELECT code, reason FROM dead_letters WHERE message_id = $1', [id]);
      return rows.length > 0 ? rows : undefined;
    });
    expect(letter).toMatchObject({ code: 'ATTACHMENT_MISSING' });
    expect(await exchange.hubQuery('SELECT 1 FROM document_blobs WHERE document_id = $1', [id])).toEqual([]);
  });

  it('refuses a claim check from a DMS: only the exchange names bytes by digest', async () => {
    const { package: model, attachments } = buildPackage({
      from: A, to: [B], subject: 'x', codeNumber: '1', codeNotation: 'X', typeName: 'Công văn',
      files: [{ name: 'a.bin', contentType: 'application/octet-stream', bytes: Buffer.alloc(0) }],
    });
    const { writeEdxml, serializeEnvelope } = await import('@edx/edxml');
    const xml = writeEdxml(serializeEnvelope(model), [{ ...attachments[0], claim: { sha256: sha256(Buffer.from('x')), size: 1 } }]);
    const res = await exchange.api<{ code: string; message: string }>(`${gatewayA()}/v1/documents`, exchange.apiKey(A), { raw: xml });
    expect([res.status, res.body.code]).toEqual([400, 'EDXML_ATTACHMENT_ENCODING']);
    expect(res.body.message).toContain('only the exchange itself may do');
  });
});

/** A connected system calling the hub with the transport client certificate it connects to the broker with. */
function systemClient(exchange: ExchangeHarness, baseId: string): Fetch {
  const config = loadGatewayConfig(exchange.systems.find((s) => s.id === exchange.systemId(baseId))!.configFile);
  return tlsFetch({ ca: exchange.transport.certificatePem, cert: readFileSync(config.amqp!.certFile), key: readFileSync(config.amqp!.keyFile) });
}

/** Uploads `bytes` to the hub's blob store as a connected system. */
function uploadAs(exchange: ExchangeHarness, baseId: string, bytes: Buffer): Promise<Response> {
  return systemClient(exchange, baseId)(`${exchange.hubUrl}/v1/blobs`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(bytes) });
}


/** A multipart body with the named part removed. */
function withoutPart(bytes: Uint8Array<ArrayBuffer>, name: string): Uint8Array<ArrayBuffer> {
  const text = Buffer.from(bytes).toString('latin1');
  const boundary = text.slice(0, text.indexOf('\r\n'));
  const parts = text.split(boundary);
  return new Uint8Array(Buffer.from(parts.filter((p) => !p.includes(`name="${name}"`)).join(boundary), 'latin1'));
}
