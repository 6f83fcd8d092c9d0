import { buildPackage, formatEdxmlTimestamp, parseEdxml, ParsedPackage, serializeEnvelope, writeEdxml, appendTraceHop, validatePackage } from '@edx/edxml';
import { EdxError } from '@edx/common';
import { NS, PDF_BYTES, ZIP_BYTES, handPackage, samplePackage, samplePackageBytes } from '../testing/edxml.fixtures';
import { BUSINESS_KINDS, sdkStylePrefixedPackage, unprefixedPackageWithBussiness } from '../testing/axis-shapes.fixtures';

const asPkg = (b: Buffer): ParsedPackage => parseEdxml(b) as ParsedPackage;

describe('serializeEnvelope and writeEdxml', () => {
  it('round-trips a built package and its attachments', () => {
    const { package: pkg, attachments } = samplePackage();
    const parsed = asPkg(writeEdxml(serializeEnvelope(pkg), attachments));
    expect(parsed.package).toEqual(pkg);
    expect(parsed.attachments.map((a) => [a.contentId, a.name, a.contentType, a.format, a.description])).toEqual([
      ['cid:1', 'cv.pdf', 'application/pdf', 'pdf', undefined],
      ['cid:2', 'phu-luc.zip', 'application/zip', 'zip', 'Phụ lục'],
    ]);
    expect(parsed.attachments[0].bytes.equals(PDF_BYTES)).toBe(true);
    expect(parsed.attachments[1].bytes.equals(ZIP_BYTES)).toBe(true);
    expect(parsed.attachments[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('writes the envelope verbatim, reference order, no DOCTYPE, no prefixed element declaring a default namespace', () => {
    const { package: pkg, attachments } = samplePackage();
    const env = serializeEnvelope(pkg);
    const text = writeEdxml(env, attachments).toString('utf8');
    expect(text.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="${NS}">${env}<AttachmentEncoded>`)).toBe(true);
    expect(text).not.toMatch(/<!DOCTYPE/);
    expect(text).not.toMatch(/<\w+:\w+[^>]*\sxmlns=/);
    const order = ['<From>', '<To>', '<DocumentId>', '<Code>', '<PromulgationInfo>', '<DocumentType>', '<Subject>', '<Content>', '<SignerInfo>', '<SteeringType>', '</MessageHeader>', '<TraceHeaderList>', '<TraceHeader>', '<Bussiness>', '<edXMLBody>', '<edXMLManifest version="1.0">'];
    const at = order.map((o) => env.indexOf(o));
    expect(at.every((x) => x >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(asPkg(Buffer.from(text)).envelopeXml).toBe(env);
  });

  it('escapes text so hostile values survive as text', () => {
    const { package: pkg } = samplePackage();
    pkg.subject = '</Subject><!DOCTYPE x>&amp; "q" \r\n';
    expect(asPkg(writeEdxml(serializeEnvelope(pkg), [])).package.subject).toBe(pkg.subject.trim());
  });

  it('places a given signature at the end of edXMLHeader', () => {
    const sig = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>';
    const parsed = asPkg(writeEdxml(serializeEnvelope(samplePackage().package, { signatureXml: sig }), []));
    expect(parsed.signature).toEqual({ namespace: 'xmldsig', xml: sig });
  });

  it.each(BUSINESS_KINDS)('keeps every element and attribute understood of an SDK-style %s package', (kind) => {
    const parsed = asPkg(sdkStylePrefixedPackage(kind));
    const again = asPkg(writeEdxml(serializeEnvelope(parsed.package), []));
    expect(again.package).toEqual(parsed.package);
  });

  it('refuses an envelope text that smuggles a declaration or DOCTYPE', () => {
    expect(() => writeEdxml('<!DOCTYPE x><edXMLEnvelope/>', [])).toThrow(EdxError);
  });
});

describe('buildPackage', () => {
  it('fills the DocumentId, Bussiness type 0 and one sender hop', () => {
    const { package: pkg } = samplePackage();
    expect(pkg.documentId).toBe('000.00.00.G22,2018/09/28,7816/VPCP-TTĐT');
    expect(pkg.business?.docType).toBe('0');
    expect(pkg.traces).toEqual([{ organId: '000.00.00.G22', timestamp: '2018/09/28 10:00:00' }]);
  });
  it('refuses a bad agency code', () => {
    expect(() => buildPackage({ ...{ from: 'bad code', to: ['000.00.00.H41'], subject: 's', codeNumber: '1', codeNotation: 'X', typeName: 'Công văn' } })).toThrow(
      expect.objectContaining({ code: 'EDXML_AGENCY_CODE' }),
    );
  });
});

describe('appendTraceHop', () => {
  const between = (s: string, a: string, b: string): string => s.slice(s.indexOf(a), s.indexOf(b) + b.length);
  const hop = { organId: 'vxp.saas.03', timestamp: new Date('2020-01-02T03:04:05Z') };

  it.each([
    ['a built package', () => samplePackageBytes()],
    ['an SDK-style replacement package (edXML: prefix)', () => sdkStylePrefixedPackage('replacement')],
    ['an SDK-style package with the ns: prefix', () => sdkStylePrefixedPackage('new', { prefix: 'ns' })],
    ['a package whose Bussiness comes first', () => Buffer.from(handPackage({ trace: '<TraceHeaderList><Bussiness><BussinessDocType>0</BussinessDocType></Bussiness><TraceHeader><Timestamp>2018/09/28 10:00:00</Timestamp></TraceHeader></TraceHeaderList>' }))],
    ['a built package whose Bussiness comes before its TraceHeader', () => unprefixedPackageWithBussiness('before-trace-header')],
    ['a built package whose Bussiness sits in edXMLHeader', () => unprefixedPackageWithBussiness('in-edxml-header')],
  ])('adds one hop to %s and leaves every other byte untouched', (_w, make) => {
    const before = make();
    const after = appendTraceHop(before, hop);
    const p0 = asPkg(before);
    const p1 = asPkg(after);
    expect(p1.package.traces).toEqual([...p0.package.traces, { organId: 'vxp.saas.03', timestamp: formatEdxmlTimestamp(hop.timestamp) }]);
    // removing the inserted bytes gives the original back
    let i = 0;
    while (before[i] === after[i]) i++;
    const inserted = after.length - before.length;
    expect(Buffer.concat([after.subarray(0, i), after.subarray(i + inserted)]).equals(before)).toBe(true);
    const b = before.toString('utf8');
    const a = after.toString('utf8');
    for (const tag of ['MessageHeader', 'Bussiness']) {
      const open = b.match(new RegExp(`<(\\w+:)?${tag}[ >]`))![0];
      const close = `</${open.slice(1, -1)}>`;
      expect(between(a, open, close)).toBe(between(b, open, close));
    }
    expect(p1.package).toEqual({ ...p0.package, traces: p1.package.traces });
  });

  it('creates a TraceHeaderList when there is none', () => {
    const after = appendTraceHop(Buffer.from(handPackage({ trace: '' })), hop);
    expect(asPkg(after).package.traces).toHaveLength(1);
  });

  it('fills an empty self-closed TraceHeaderList', () => {
    const after = appendTraceHop(Buffer.from(handPackage({ trace: '<TraceHeaderList/>' })), hop);
    expect(asPkg(after).package.traces).toHaveLength(1);
  });
});

describe('a 100 MiB attachment', () => {
  it('round-trips through writeEdxml, parseEdxml and appendTraceHop', () => {
    const big = Buffer.allocUnsafe(100 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE(i * 2654435761 >>> 0, i);
    PDF_BYTES.copy(big, 0, 0, 4);
    const { package: pkg } = buildPackage({
      from: '000.00.00.G22', to: ['000.00.00.H41'], subject: 'big', codeNumber: '1', codeNotation: 'X', typeName: 'Công văn',
      files: [{ name: 'big.pdf', contentType: 'application/pdf', bytes: big }],
    });
    let file: Buffer | undefined = writeEdxml(serializeEnvelope(pkg), [{ contentId: 'cid:1', name: 'big.pdf', contentType: 'application/pdf', bytes: big }]);
    file = appendTraceHop(file, { organId: '000.00.00.G00', timestamp: new Date() });
    const parsed = asPkg(file);
    file = undefined;
    expect(parsed.package.traces).toHaveLength(2);
    expect(parsed.attachments[0].bytes.equals(big)).toBe(true);
    expect(validatePackage(parsed)).toEqual([]);
  }, 60_000);
});
