import { randomUUID } from 'node:crypto';
import { appendTraceHop, buildPackage, parseEdxml, serializeEnvelope, writeEdxml, ParsedPackage } from '@edx/edxml';
import { SDK_PLACEHOLDER_SIGNATURE_XML, sdkStylePrefixedPackage, sdkStylePrefixedStatus } from '@edx/testing';
import { DevPki, IssuedIdentity, TrustStore, createDevPki, verifyEnvelope, writeSignedPackage } from '@edx/trust';

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

  const id = randomUUID();

  function signedPackage(files: Array<{ name: string; contentType: string; bytes: Buffer; contentId?: string }> = [{ name: 'a.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4 test') }], identity = sender.identity): Buffer {
    const { package: pkg, attachments } = buildPackage({ from: SENDER, to: ['000.00.00.H41'], subject: 'Thử', codeNumber: '1', codeNotation: 'VPCP', typeName: 'Công văn', files });
    return writeSignedPackage(pkg, attachments, identity, id);
  }

  const read = (bytes: Buffer) => parseEdxml(bytes) as ParsedPackage;
  const verify = (bytes: Buffer, senderCode = SENDER) => verifyEnvelope(read(bytes), { trustStore: store, senderCode, messageId: id });

  it('verifies a package the gateway signed, and names the signer', () => {
    const verdict = verify(signedPackage());
    expect(verdict).toMatchObject({ ok: true, validAtSigningTime: true, validNow: true, signedId: id, signer: { agencyCode: SENDER, kind: 'organisation' } });
  });

  it('signs SignedInfo exactly as exclusive c14n reads it back, even for ContentIds that need escaping', () => {
    const bytes = signedPackage([{ name: 'a.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4 x'), contentId: 'a&b"<c>\td$&' }]);
    expect(bytes.toString('utf8')).not.toContain('edx-signature-');
    expect(verify(bytes)).toMatchObject({ ok: true });
  });

  it('keeps a carriage return in a signed field (the serializer would turn it into a line feed)', () => {
    const { package: pkg, attachments } = buildPackage({ from: SENDER, to: ['000.00.00.H41'], subject: 'Dòng 1\r\nDòng 2', codeNumber: '1', codeNotation: 'VPCP', typeName: 'Công văn' });
    const bytes = writeSignedPackage(pkg, attachments, sender.identity, id);
    expect(read(bytes).package.subject).toBe('Dòng 1\r\nDòng 2');
    expect(verify(bytes)).toMatchObject({ ok: true });
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
    const verdict = verifyEnvelope(status, { trustStore: store, messageId: null });
    // The SDK-style status has no Signature; the SDK-style package carries the placeholder.
    expect(verdict.code).toBe('SIGNATURE_MISSING');
    const doc = read(sdkStylePrefixedPackage('new'));
    expect(verifyEnvelope(doc, { trustStore: store, messageId: null }).code).toBe('SIGNATURE_PLACEHOLDER');
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
