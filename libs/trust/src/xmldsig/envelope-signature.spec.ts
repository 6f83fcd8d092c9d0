import { createHash } from 'node:crypto';
import { appendTraceHop, buildPackage, parseEdxml, serializeEnvelope, writeEdxml, ParsedPackage } from '@edx/edxml';
import { SDK_PLACEHOLDER_SIGNATURE_XML, sdkStylePrefixedPackage, sdkStylePrefixedStatus } from '@edx/testing';
import { DevPki, IssuedIdentity, TrustStore, createDevPki, signEnvelope, verifyEnvelope } from '@edx/trust';

const SENDER = '000.00.00.G22';

describe('the envelope signature (XML-DSig)', () => {
  let pki: DevPki;
  let sender: IssuedIdentity;
  let store: TrustStore;

  beforeAll(() => {
    pki = createDevPki();
    sender = pki.issue({ code: SENDER, name: 'Văn phòng Chính phủ' });
    store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem]);
  });

  function signedPackage(files = [{ name: 'a.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4 test') }], identity = sender.identity): Buffer {
    const { package: pkg, attachments } = buildPackage({ from: SENDER, to: ['000.00.00.H41'], subject: 'Thử', codeNumber: '1', codeNotation: 'VPCP', typeName: 'Công văn', files });
    const digests = attachments.map((a) => ({ contentId: a.contentId.replace(/^cid:/, ''), sha256: createHash('sha256').update(a.bytes).digest('hex') }));
    return writeEdxml(signEnvelope(serializeEnvelope(pkg), digests, identity), attachments);
  }

  const read = (bytes: Buffer) => parseEdxml(bytes) as ParsedPackage;
  const verify = (bytes: Buffer, senderCode = SENDER) => {
    const p = read(bytes);
    return verifyEnvelope(p.envelopeXml, p.attachments, { trustStore: store, senderCode });
  };

  it('verifies a package the gateway signed, and names the signer', () => {
    const verdict = verify(signedPackage());
    expect(verdict).toMatchObject({ ok: true, validAtSigningTime: true, validNow: true, signer: { agencyCode: SENDER, kind: 'organisation' } });
  });

  it('signs SignedInfo exactly as exclusive c14n reads it back, even for ContentIds that need escaping', () => {
    const envelope = signEnvelope(serializeEnvelope(buildPackage({ from: SENDER, to: ['000.00.00.H41'], subject: 'Thử', codeNumber: '1', codeNotation: 'VPCP', typeName: 'Công văn', files: [] }).package), [
      { contentId: 'a&b"<c>\td$&', sha256: createHash('sha256').update('x').digest('hex') },
    ], sender.identity);
    expect(envelope).not.toContain('edx-signature-');
    expect(verifyEnvelope(envelope, [{ contentId: 'a&b"<c>\td$&', sha256: createHash('sha256').update('x').digest('hex') }], { trustStore: store, senderCode: SENDER })).toMatchObject({ ok: true });
  });

  it('still verifies after the hub appended its TraceHeader hop', () => {
    const relayed = appendTraceHop(signedPackage(), { organId: 'edx.hub', timestamp: new Date() });
    expect(verify(relayed).ok).toBe(true);
  });

  it('rejects a package whose subject was altered after signing (DIGEST_MISMATCH)', () => {
    const altered = Buffer.from(signedPackage().toString('utf8').replace('<Subject>Thử</Subject>', '<Subject>Sửa</Subject>'));
    expect(verify(altered)).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH', message: expect.stringContaining('MessageHeader') });
  });

  it('rejects a package whose attachment was altered after signing (DIGEST_MISMATCH)', () => {
    const original = signedPackage();
    const b64 = Buffer.from('%PDF-1.4 test').toString('base64');
    const altered = Buffer.from(original.toString('utf8').replace(b64, Buffer.from('%PDF-1.4 TEST').toString('base64')));
    expect(verify(altered)).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH', message: expect.stringContaining('Attachment') });
  });

  it('rejects a signature value that does not verify (SIGNATURE_INVALID)', () => {
    const text = signedPackage().toString('utf8');
    const tampered = text.replace(/<ds:SignatureValue>(.)/, (_m, c: string) => `<ds:SignatureValue>${c === 'A' ? 'B' : 'A'}`);
    expect(verify(Buffer.from(tampered)).code).toBe('SIGNATURE_INVALID');
  });

  it('reports a package without a signature as SIGNATURE_MISSING', () => {
    const { package: pkg } = buildPackage({ from: SENDER, to: ['000.00.00.H41'], subject: 'x', codeNumber: '1', codeNotation: 'A', typeName: 'Công văn' });
    expect(verify(writeEdxml(serializeEnvelope(pkg), [])).code).toBe('SIGNATURE_MISSING');
  });

  it('recognises the reference SDK placeholder (SIGNATURE_PLACEHOLDER)', () => {
    const status = parseEdxml(sdkStylePrefixedStatus('01'));
    const verdict = verifyEnvelope(status.envelopeXml, [], { trustStore: store });
    // The SDK-style status has no Signature; the SDK-style package carries the placeholder.
    expect(verdict.code).toBe('SIGNATURE_MISSING');
    const doc = read(sdkStylePrefixedPackage('new'));
    expect(verifyEnvelope(doc.envelopeXml, doc.attachments, { trustStore: store }).code).toBe('SIGNATURE_PLACEHOLDER');
  });

  it('reports the SDK placeholder put in place of a real signature as SIGNATURE_PLACEHOLDER', () => {
    const signed = signedPackage().toString('utf8');
    const swapped = Buffer.from(signed.replace(/<ds:Signature [\s\S]*?<\/ds:Signature>/, SDK_PLACEHOLDER_SIGNATURE_XML));
    expect(swapped.toString('utf8')).not.toBe(signed);
    expect(verify(swapped)).toMatchObject({ ok: false, code: 'SIGNATURE_PLACEHOLDER' });
  });

  it('refuses a signer whose certificate is not the sending agency (SIGNER_NOT_SENDER)', () => {
    const other = pki.issue({ code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An' });
    expect(verify(signedPackage(undefined, other.identity)).code).toBe('SIGNER_NOT_SENDER');
  });

  it('refuses a signer from another PKI (CERT_UNTRUSTED)', () => {
    const stranger = createDevPki().issue({ code: SENDER, name: 'Văn phòng Chính phủ' });
    expect(verify(signedPackage(undefined, stranger.identity)).code).toBe('CERT_UNTRUSTED');
  });
});
