import type { Organization, Package } from '../model/package.model';
import { readEdxmlDate } from '../model/edxml-date';
import type { ParsedPackage } from '../parse/edxml.parser';
import { contentIdKey, contentIdRoot } from './content-ids';
import { BUSINESS_DOC_TYPES, PRIORITIES, STEERING_TYPES } from './edxml.schema';
import { IssueCollector } from './issue-collector';
import type { ValidationIssue } from './validation-issue';

const MH = '/edXML/edXMLEnvelope/edXMLHeader/MessageHeader';
const TL = '/edXML/edXMLEnvelope/edXMLHeader/TraceHeaderList';
const MF = '/edXML/edXMLEnvelope/edXMLBody/edXMLManifest';

function organization(c: IssueCollector, o: Organization, path: string, what: string): void {
  c.agencyCode(o.organId, `${path}/OrganId`, `${what} OrganId`);
  c.length(o.organName, 'OrganName', `${path}/OrganName`);
  c.length(o.organAdd, 'OrganAdd', `${path}/OrganAdd`);
  c.length(o.email, 'Email', `${path}/Email`);
  c.length(o.telephone, 'Telephone', `${path}/Telephone`);
  c.length(o.fax, 'Fax', `${path}/Fax`);
}

function header(c: IssueCollector, p: Package): void {
  organization(c, p.from, `${MH}/From`, 'The sender (From)');
  if (p.to.length === 0) c.add('EDXML_CARDINALITY', `${MH}/To`, 'The package has no recipient: MessageHeader needs at least one To.');
  p.to.forEach((t, i) => organization(c, t, `${MH}/To[${i + 1}]`, `Recipient ${i + 1} (To)`));
  if (c.required(p.documentId, `${MH}/DocumentId`, 'DocumentId')) {
    const parts = p.documentId.split(',');
    if (parts.length < 3) {
      c.add('EDXML_VALUE', `${MH}/DocumentId`, `DocumentId "${p.documentId}" is not "<sender code>,<yyyy/MM/dd>,<number>/<notation>".`, 'warning');
    }
  }
  if (!p.code) c.add('EDXML_REQUIRED', `${MH}/Code`, 'Code (CodeNumber, CodeNotation) is missing.');
  else {
    c.required(p.code.codeNumber, `${MH}/Code/CodeNumber`, 'Code/CodeNumber');
    c.required(p.code.codeNotation, `${MH}/Code/CodeNotation`, 'Code/CodeNotation');
    c.length(p.code.codeNumber, 'CodeNumber', `${MH}/Code/CodeNumber`);
    c.length(p.code.codeNotation, 'CodeNotation', `${MH}/Code/CodeNotation`);
  }
  const pi = p.promulgationInfo;
  if (c.required(pi?.promulgationDate, `${MH}/PromulgationInfo/PromulgationDate`, 'PromulgationInfo/PromulgationDate')) {
    c.date(pi?.promulgationDate, `${MH}/PromulgationInfo/PromulgationDate`, 'PromulgationDate');
  }
  c.length(pi?.place, 'Place', `${MH}/PromulgationInfo/Place`);
  c.length(p.documentType?.typeName, 'TypeName', `${MH}/DocumentType/TypeName`);
  c.required(p.subject, `${MH}/Subject`, 'Subject');
  c.length(p.subject, 'Subject', `${MH}/Subject`);
  c.length(p.content, 'Content', `${MH}/Content`);
  c.date(p.dueDate, `${MH}/DueDate`, 'DueDate');
  c.oneOf(p.otherInfo?.priority, PRIORITIES, `${MH}/OtherInfo/Priority`, 'OtherInfo/Priority');
  p.responseFor.forEach((r, i) => {
    const path = `${MH}/ResponseFor[${i + 1}]`;
    // An empty ResponseFor is seen in real traffic: tolerated. A filled one must read right.
    if (r.organId) c.agencyCode(r.organId, `${path}/OrganId`, 'ResponseFor OrganId');
    c.date(r.promulgationDate, `${path}/PromulgationDate`, 'ResponseFor PromulgationDate');
  });
  if (p.steeringType !== undefined) {
    if (!/^\d+$/.test(p.steeringType)) {
      c.add('EDXML_VALUE', `${MH}/SteeringType`, `SteeringType "${p.steeringType}" must be a bare integer (0, 1 or 2).`);
    } else c.oneOf(p.steeringType, STEERING_TYPES, `${MH}/SteeringType`, 'SteeringType');
  }
  p.toPlaces?.forEach((pl, i) => c.length(pl, 'ToPlace', `${MH}/ToPlaces/Place[${i + 1}]`));
}

function traces(c: IssueCollector, p: Package): void {
  if (p.traces.length === 0) c.add('EDXML_CARDINALITY', `${TL}/TraceHeader`, 'TraceHeaderList has no TraceHeader: the sender must record one hop.');
  p.traces.forEach((t, i) => {
    const path = `${TL}/TraceHeader[${i + 1}]`;
    // Hops are written by other systems in their own numbering (system ids, centre codes...), or
    // without OrganId: never a reason to refuse, only bounded.
    c.hopOrganId(t.organId, `${path}/OrganId`);
    if (c.required(t.timestamp, `${path}/Timestamp`, 'TraceHeader Timestamp')) c.timestamp(t.timestamp, `${path}/Timestamp`, 'TraceHeader Timestamp');
  });
  const b = p.business;
  if (!b) return;
  const bp = `${TL}/Bussiness`;
  if (c.required(b.docType, `${bp}/BussinessDocType`, 'BussinessDocType')) {
    c.oneOf(b.docType, BUSINESS_DOC_TYPES, `${bp}/BussinessDocType`, 'BussinessDocType');
  }
  if (b.paper !== undefined) c.oneOf(b.paper, ['0', '1'], `${bp}/Paper`, 'Paper');
  b.documentInfo?.receivers?.forEach((r, i) =>
    c.agencyCode(r.organId, `${bp}/BussinessDocumentInfo/ReceiverList/Receiver[${i + 1}]/OrganId`, 'Receiver OrganId'),
  );
  b.replacements?.forEach((r, i) => {
    const rp = `${bp}/ReplacementInfoList/ReplacementInfo[${i + 1}]`;
    c.required(r.documentId, `${rp}/DocumentId`, 'ReplacementInfo DocumentId');
    r.organIds.forEach((id, j) => c.agencyCode(id, `${rp}/OrganIdList/OrganId[${j + 1}]`, 'ReplacementInfo OrganId'));
  });
  if ((b.docType === '1' || b.docType === '2' || b.docType === '3') && !b.documentId && p.responseFor.length === 0 && !b.replacements?.length) {
    c.add('EDXML_REQUIRED', bp, `A BussinessDocType ${b.docType} package must name the document it acts on (Bussiness/DocumentId, ResponseFor or ReplacementInfoList).`, 'warning');
  }
}

/**
 * ContentIds within one list (the attachments, or the manifest References) must be distinct, also
 * once every leading "cid:" is stripped; the later occurrence is reported.
 */
function distinctContentIds(c: IssueCollector, ids: ReadonlyArray<string | undefined>, pathOf: (i: number) => string, what: string): void {
  const exact = new Set<string>();
  const roots = new Map<string, string>();
  ids.forEach((id, i) => {
    if (!id) return;
    const root = contentIdRoot(id);
    if (exact.has(id)) c.add('EDXML_CARDINALITY', pathOf(i), `Two ${what} have ContentId "${id}".`);
    else if (roots.has(root)) {
      c.add('EDXML_CONTENT_ID_AMBIGUOUS', pathOf(i), `ContentId "${id}" differs from "${roots.get(root)}" only by a cid: prefix; two ${what} cannot be told apart by it.`);
    }
    exact.add(id);
    if (!roots.has(root)) roots.set(root, id);
  });
}

function manifest(c: IssueCollector, parsed: ParsedPackage): void {
  const refs = parsed.package.references;
  const attachmentPath = (i: number) => `/edXML/AttachmentEncoded/Attachment[${i + 1}]`;
  distinctContentIds(c, parsed.attachments.map((a) => a.contentId), (i) => `${attachmentPath(i)}/ContentId`, 'attachments');
  distinctContentIds(c, refs.map((r) => r.contentId), (i) => `${MF}/Reference[${i + 1}]/ContentId`, 'manifest References');
  const attachmentKeys = new Set(parsed.attachments.flatMap((a) => (a.contentId ? [contentIdKey(a.contentId)] : [])));
  const referenced = new Set<string>();
  refs.forEach((r, i) => {
    const path = `${MF}/Reference[${i + 1}]`;
    if (!c.required(r.contentId, `${path}/ContentId`, 'Reference ContentId')) return;
    const key = contentIdKey(r.contentId);
    referenced.add(key);
    if (!attachmentKeys.has(key)) c.add('EDXML_REFERENCE_UNRESOLVED', `${path}/ContentId`, `The manifest lists "${r.contentId}" but no attachment has that ContentId.`);
  });
  parsed.attachments.forEach((a, i) => {
    const path = attachmentPath(i);
    if (a.contentId && !referenced.has(contentIdKey(a.contentId))) {
      c.add('EDXML_ATTACHMENT_UNREFERENCED', `${path}/ContentId`, `Attachment "${a.contentId}" (${a.name}) is not listed in the manifest.`);
    }
    // Reported by the parser already; a claim check's bytes are looked at where they are read (its format is not known here).
    if (a.encodingError || a.claim) return;
    const type = a.contentType.toLowerCase();
    if ((type === 'application/zip' || type === 'application/x-zip-compressed') && a.format !== 'zip') {
      c.add('EDXML_ATTACHMENT_TYPE', `${path}/ContentTransferEncoded`, `Attachment "${a.name}" is labelled ${a.contentType} but its bytes are not a zip archive.`);
    } else if (type === 'application/pdf' && a.format !== 'pdf') {
      c.add('EDXML_ATTACHMENT_TYPE', `${path}/ContentTransferEncoded`, `Attachment "${a.name}" is labelled application/pdf but its bytes are not a PDF.`);
    }
  });
}

/** Every problem of a package (errors and warnings), in document order; never throws. */
export function validatePackage(parsed: ParsedPackage): ValidationIssue[] {
  const c = new IssueCollector();
  c.issues.push(...parsed.parseIssues);
  header(c, parsed.package);
  traces(c, parsed.package);
  manifest(c, parsed);
  if (parsed.package.dueDate && parsed.package.promulgationInfo?.promulgationDate) {
    const due = readEdxmlDate(parsed.package.dueDate);
    const prom = readEdxmlDate(parsed.package.promulgationInfo.promulgationDate);
    if (due && prom && due.date < prom.date) {
      c.add('EDXML_DATE', `${MH}/DueDate`, `DueDate ${parsed.package.dueDate} is before the promulgation date.`, 'warning');
    }
  }
  return c.issues;
}
