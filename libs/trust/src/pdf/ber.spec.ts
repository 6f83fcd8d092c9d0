import { createDevPki, makePdf, signPdf } from '@edx/trust';
import { BerNode, encodingOf, oidOf, readBer, timeOf } from './ber';
import { readCmsSignature } from './cms';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Re-encodes the constructed values down to `depth` levels with indefinite lengths (BER), as some signers do. */
function indefinite(node: BerNode, depth: number): Buffer {
  if (!node.constructed || depth === 0) return encodingOf(node);
  const identifier = node.source.subarray(node.start, node.start + 1);
  return Buffer.concat([identifier, Buffer.from([0x80]), ...node.children.map((c) => indefinite(c, depth - 1)), Buffer.from([0, 0])]);
}

describe('BER reader', () => {
  it('reads object identifiers, including arcs above 127 and under the 2 root', () => {
    expect(oidOf(readBer(hex('06 09 2a 86 48 86 f7 0d 01 07 02')))).toBe('1.2.840.113549.1.7.2');
    expect(oidOf(readBer(hex('06 03 88 37 01')))).toBe('2.999.1');
  });

  it('reads UTCTime (two-digit years around 2000) and GeneralizedTime with fractions', () => {
    expect(timeOf(readBer(Buffer.concat([hex('17 0d'), Buffer.from('261130101500Z')]))))
      .toEqual(new Date('2026-11-30T10:15:00Z'));
    expect(timeOf(readBer(Buffer.concat([hex('17 0d'), Buffer.from('991231235959Z')]))))
      .toEqual(new Date('1999-12-31T23:59:59Z'));
    expect(timeOf(readBer(Buffer.concat([hex('18 12'), Buffer.from('20261130101500.25Z')]))))
      .toEqual(new Date('2026-11-30T10:15:00.250Z'));
  });

  it('ignores trailing padding (a PDF reserves more room than the signature needs)', () => {
    const node = readBer(hex('30 03 02 01 05 00 00 00 00'));
    expect(node.end).toBe(5);
    expect(node.children).toHaveLength(1);
  });

  it.each([
    ['truncated', '30 05 02 01'],
    ['a child past its parent', '30 02 02 05 01'],
    ['an indefinite primitive', '04 80 01 00 00'],
    ['an endless indefinite value', '30 80 02 01 01'],
    ['an oversized length', '30 85 01 00 00 00 00'],
  ])('refuses %s with SIGNATURE_MALFORMED', (_, input) => {
    expect(() => readBer(hex(input))).toThrow(expect.objectContaining({ code: 'SIGNATURE_MALFORMED' }));
  });

  it('refuses hostile nesting instead of recursing without end', () => {
    const deep = Buffer.concat([...Array.from({ length: 200 }, () => hex('30 80')), ...Array.from({ length: 200 }, () => hex('00 00'))]);
    expect(() => readBer(deep)).toThrow(expect.objectContaining({ code: 'SIGNATURE_MALFORMED', message: expect.stringContaining('deeper') }));
  });

  it('reads the same CMS signature from DER and from its indefinite-length BER form', () => {
    const pki = createDevPki();
    const signer = pki.issue({ code: '000.00.00.G22', name: 'Văn phòng Chính phủ' });
    const pdf = signPdf(makePdf('Công văn'), signer.identity).toString('latin1');
    const der = Buffer.from(/\/Contents\s*<([0-9A-Fa-f]+)>/.exec(pdf)![1], 'hex');
    const fromDer = readCmsSignature(der);
    // ContentInfo, [0] and SignedData go indefinite; the signed attributes keep their DER as signed.
    const fromBer = readCmsSignature(indefinite(readBer(der), 3));
    expect(fromBer).toEqual(fromDer);
    expect(fromDer.digestAlgorithm).toBe('2.16.840.1.101.3.4.2.1');
    expect(fromDer.certificates[0]).toEqual(signer.identity.certificate.der);
    expect(fromDer.messageDigest).toHaveLength(32);
    expect(fromDer.signingTime).toBeInstanceOf(Date);
  });
});
