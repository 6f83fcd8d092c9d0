/**
 * Test fixtures made by code (the builder) and hand-written variations of it. The shapes other
 * producers send (prefixes, the SDK's placeholder Signature, statuses) are in axis-shapes.fixtures.ts.
 */
import { zipSync } from 'fflate';
import { buildPackage } from '../build/package.builder';
import { serializeEnvelope } from '../build/envelope.serializer';
import { writeEdxml } from '../build/edxml.writer';

export const PDF_BYTES = Buffer.from('%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
export const ZIP_BYTES = Buffer.from(zipSync({ 'a.pdf': new Uint8Array(PDF_BYTES) }));

export function samplePackage() {
  return buildPackage({
    from: '000.00.00.G22',
    to: ['000.00.00.H41', { organId: '000.00.00.H14', organName: 'UBND Tỉnh Cao Bằng' }],
    subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản & <thử>',
    codeNumber: '7816',
    codeNotation: 'VPCP-TTĐT',
    typeName: 'Công văn',
    place: 'Hà Nội',
    promulgationDate: new Date('2018-09-28T03:00:00Z'),
    sentAt: new Date('2018-09-28T03:00:00Z'),
    signer: { competence: 'TL. BỘ TRƯỞNG', fullName: 'Nguyễn Văn A' },
    steeringType: 1,
    files: [
      { name: 'cv.pdf', contentType: 'application/pdf', bytes: PDF_BYTES },
      { name: 'phu-luc.zip', contentType: 'application/zip', bytes: ZIP_BYTES, description: 'Phụ lục' },
    ],
  });
}

export function samplePackageBytes(): Buffer {
  const { package: pkg, attachments } = samplePackage();
  return writeEdxml(serializeEnvelope(pkg), attachments);
}

export const NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

/** A hand-written package text for variations; `parts` override pieces of it. */
export function handPackage(
  parts: Partial<Record<'rootOpen' | 'from' | 'to' | 'afterTo' | 'trace' | 'signature' | 'manifest' | 'attachments' | 'mhAttrs', string>> = {},
): string {
  const p = {
    rootOpen: `<edXML xmlns="${NS}">`,
    mhAttrs: '',
    from: '<From><OrganId>000.00.00.G22</OrganId><OrganName>VPCP</OrganName></From>',
    to: '<To><OrganId>000.00.00.H41</OrganId></To>',
    afterTo:
      '<DocumentId>000.00.00.G22,2018/09/28,1/VPCP</DocumentId><Code><CodeNumber>1</CodeNumber><CodeNotation>VPCP</CodeNotation></Code>' +
      '<PromulgationInfo><Place>Hà Nội</Place><PromulgationDate>2018/09/28</PromulgationDate></PromulgationInfo><Subject>Thử</Subject>',
    trace:
      '<TraceHeaderList><TraceHeader><OrganId>000.00.00.G22</OrganId><Timestamp>2018/09/28 10:00:00</Timestamp></TraceHeader>' +
      '<Bussiness><BussinessDocType>0</BussinessDocType><Paper>0</Paper></Bussiness></TraceHeaderList>',
    signature: '',
    manifest:
      '<edXMLBody><edXMLManifest version="1.0"><Reference><ContentId>cid:1</ContentId><ContentType>application/pdf</ContentType>' +
      '<AttachmentName>a.pdf</AttachmentName></Reference></edXMLManifest></edXMLBody>',
    attachments: `<AttachmentEncoded><Attachment><ContentId>cid:1</ContentId><AttachmentName>a.pdf</AttachmentName><ContentType>application/pdf</ContentType><ContentTransferEncoded>${PDF_BYTES.toString('base64')}</ContentTransferEncoded></Attachment></AttachmentEncoded>`,
    ...parts,
  };
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n${p.rootOpen}<edXMLEnvelope><edXMLHeader><MessageHeader${p.mhAttrs}>${p.from}${p.to}${p.afterTo}</MessageHeader>` +
    `${p.trace}${p.signature}</edXMLHeader>${p.manifest}</edXMLEnvelope>${p.attachments}</edXML>`
  );
}
