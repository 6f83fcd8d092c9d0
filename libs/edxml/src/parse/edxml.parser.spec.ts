import { DOMParser } from '@xmldom/xmldom';
import { EdxError } from '@edx/common';
import { parseEdxml, ParsedEdxml, ParsedPackage, validatePackage, validateStatus, serializeEnvelope } from '@edx/edxml';
import { DSIG, NS, PDF_BYTES, ZIP_BYTES, handPackage } from '../testing/edxml.fixtures';
import {
  AXIS_CONTENT_ID,
  AXIS_DOCUMENT_ID,
  AXIS_EARLIER_DOCUMENT_ID,
  AXIS_RECIPIENTS,
  AXIS_SENDER,
  BUSINESS_KINDS,
  KNOWN_STATUS_CODES,
  SDK_PLACEHOLDER_SIGNATURE_XML,
  axisShapes,
  builtUnprefixedPackage,
  builtUnprefixedStatus,
  sdkStylePrefixedPackage,
  sdkStylePrefixedStatus,
} from '../testing/axis-shapes.fixtures';

const pkgOf = (p: ParsedEdxml): ParsedPackage => {
  if (p.kind !== 'package') throw new EdxError('INTERNAL_ERROR', 'expected a package');
  return p;
};
/** The text with its indentation folded (a block indented where it was placed). */
const squash = (xml: string | undefined): string => (xml ?? '').replace(/\s+/g, ' ');
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof EdxError) return e.code;
    return `not an EdxError: ${String(e)}`;
  }
  return 'no error';
};

describe('the shapes other producers send', () => {
  it.each(axisShapes().map((s) => [s.name, s] as const))('%s parses, validates and round-trips its header', (_name, shape) => {
    const parsed = parseEdxml(shape.bytes);
    expect(parsed.kind).toBe(shape.expect.kind);
    if (parsed.kind === 'package' && shape.expect.kind === 'package') {
      expect(parsed.package.from.organId).toBe(AXIS_SENDER);
      expect(parsed.package.to.map((t) => t.organId)).toEqual([...AXIS_RECIPIENTS]);
      expect(parsed.package.documentId).toBe(AXIS_DOCUMENT_ID);
      expect(parsed.package.business?.docType).toBe(shape.expect.businessDocType);
      expect(parsed.package.references).toHaveLength(1);
      if (shape.expect.placeholderSignature) {
        // the SDK placeholder signature is reported, not taken for anything
        expect(parsed.signature?.namespace).toBe('qcvn');
        expect(squash(parsed.signature?.xml)).toBe(squash(SDK_PLACEHOLDER_SIGNATURE_XML));
      } else {
        expect(parsed.signature).toBeUndefined();
      }
      expect(validatePackage(parsed)).toEqual([]);
      expect(parsed.attachments).toHaveLength(1);
      expect(parsed.attachments[0]).toMatchObject({ contentId: `cid:${AXIS_CONTENT_ID}`, format: 'zip', contentType: 'application/zip' });
      expect(parsed.attachments[0].bytes.equals(ZIP_BYTES)).toBe(true);
      expect(parsed.attachments[0].contentId).toBe(parsed.package.references[0].contentId);
      const again = pkgOf(parseEdxml(Buffer.from(serializeEnvelope(parsed.package).replace(/^<edXMLEnvelope/, `<edXML xmlns="${NS}"><edXMLEnvelope`) + '</edXML>')));
      expect(again.package).toEqual(parsed.package);
    } else if (parsed.kind === 'status' && shape.expect.kind === 'status') {
      expect(parsed.status.statusCode).toBe(shape.expect.statusCode);
      expect(parsed.status.responseFor).toMatchObject({ organId: AXIS_SENDER, code: '1234/VPCP-HC', documentId: AXIS_DOCUMENT_ID, promulgationDate: '2024/03/15' });
      expect(parsed.status.description).toMatch(/\S/);
      expect(parsed.status.staffInfo?.staff).toMatch(/\S/);
      expect(validateStatus(parsed)).toEqual([]);
      const again = parseEdxml(Buffer.from(`<edXML xmlns="${NS}">${serializeEnvelope(parsed.status)}</edXML>`));
      expect(again.kind === 'status' && again.status).toEqual(parsed.status);
    }
  });

  it('reads an SDK-style package and its built twin to the same model, apart from what only one writes', () => {
    for (const kind of BUSINESS_KINDS) {
      const prefixed = pkgOf(parseEdxml(sdkStylePrefixedPackage(kind))).package;
      const built = builtUnprefixedPackage(kind).package;
      expect(prefixed.business?.replacements).toEqual(built.business?.replacements);
      expect(prefixed.business?.documentInfo).toEqual(built.business?.documentInfo);
      expect(prefixed.business?.staffInfo).toEqual(built.business?.staffInfo);
      expect(prefixed.responseFor).toEqual(built.responseFor);
      expect([prefixed.code, prefixed.promulgationInfo, prefixed.signerInfo]).toEqual([built.code, built.promulgationInfo, built.signerInfo]);
    }
  });

  it('reads a prefixed status and its built twin to the same model', () => {
    for (const code of KNOWN_STATUS_CODES) {
      const prefixed = parseEdxml(sdkStylePrefixedStatus(code));
      const built = parseEdxml(builtUnprefixedStatus(code));
      if (prefixed.kind !== 'status' || built.kind !== 'status') throw new EdxError('INTERNAL_ERROR', 'expected statuses');
      expect({ ...prefixed.status, from: prefixed.status.from.organId }).toEqual({ ...built.status, from: built.status.from.organId });
    }
  });

  it('reads every header field of the SDK-style replacement package', () => {
    const p = pkgOf(parseEdxml(sdkStylePrefixedPackage('replacement'))).package;
    expect(p.documentId).toBe('000.00.00.G22,2024/03/15,1234/VPCP-HC');
    expect(p.from).toEqual({
      organId: '000.00.00.G22',
      organizationInCharge: 'Văn phòng Chính phủ',
      organName: 'Văn phòng Chính phủ',
      organAdd: 'Ba Đình, Hà Nội',
      email: 'vanthu.g22@example.gov.vn',
      telephone: '024 3800 0000',
      fax: '024 3800 0001',
      website: 'example.gov.vn',
    });
    expect(p.code).toEqual({ codeNumber: '1234', codeNotation: 'VPCP-HC' });
    expect(p.promulgationInfo).toEqual({ place: 'Hà Nội', promulgationDate: '2024/03/15' });
    expect(p.documentType).toEqual({ type: '1', typeDetail: '0', typeName: 'Công văn' });
    expect(p.to.map((t) => t.organId)).toEqual(['000.00.00.H41', '000.00.00.H53', '000.00.00.G09']);
    expect(p.signerInfo).toEqual({ competence: 'KT. BỘ TRƯỞNG, CHỦ NHIỆM', position: 'Phó Chủ nhiệm', fullName: 'Trần Văn Bình' });
    expect(p.dueDate).toBe('2024/06/30');
    expect(p.otherInfo).toEqual({
      priority: '1',
      sphereOfPromulgation: 'Liên thông văn bản quốc gia',
      typerNotation: 'HC',
      promulgationAmount: '3',
      pageAmount: '2',
      direction: 'false',
      appendixes: ['Danh sách đơn vị kết nối'],
    });
    expect(p.steeringType).toBe('1');
    expect(p.toPlaces).toEqual(['Các bộ, cơ quan ngang bộ', 'UBND các tỉnh, thành phố trực thuộc trung ương']);
    expect(p.traces).toEqual([{ organId: '000.00.00.G22', timestamp: '2024/03/15 08:30:00' }]);
    expect(p.business?.docType).toBe('3');
    expect(p.business?.replacements).toEqual([
      { documentId: AXIS_EARLIER_DOCUMENT_ID, organIds: ['000.00.00.H41', '000.00.00.H53'] },
      { documentId: '000.00.00.G22,2024/02/22,990/VPCP-HC', organIds: ['000.00.00.G09'] },
    ]);
    expect(p.business?.staffInfo?.staff).toBe('Nguyễn Thị Hoa');
    expect(p.manifestVersion).toBe('1.0');
    expect(p.references).toEqual([{ contentId: 'cid:101', contentType: 'application/zip', description: 'Công văn 1234/VPCP-HC', attachmentName: 'cv-1234-VPCP-HC.zip' }]);
  });

  it('reads the SDK-style update receiver list', () => {
    const p = pkgOf(parseEdxml(sdkStylePrefixedPackage('update'))).package;
    expect(p.business?.documentId).toBe(AXIS_EARLIER_DOCUMENT_ID);
    expect(p.business?.documentInfo).toEqual({
      documentInfo: '0',
      documentReceiver: '1',
      receivers: [
        { organId: '000.00.00.H41', receiverType: '0' },
        { organId: '000.00.00.H53', receiverType: '1' },
      ],
    });
  });

  it('reads the SDK-style revocation ResponseFor', () => {
    const p = pkgOf(parseEdxml(sdkStylePrefixedPackage('revocation'))).package;
    expect(p.business).toMatchObject({ docType: '1', docReason: 'Thu hồi văn bản gửi nhầm nơi nhận' });
    expect(p.responseFor).toEqual([{ organId: '000.00.00.H41', code: '56/UBND-VX', documentId: '000.00.00.H41,2024/02/01,56/UBND-VX', promulgationDate: '2024/02/01' }]);
  });

  it('reads the header of a package whose payload is not base64 and reports the payload with a clear code', () => {
    const parsed = pkgOf(parseEdxml(sdkStylePrefixedPackage('new', { payload: 'not-base64' })));
    expect(parsed.package.from.organId).toBe(AXIS_SENDER);
    const issues = validatePackage(parsed);
    const enc = issues.filter((i) => i.code === 'EDXML_ATTACHMENT_ENCODING');
    expect(enc).toHaveLength(1);
    expect(enc[0].path).toBe('/edXML/AttachmentEncoded/Attachment[1]/ContentTransferEncoded');
    expect(enc[0].message).toMatch(/cannot be decoded: invalid base64/);
    expect(issues.filter((i) => i.severity === 'error')).toEqual(enc);
    expect(parsed.attachments[0]).toMatchObject({ contentId: `cid:${AXIS_CONTENT_ID}`, sha256: '', encodingError: expect.stringMatching(/not base64/) });
    expect(parsed.attachments[0].bytes).toHaveLength(0);
  });

  it('gives envelopeXml as the exact source text plus the root default namespace, parseable alone', () => {
    const bytes = sdkStylePrefixedPackage('replacement');
    const src = bytes.toString('utf8');
    const parsed = parseEdxml(bytes);
    const start = src.indexOf('<edXML:edXMLEnvelope');
    const end = src.indexOf('</edXML:edXMLEnvelope>') + '</edXML:edXMLEnvelope>'.length;
    const expected = src.slice(start, end).replace('<edXML:edXMLEnvelope', `<edXML:edXMLEnvelope xmlns="${NS}"`);
    expect(parsed.envelopeXml).toBe(expected);
    const doc = new DOMParser().parseFromString(parsed.envelopeXml, 'text/xml');
    const sig = doc.getElementsByTagName('Signature')[0];
    expect(sig.namespaceURI).toBe(NS);
    expect(parsed.envelopeXml).toContain(parsed.signature?.xml);
  });

  it('keeps entities and whitespace verbatim in envelopeXml', () => {
    const xml = handPackage({ afterTo: handPackage().match(/<DocumentId>.*<\/Subject>/)![0].replace('<Subject>Thử', '<Subject>A &amp; B &#x1EF1;\r\n  x') });
    const parsed = pkgOf(parseEdxml(Buffer.from(xml)));
    expect(parsed.envelopeXml).toContain('<Subject>A &amp; B &#x1EF1;\r\n  x</Subject>');
    expect(parsed.package.subject).toBe('A & B ự\n  x');
  });
});

describe('variations real producers make', () => {
  it('reads prefixed, unprefixed and mixed prefix styles the same way', () => {
    const plain = pkgOf(parseEdxml(Buffer.from(handPackage())));
    const prefixed = handPackage({ rootOpen: `<q:edXML xmlns:q="${NS}">` })
      .replace(/<(\/?)(?!q:|\?)([A-Za-z]+)/g, '<$1q:$2')
      .replace('</edXML>', '</q:edXML>');
    const p2 = pkgOf(parseEdxml(Buffer.from(prefixed)));
    expect(p2.package).toEqual(plain.package);
    expect(p2.attachments[0].bytes.equals(PDF_BYTES)).toBe(true);
    expect(p2.envelopeXml.startsWith(`<q:edXMLEnvelope xmlns:q="${NS}">`)).toBe(true);
  });

  it('reads elements in any order, Bussiness before TraceHeader, and manifest first', () => {
    const base = pkgOf(parseEdxml(Buffer.from(handPackage())));
    const shuffled = handPackage({
      from: '<Subject>Thử</Subject><To><OrganId>000.00.00.H41</OrganId></To>',
      to: '<From><OrganName>VPCP</OrganName><OrganId>000.00.00.G22</OrganId></From>',
      afterTo: '<PromulgationInfo><PromulgationDate>2018/09/28</PromulgationDate><Place>Hà Nội</Place></PromulgationInfo><Code><CodeNotation>VPCP</CodeNotation><CodeNumber>1</CodeNumber></Code><DocumentId>000.00.00.G22,2018/09/28,1/VPCP</DocumentId>',
      trace:
        '<TraceHeaderList><Bussiness><Paper>0</Paper><BussinessDocType>0</BussinessDocType></Bussiness><TraceHeader><Timestamp>2018/09/28 10:00:00</Timestamp><OrganId>000.00.00.G22</OrganId></TraceHeader></TraceHeaderList>',
    });
    expect(pkgOf(parseEdxml(Buffer.from(shuffled))).package).toEqual(base.package);
  });

  it('accepts a package with every optional part missing and hops without OrganId', () => {
    const xml = handPackage({
      trace: '<TraceHeaderList><TraceHeader><Timestamp>2018/09/28 10:00:00</Timestamp></TraceHeader></TraceHeaderList>',
      manifest: '<edXMLBody><edXMLManifest/></edXMLBody>',
      attachments: '',
    });
    const parsed = pkgOf(parseEdxml(Buffer.from(xml)));
    expect(parsed.package.business).toBeUndefined();
    expect(parsed.package.traces).toEqual([{ timestamp: '2018/09/28 10:00:00' }]);
    expect(validatePackage(parsed).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it.each([
    ['xmldsig', `<ds:Signature xmlns:ds="${DSIG}"><ds:SignedInfo/></ds:Signature>`],
    ['qcvn', '<Signature><SignedInfo/></Signature>'],
    ['none', '<Signature xmlns=""><SignedInfo/></Signature>'],
  ])('reports a Signature in the %s namespace with its exact text', (ns, sig) => {
    const parsed = parseEdxml(Buffer.from(handPackage({ signature: sig })));
    expect(parsed.signature).toEqual({ namespace: ns, xml: sig });
  });

  it('ignores extra attributes and unknown elements but keeps the Id targets', () => {
    const xml = handPackage({
      mhAttrs: ' Id="mh" wsu:Id="x" xmlns:wsu="urn:wsu" xlink:href="#a" xmlns:xlink="http://www.w3.org/1999/xlink"',
      from: '<From version="2"><OrganId id="o">000.00.00.G22</OrganId><Extra>e</Extra></From><Unknown/>',
    });
    const p = pkgOf(parseEdxml(Buffer.from(xml)));
    expect(p.package.messageHeaderId).toBe('mh');
    expect(p.package.from).toEqual({ organId: '000.00.00.G22' });
    expect(serializeEnvelope(p.package)).toContain('<MessageHeader Id="mh">');
  });

  it('does not take a foreign-namespace lookalike for an edXML element', () => {
    const xml = handPackage({ from: '<From xmlns="urn:other"><OrganId>evil</OrganId></From><From><OrganId>000.00.00.G22</OrganId></From>' });
    expect(pkgOf(parseEdxml(Buffer.from(xml))).package.from.organId).toBe('000.00.00.G22');
  });

  it('tells a status from a package and reads its fields', () => {
    const parsed = parseEdxml(sdkStylePrefixedStatus('02'));
    expect(parsed.kind).toBe('status');
    if (parsed.kind !== 'status') return;
    expect(parsed.status.from).toEqual({ organId: '000.00.00.H41', organName: 'UBND tỉnh Nghệ An', organizationInCharge: 'UBND tỉnh Nghệ An', email: 'vanthu@nghean.example.vn' });
    expect(parsed.status.description).toBe('Từ chối tiếp nhận: văn bản gửi nhầm đơn vị');
    expect(parsed.status.staffInfo).toEqual({ department: 'Văn phòng UBND tỉnh', staff: 'Lê Thị Mai', email: 'vanthu@nghean.example.vn', mobile: '0900000202' });
    expect(parsed.status.responseFor?.code).toMatch(/\//);
    expect(parsed.status.timestamp).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d$/);
  });

  it('keeps each ContentId exactly as written: no cid: stripped, no case folded', () => {
    const attachment = (id: string) =>
      `<Attachment><ContentId>${id}</ContentId><AttachmentName>a.pdf</AttachmentName><ContentType>application/pdf</ContentType><ContentTransferEncoded>${PDF_BYTES.toString('base64')}</ContentTransferEncoded></Attachment>`;
    const parsed = pkgOf(parseEdxml(Buffer.from(handPackage({ attachments: `<AttachmentEncoded>${['cid:1', 'CID:2', 'cid:cid:3', '4'].map(attachment).join('')}</AttachmentEncoded>` }))));
    expect(parsed.attachments.map((a) => a.contentId)).toEqual(['cid:1', 'CID:2', 'cid:cid:3', '4']);
    expect(parsed.package.references.map((r) => r.contentId)).toEqual(['cid:1']);
  });

  it('accepts a UTF-8 byte order mark', () => {
    const b = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(handPackage())]);
    expect(pkgOf(parseEdxml(b)).package.subject).toBe('Thử');
  });
});

describe('hostile and broken input fails fast with a clear code', () => {
  const doc = (s: string) => Buffer.from(s);
  it.each([
    ['an external entity (XXE)', `<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]><edXML xmlns="${NS}">&x;</edXML>`, 'EDXML_DTD_FORBIDDEN'],
    [
      'billion laughs',
      `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><edXML xmlns="${NS}">&c;</edXML>`,
      'EDXML_DTD_FORBIDDEN',
    ],
    ['a bare DOCTYPE', `<!DOCTYPE edXML><edXML xmlns="${NS}"/>`, 'EDXML_DTD_FORBIDDEN'],
    ['an ENTITY declaration outside a DOCTYPE', `<edXML xmlns="${NS}"><!ENTITY a "b"></edXML>`, 'EDXML_DTD_FORBIDDEN'],
    ['an undefined entity reference', `<edXML xmlns="${NS}">&nbsp;</edXML>`, 'EDXML_MALFORMED'],
    ['a truncated document', handPackage().slice(0, 300), 'EDXML_MALFORMED'],
    ['an empty document', '', 'EDXML_MALFORMED'],
    ['not XML at all', 'hello', 'EDXML_MALFORMED'],
    ['an unbound prefix', `<edXML xmlns="${NS}"><x:a/></edXML>`, 'EDXML_MALFORMED'],
    ['a declared non-UTF-8 encoding', `<?xml version="1.0" encoding="ISO-8859-1"?><edXML xmlns="${NS}"/>`, 'EDXML_ENCODING'],
    ['a root in no namespace', '<edXML><edXMLEnvelope/></edXML>', 'EDXML_NOT_EDXML'],
    ['a root with another name', `<Envelope xmlns="${NS}"/>`, 'EDXML_NOT_EDXML'],
    ['an envelope outside the QCVN namespace', `<edXML xmlns="${NS}"><edXMLEnvelope xmlns="urn:x"/></edXML>`, 'EDXML_NOT_EDXML'],
  ])('%s', (_what, text, code) => {
    expect(codeOf(() => parseEdxml(doc(text)))).toBe(code);
  });

  it('rejects invalid UTF-8 bytes', () => {
    const b = Buffer.from(handPackage());
    const at = b.indexOf('Thử');
    b[at] = 0xff;
    expect(codeOf(() => parseEdxml(b))).toBe('EDXML_ENCODING');
  });

  it('rejects invalid UTF-8 inside a skipped attachment payload', () => {
    const b = Buffer.from(handPackage());
    b[b.indexOf('JVBER')] = 0xc3;
    expect(codeOf(() => parseEdxml(b))).toBe('EDXML_ENCODING');
  });

  it('rejects UTF-16 documents', () => {
    const b = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(handPackage(), 'utf16le')]);
    expect(codeOf(() => parseEdxml(b))).toBe('EDXML_ENCODING');
  });

  it('rejects deep nesting', () => {
    const deep = `<edXML xmlns="${NS}">${'<a>'.repeat(100)}${'</a>'.repeat(100)}</edXML>`;
    expect(codeOf(() => parseEdxml(doc(deep)))).toBe('EDXML_TOO_DEEP');
    expect(codeOf(() => parseEdxml(doc(`<edXML xmlns="${NS}">${'<a>'.repeat(100_000)}`)))).toBe('EDXML_TOO_DEEP');
  });

  it('rejects a huge element count', () => {
    const many = `<edXML xmlns="${NS}">${'<a/>'.repeat(25_000)}</edXML>`;
    expect(codeOf(() => parseEdxml(doc(many)))).toBe('EDXML_TOO_MANY_ELEMENTS');
    expect(codeOf(() => parseEdxml(doc(handPackage()), { maxElements: 10 }))).toBe('EDXML_TOO_MANY_ELEMENTS');
  });

  it('rejects a document over the size limit before reading it', () => {
    expect(codeOf(() => parseEdxml(doc(handPackage()), { maxBytes: 100 }))).toBe('EDXML_TOO_LARGE');
  });

  it('rejects more attachments than the limit', () => {
    expect(codeOf(() => parseEdxml(doc(handPackage()), { maxAttachments: 0 }))).toBe('EDXML_CARDINALITY');
  });

  it('rejects a non-Buffer input with an EdxError', () => {
    expect(codeOf(() => parseEdxml('<edXML/>' as unknown as Buffer))).toBe('EDXML_MALFORMED');
  });

  it('reads a lookalike payload tag in a comment as a comment', () => {
    const xml = handPackage({ attachments: '<!-- <ContentTransferEncoded>abc --><AttachmentEncoded/>', manifest: '<edXMLBody/>' });
    expect(pkgOf(parseEdxml(doc(xml))).attachments).toEqual([]);
  });
});
