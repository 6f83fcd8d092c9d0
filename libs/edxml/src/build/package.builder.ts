import { formatEdxmlDate, formatEdxmlTimestamp } from '../model/edxml-date';
import { parseAgencyCode } from '../model/agency-code';
import type { Organization, Package, ResponseFor, StaffInfo, StatusMessage } from '../model/package.model';
import type { StatusCode } from '../model/status-codes';
import type { AttachmentInput } from './edxml.writer';

export interface BuildPackageInput {
  /** The sending agency: a code, or a full Organization (organId required). */
  from: string | (Organization & { organId: string });
  to: Array<string | (Organization & { organId: string })>;
  subject: string;
  codeNumber: string;
  codeNotation: string;
  /** e.g. "Công văn" */
  typeName: string;
  promulgationDate?: Date;
  place?: string;
  content?: string;
  signer?: { competence?: string; position?: string; fullName?: string };
  dueDate?: Date;
  steeringType?: 0 | 1 | 2;
  responseFor?: ResponseFor[];
  /** 0 new (default), 1 revoke, 2 update, 3 replace. */
  businessDocType?: 0 | 1 | 2 | 3;
  businessDocReason?: string;
  /** Time of the sender's trace hop (default: now). */
  sentAt?: Date;
  files?: Array<{ name: string; contentType: string; bytes: Buffer; description?: string; contentId?: string }>;
}

const org = (o: string | (Organization & { organId: string })): Organization =>
  typeof o === 'string' ? { organId: parseAgencyCode(o) } : { ...o, organId: parseAgencyCode(o.organId) };

/**
 * A valid package from a few fields: DocumentId "<from>,<yyyy/MM/dd>,<number>/<notation>",
 * Bussiness doc type 0, one TraceHeader for the sender, one manifest Reference per file
 * (ContentId "cid:1", "cid:2"... unless given). Throws EdxError EDXML_AGENCY_CODE for a bad code.
 */
export function buildPackage(input: BuildPackageInput): { package: Package; attachments: AttachmentInput[] } {
  const from = org(input.from);
  const date = formatEdxmlDate(input.promulgationDate ?? input.sentAt ?? new Date());
  const files = input.files ?? [];
  const attachments: AttachmentInput[] = files.map((f, i) => {
    const a: AttachmentInput = {
      contentId: f.contentId ?? `cid:${i + 1}`,
      name: f.name,
      contentType: f.contentType,
      bytes: f.bytes,
    };
    if (f.description !== undefined) a.description = f.description;
    return a;
  });
  const pkg: Package = {
    from,
    to: input.to.map(org),
    documentId: `${from.organId},${date},${input.codeNumber}/${input.codeNotation}`,
    code: { codeNumber: input.codeNumber, codeNotation: input.codeNotation },
    promulgationInfo: { place: input.place ?? '', promulgationDate: date },
    documentType: { type: '1', typeDetail: '0', typeName: input.typeName },
    subject: input.subject,
    content: input.content ?? input.subject,
    responseFor: input.responseFor ?? [],
    traces: [{ organId: from.organId, timestamp: formatEdxmlTimestamp(input.sentAt ?? new Date()) }],
    business: { docType: String(input.businessDocType ?? 0), paper: '0' },
    manifestVersion: '1.0',
    references: attachments.map((a) => {
      const r: Package['references'][number] = { contentId: a.contentId, contentType: a.contentType, attachmentName: a.name };
      if (a.description !== undefined) r.description = a.description;
      return r;
    }),
  };
  if (input.signer) pkg.signerInfo = { ...input.signer };
  if (input.dueDate) pkg.dueDate = formatEdxmlDate(input.dueDate);
  if (input.steeringType !== undefined) pkg.steeringType = String(input.steeringType);
  if (input.businessDocReason !== undefined && pkg.business) pkg.business.docReason = input.businessDocReason;
  return { package: pkg, attachments };
}

export interface BuildStatusInput {
  /** The agency reporting the status. */
  from: string | (Organization & { organId: string });
  /** The document answered: the original sender, its code "number/notation", date and DocumentId. */
  responseFor: ResponseFor & { organId: string; documentId: string };
  statusCode: StatusCode;
  description?: string;
  staff?: StaffInfo;
  /** Default: now. */
  at?: Date;
}

/** A status message (01 arrived, 02 rejected, ...). Throws EdxError EDXML_AGENCY_CODE for a bad code. */
export function buildStatus(input: BuildStatusInput): StatusMessage {
  const s: StatusMessage = {
    from: org(input.from),
    responseFor: { ...input.responseFor, organId: parseAgencyCode(input.responseFor.organId) },
    statusCode: input.statusCode,
    timestamp: formatEdxmlTimestamp(input.at ?? new Date()),
  };
  if (input.staff) s.staffInfo = { ...input.staff };
  if (input.description !== undefined) s.description = input.description;
  return s;
}

/** The ResponseFor block of a status answering `pkg`: its sender, "number/notation", date and DocumentId. */
export function responseForPackage(pkg: Package): ResponseFor & { organId: string; documentId: string } {
  const code = pkg.code?.codeNumber && pkg.code?.codeNotation ? `${pkg.code.codeNumber}/${pkg.code.codeNotation}` : (pkg.code?.codeNumber ?? '');
  return {
    organId: pkg.from.organId ?? '',
    code,
    promulgationDate: pkg.promulgationInfo?.promulgationDate ?? '',
    documentId: pkg.documentId ?? '',
  };
}
