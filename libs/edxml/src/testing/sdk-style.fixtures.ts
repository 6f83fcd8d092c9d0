/**
 * Packets laid out as the reference SDK writes them, by hand: namespace prefixes, element orders our
 * serializer never writes, the SDK's placeholder Signature (docs/edxml.md).
 */
import { createHash } from 'node:crypto';
import { EDXML_NS } from '../model/namespaces';
import type { StaffInfo } from '../model/package.model';
import type { KnownStatusCode } from '../model/status-codes';
import {
  AXIS_ANSWERED_DOCUMENT_ID,
  AXIS_CONTENT_ID,
  AXIS_DOCUMENT_ID,
  AXIS_EARLIER_DOCUMENT_ID,
  AXIS_SENDER,
  type BusinessKind,
  NOT_BASE64_PAYLOAD,
  SENDER_STAFF,
  STATUS_DESCRIPTIONS,
  statusReporter,
} from './axis-content.fixtures';
import { ZIP_BYTES } from './edxml.fixtures';

/**
 * The envelope Signature block of the reference SDK's examples: unprefixed (so in the QCVN namespace
 * under a default namespace), RSA-SHA1 over URI="" (the whole document), the same digest in every
 * file, a truncated certificate. The digest is the SDK's; the value and certificate are invented.
 * A verifier must report it as a placeholder (docs/edxml.md, "The SDK's placeholder signature").
 */
export const SDK_PLACEHOLDER_SIGNATURE_XML = [
  '<Signature>',
  '  <SignedInfo>',
  '    <CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315" />',
  '    <SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1" />',
  '    <Reference URI="">',
  '      <Transforms>',
  '        <Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature" />',
  '        <Transform Algorithm="http://www.w3.org/TR/xml-exc-c14n#" />',
  '      </Transforms>',
  '      <DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1" />',
  '      <DigestValue>FwgIqsSYJshUS2+wlOM61L+q7Aw=</DigestValue>',
  '    </Reference>',
  '  </SignedInfo>',
  `  <SignatureValue>${inventedSignatureValue()}</SignatureValue>`,
  '  <KeyInfo>',
  '    <X509Data>',
  '      <X509SubjectName>CN=vanthu01</X509SubjectName>',
  '      <X509Certificate>MIIFpDCCBIyg</X509Certificate>',
  '    </X509Data>',
  '  </KeyInfo>',
  '</Signature>',
].join('\n');

/** 256 bytes that look like an RSA-2048 signature value, and are not one. */
function inventedSignatureValue(): string {
  const blocks = Array.from({ length: 8 }, (_, i) =>
    createHash('sha256').update(`edx invented signature value ${i}`).digest(),
  );
  return Buffer.concat(blocks).toString('base64');
}

/** A namespace prefix other producers write edXML elements with. */
export type EdxmlPrefix = 'edXML' | 'ns';

const escapeText = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const indent = (s: string): string => s.replace(/^/gm, '  ');

/** Pretty-printed markup with one prefix; `tag` may carry attributes ('edXMLManifest version="1.0"'). */
function markup(prefix: EdxmlPrefix | '') {
  const q = (tag: string): string => (prefix ? `${prefix}:${tag}` : tag);
  const name = (tag: string): string => q(tag.split(' ')[0]);
  return {
    leaf: (tag: string, text: string): string => `<${q(tag)}>${escapeText(text)}</${name(tag)}>`,
    el: (tag: string, ...children: Array<string | undefined>): string =>
      `<${q(tag)}>\n${children
        .filter((c): c is string => c !== undefined)
        .map(indent)
        .join('\n')}\n</${name(tag)}>`,
  };
}

function staffXml(p: EdxmlPrefix, staff: StaffInfo): string {
  const { el, leaf } = markup(p);
  // The SDK writes Email before Mobile; our serializer the other way round.
  return el(
    'StaffInfo',
    leaf('Department', staff.department ?? ''),
    leaf('Staff', staff.staff ?? ''),
    leaf('Email', staff.email ?? ''),
    leaf('Mobile', staff.mobile ?? ''),
  );
}

function businessXml(p: EdxmlPrefix, kind: BusinessKind): string {
  const { el, leaf } = markup(p);
  const staff = staffXml(p, SENDER_STAFF);
  switch (kind) {
    case 'new':
      return el(
        'Bussiness',
        leaf('DocumentId', AXIS_DOCUMENT_ID),
        leaf('BussinessDocType', '0'),
        leaf('BussinessDocReason', 'Văn bản điện tử mới'),
        leaf('Paper', '0'),
        staff,
      );
    case 'revocation':
      // The document revoked is named by MessageHeader/ResponseFor.
      return el(
        'Bussiness',
        leaf('BussinessDocType', '1'),
        leaf('BussinessDocReason', 'Thu hồi văn bản gửi nhầm nơi nhận'),
        leaf('Paper', '0'),
        staff,
      );
    case 'update':
      return el(
        'Bussiness',
        leaf('DocumentId', AXIS_EARLIER_DOCUMENT_ID),
        leaf('BussinessDocType', '2'),
        leaf('BussinessDocReason', 'Cập nhật danh sách nơi nhận'),
        leaf('Paper', '0'),
        el(
          'BussinessDocumentInfo',
          leaf('DocumentInfo', '0'),
          leaf('DocumentReceiver', '1'),
          el(
            'ReceiverList',
            el('Receiver', leaf('OrganId', '000.00.00.H41'), leaf('ReceiverType', '0')),
            el('Receiver', leaf('OrganId', '000.00.00.H53'), leaf('ReceiverType', '1')),
          ),
        ),
        staff,
      );
    case 'replacement':
      return el(
        'Bussiness',
        leaf('BussinessDocType', '3'),
        leaf('BussinessDocReason', 'Thay thế văn bản có sai sót về số liệu'),
        leaf('Paper', '0'),
        el(
          'ReplacementInfoList',
          el(
            'ReplacementInfo',
            leaf('DocumentId', AXIS_EARLIER_DOCUMENT_ID),
            el('OrganIdList', leaf('OrganId', '000.00.00.H41'), leaf('OrganId', '000.00.00.H53')),
          ),
          el(
            'ReplacementInfo',
            leaf('DocumentId', '000.00.00.G22,2024/02/22,990/VPCP-HC'),
            el('OrganIdList', leaf('OrganId', '000.00.00.G09')),
          ),
        ),
        staff,
      );
  }
}

export interface SdkStyleOptions {
  /** The prefix of the envelope's elements (default edXML, as the SDK writes). */
  prefix?: EdxmlPrefix;
  /** 'zip' (default): ZIP_BYTES in base64; 'not-base64': NOT_BASE64_PAYLOAD. */
  payload?: 'zip' | 'not-base64';
}

/**
 * A package laid out as the reference SDK writes one: root `edXML` in the default QCVN namespace;
 * `edXML:edXMLEnvelope` declaring its own prefix and every envelope element prefixed; every From/To
 * field, OtherInfo, SteeringType and ToPlaces; one TraceHeader then the Bussiness block of `kind`
 * (StaffInfo last); the SDK's unprefixed placeholder Signature; one zip attachment, its
 * AttachmentEncoded unprefixed and its ContentTransferEncoded prefixed again.
 */
export function sdkStylePrefixedPackage(kind: BusinessKind = 'new', options: SdkStyleOptions = {}): Buffer {
  const p = options.prefix ?? 'edXML';
  const { el, leaf } = markup(p);
  const plain = markup('');
  const organization = (tag: 'From' | 'To', code: string, name: string, full: boolean): string =>
    full
      ? el(
          tag,
          leaf('OrganId', code),
          leaf('OrganizationInCharge', name),
          leaf('OrganName', name),
          leaf('OrganAdd', 'Ba Đình, Hà Nội'),
          leaf('Email', `vanthu.${code.slice(-3).toLowerCase()}@example.gov.vn`),
          leaf('Telephone', '024 3800 0000'),
          leaf('Fax', '024 3800 0001'),
          leaf('Website', 'example.gov.vn'),
        )
      : el(tag, leaf('OrganId', code), leaf('OrganName', name));
  const header = el(
    'MessageHeader',
    organization('From', AXIS_SENDER, 'Văn phòng Chính phủ', true),
    organization('To', '000.00.00.H41', 'UBND tỉnh Nghệ An', true),
    organization('To', '000.00.00.H53', 'UBND tỉnh Tây Ninh', false),
    organization('To', '000.00.00.G09', 'Bộ Kế hoạch và Đầu tư', false),
    leaf('DocumentId', AXIS_DOCUMENT_ID),
    el('Code', leaf('CodeNumber', '1234'), leaf('CodeNotation', 'VPCP-HC')),
    el('PromulgationInfo', leaf('Place', 'Hà Nội'), leaf('PromulgationDate', '2024/03/15')),
    el('DocumentType', leaf('Type', '1'), leaf('TypeDetail', '0'), leaf('TypeName', 'Công văn')),
    leaf('Subject', 'V/v triển khai liên thông văn bản điện tử năm 2024'),
    leaf('Content', 'Đề nghị các đơn vị hoàn thành kết nối trước ngày 30/6/2024.'),
    el(
      'SignerInfo',
      leaf('Competence', 'KT. BỘ TRƯỞNG, CHỦ NHIỆM'),
      leaf('Position', 'Phó Chủ nhiệm'),
      leaf('FullName', 'Trần Văn Bình'),
    ),
    leaf('DueDate', '2024/06/30'),
    el(
      'OtherInfo',
      leaf('Priority', '1'),
      leaf('SphereOfPromulgation', 'Liên thông văn bản quốc gia'),
      leaf('TyperNotation', 'HC'),
      leaf('PromulgationAmount', '3'),
      leaf('PageAmount', '2'),
      leaf('Direction', 'false'),
      el('Appendixes', leaf('Appendix', 'Danh sách đơn vị kết nối')),
    ),
    kind === 'revocation'
      ? el(
          'ResponseFor',
          leaf('OrganId', '000.00.00.H41'),
          leaf('Code', '56/UBND-VX'),
          leaf('DocumentId', AXIS_ANSWERED_DOCUMENT_ID),
          leaf('PromulgationDate', '2024/02/01'),
        )
      : undefined,
    leaf('SteeringType', '1'),
    el(
      'ToPlaces',
      leaf('Place', 'Các bộ, cơ quan ngang bộ'),
      leaf('Place', 'UBND các tỉnh, thành phố trực thuộc trung ương'),
    ),
  );
  const traces = el(
    'TraceHeaderList',
    el('TraceHeader', leaf('OrganId', AXIS_SENDER), leaf('Timestamp', '2024/03/15 08:30:00')),
    businessXml(p, kind),
  );
  const body = el(
    'edXMLBody',
    el(
      'edXMLManifest version="1.0"',
      el(
        'Reference',
        leaf('ContentId', `cid:${AXIS_CONTENT_ID}`),
        leaf('ContentType', 'application/zip'),
        leaf('Description', 'Công văn 1234/VPCP-HC'),
        leaf('AttachmentName', 'cv-1234-VPCP-HC.zip'),
      ),
    ),
  );
  const envelope = el(
    `edXMLEnvelope xmlns:${p}="${EDXML_NS}"`,
    el('edXMLHeader', header, traces, SDK_PLACEHOLDER_SIGNATURE_XML),
    body,
  );
  const payload = options.payload === 'not-base64' ? NOT_BASE64_PAYLOAD : ZIP_BYTES.toString('base64');
  const attachments = plain.el(
    'AttachmentEncoded',
    plain.el(
      'Attachment',
      plain.leaf('ContentId', `cid:${AXIS_CONTENT_ID}`),
      plain.leaf('AttachmentName', 'cv-1234-VPCP-HC.zip'),
      plain.leaf('Description', 'Công văn 1234/VPCP-HC'),
      plain.leaf('ContentType', 'application/zip'),
      `<${p}:ContentTransferEncoded xmlns:${p}="${EDXML_NS}">${payload}</${p}:ContentTransferEncoded>`,
    ),
  );
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n${plain.el(`edXML xmlns="${EDXML_NS}"`, envelope, attachments)}\n`,
  );
}

/**
 * A status message as the reference SDK writes one: root in the default namespace, a prefixed
 * envelope, From with OrganName before OrganizationInCharge, ResponseFor with DocumentId before
 * PromulgationDate and StaffInfo with Email before Mobile (orders our serializer never writes); no
 * Signature.
 */
export function sdkStylePrefixedStatus(
  code: KnownStatusCode,
  options: Pick<SdkStyleOptions, 'prefix'> = {},
): Buffer {
  const p = options.prefix ?? 'edXML';
  const { el, leaf } = markup(p);
  const reporter = statusReporter(code);
  const header = el(
    'MessageHeader',
    el(
      'From',
      leaf('OrganId', reporter.code),
      leaf('OrganName', reporter.name),
      leaf('OrganizationInCharge', reporter.name),
      leaf('Email', reporter.staff.email ?? ''),
    ),
    el(
      'ResponseFor',
      leaf('OrganId', AXIS_SENDER),
      leaf('Code', '1234/VPCP-HC'),
      leaf('DocumentId', AXIS_DOCUMENT_ID),
      leaf('PromulgationDate', '2024/03/15'),
    ),
    staffXml(p, reporter.staff),
    leaf('StatusCode', code),
    leaf('Description', STATUS_DESCRIPTIONS[code]),
    leaf('Timestamp', '2024/03/15 09:05:00'),
  );
  const envelope = el(`edXMLEnvelope xmlns:${p}="${EDXML_NS}"`, el('edXMLHeader', header));
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n${markup('').el(`edXML xmlns="${EDXML_NS}"`, envelope)}\n`,
  );
}
