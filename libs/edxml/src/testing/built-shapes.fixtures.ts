/** Shapes the project's builders write: unprefixed, reference element order (or moved afterwards). */
import { buildPackage, buildStatus, responseForPackage } from '../build/package.builder';
import { serializeEnvelope } from '../build/envelope.serializer';
import { writeEdxml, type AttachmentInput } from '../build/edxml.writer';
import type { Business, Package } from '../model/package.model';
import type { KnownStatusCode } from '../model/status-codes';
import {
  AXIS_ANSWERED_DOCUMENT_ID,
  AXIS_CONTENT_ID,
  AXIS_EARLIER_DOCUMENT_ID,
  AXIS_RECIPIENTS,
  AXIS_SENDER,
  BUSINESS_DOC_TYPE,
  type BusinessKind,
  SENDER_STAFF,
  STATUS_DESCRIPTIONS,
  statusReporter,
} from './axis-content.fixtures';
import { ZIP_BYTES } from './edxml.fixtures';

export interface BuiltPackage {
  package: Package;
  attachments: AttachmentInput[];
  bytes: Buffer;
}

/** The Bussiness block our builders write for `kind`, on top of buildPackage's type and Paper. */
function businessOf(kind: BusinessKind, base: Business): Business {
  switch (kind) {
    case 'new':
      return base;
    case 'revocation':
      return { ...base, docReason: 'Thu hồi văn bản gửi nhầm nơi nhận' };
    case 'update':
      return {
        ...base,
        docReason: 'Cập nhật danh sách nơi nhận',
        documentId: AXIS_EARLIER_DOCUMENT_ID,
        documentInfo: {
          documentInfo: '0',
          documentReceiver: '1',
          receivers: [
            { organId: '000.00.00.H41', receiverType: '0' },
            { organId: '000.00.00.H53', receiverType: '1' },
          ],
        },
      };
    case 'replacement':
      return {
        ...base,
        docReason: 'Thay thế văn bản có sai sót về số liệu',
        replacements: [
          { documentId: AXIS_EARLIER_DOCUMENT_ID, organIds: ['000.00.00.H41', '000.00.00.H53'] },
          { documentId: '000.00.00.G22,2024/02/22,990/VPCP-HC', organIds: ['000.00.00.G09'] },
        ],
      };
  }
}

/** An unprefixed package of `kind` written by buildPackage, serializeEnvelope and writeEdxml. */
export function builtUnprefixedPackage(kind: BusinessKind = 'new'): BuiltPackage {
  const { package: pkg, attachments } = buildPackage({
    from: { organId: AXIS_SENDER, organName: 'Văn phòng Chính phủ' },
    to: [...AXIS_RECIPIENTS],
    subject: 'V/v triển khai liên thông văn bản điện tử năm 2024',
    codeNumber: '1234',
    codeNotation: 'VPCP-HC',
    typeName: 'Công văn',
    place: 'Hà Nội',
    promulgationDate: new Date('2024-03-15T01:30:00Z'),
    sentAt: new Date('2024-03-15T01:30:00Z'),
    signer: { competence: 'KT. BỘ TRƯỞNG, CHỦ NHIỆM', position: 'Phó Chủ nhiệm', fullName: 'Trần Văn Bình' },
    steeringType: 1,
    businessDocType: Number(BUSINESS_DOC_TYPE[kind]) as 0 | 1 | 2 | 3,
    responseFor:
      kind === 'revocation'
        ? [
            {
              organId: '000.00.00.H41',
              code: '56/UBND-VX',
              promulgationDate: '2024/02/01',
              documentId: AXIS_ANSWERED_DOCUMENT_ID,
            },
          ]
        : [],
    files: [
      {
        name: 'cv-1234-VPCP-HC.zip',
        contentType: 'application/zip',
        bytes: ZIP_BYTES,
        contentId: `cid:${AXIS_CONTENT_ID}`,
      },
    ],
  });
  pkg.business = businessOf(kind, pkg.business ?? {});
  pkg.business.staffInfo = { ...SENDER_STAFF };
  return { package: pkg, attachments, bytes: writeEdxml(serializeEnvelope(pkg), attachments) };
}

/** Where a producer puts the Bussiness block. */
export type BussinessPlacement = 'before-trace-header' | 'after-trace-header' | 'in-edxml-header';
export const BUSSINESS_PLACEMENTS: readonly BussinessPlacement[] = [
  'before-trace-header',
  'after-trace-header',
  'in-edxml-header',
];

/**
 * The built update package with its Bussiness block moved: first in TraceHeaderList, after the
 * TraceHeader (where our serializer writes it), or directly in edXMLHeader after TraceHeaderList.
 */
export function unprefixedPackageWithBussiness(placement: BussinessPlacement): Buffer {
  const { package: pkg, attachments } = builtUnprefixedPackage('update');
  const envelope = serializeEnvelope(pkg);
  const business = /<Bussiness>[\s\S]*<\/Bussiness>/.exec(envelope)?.[0] ?? '';
  const without = envelope.replace(business, '');
  const moved =
    placement === 'before-trace-header'
      ? without.replace('<TraceHeaderList>', `<TraceHeaderList>${business}`)
      : placement === 'in-edxml-header'
        ? without.replace('</TraceHeaderList>', `</TraceHeaderList>${business}`)
        : envelope;
  return writeEdxml(moved, attachments);
}

/** A status answering the built package, written by buildStatus, serializeEnvelope and writeEdxml. */
export function builtUnprefixedStatus(code: KnownStatusCode): Buffer {
  const reporter = statusReporter(code);
  const status = buildStatus({
    from: { organId: reporter.code, organName: reporter.name },
    responseFor: responseForPackage(builtUnprefixedPackage('new').package),
    statusCode: code,
    description: STATUS_DESCRIPTIONS[code],
    staff: reporter.staff,
    at: new Date('2024-03-15T02:05:00Z'),
  });
  return writeEdxml(serializeEnvelope(status), []);
}
