import { EDXML_NS } from '../model/namespaces';
import {
  Business,
  Organization,
  Package,
  ResponseFor,
  StaffInfo,
  StatusMessage,
  isStatusMessage,
} from '../model/package.model';

/** XML 1.0 text escaping; CR and TAB as references so they survive a parser's normalisation. */
export function escapeText(v: string): string {
  return v.replace(/[&<>\r]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '\r' ? '&#13;' : '',
  );
}

export function escapeAttr(v: string): string {
  return escapeText(v).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

class Out {
  s = '';
  leaf(name: string, v: string | undefined): void {
    if (v !== undefined) this.s += `<${name}>${escapeText(v)}</${name}>`;
  }
  open(name: string, attrs: Record<string, string | undefined> = {}): void {
    let a = '';
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a += ` ${k}="${escapeAttr(v)}"`;
    this.s += `<${name}${a}>`;
  }
  close(name: string): void {
    this.s += `</${name}>`;
  }
  group(name: string, present: unknown, body: () => void): void {
    if (present === undefined) return;
    this.open(name);
    body();
    this.close(name);
  }
}

function organization(o: Out, name: string, org: Organization): void {
  o.open(name);
  o.leaf('OrganId', org.organId);
  o.leaf('OrganizationInCharge', org.organizationInCharge);
  o.leaf('OrganName', org.organName);
  o.leaf('OrganAdd', org.organAdd);
  o.leaf('Email', org.email);
  o.leaf('Telephone', org.telephone);
  o.leaf('Fax', org.fax);
  o.leaf('Website', org.website);
  o.close(name);
}

function responseFor(o: Out, r: ResponseFor): void {
  o.open('ResponseFor');
  o.leaf('OrganId', r.organId);
  o.leaf('Code', r.code);
  o.leaf('PromulgationDate', r.promulgationDate);
  o.leaf('DocumentId', r.documentId);
  o.close('ResponseFor');
}

function staffInfo(o: Out, s: StaffInfo | undefined): void {
  o.group('StaffInfo', s, () => {
    o.leaf('Department', s?.department);
    o.leaf('Staff', s?.staff);
    o.leaf('Mobile', s?.mobile);
    o.leaf('Email', s?.email);
  });
}

function business(o: Out, b: Business): void {
  o.open('Bussiness', { Id: b.id });
  o.leaf('BussinessDocType', b.docType);
  o.leaf('BussinessDocReason', b.docReason);
  o.leaf('DocumentId', b.documentId);
  o.leaf('Paper', b.paper);
  staffInfo(o, b.staffInfo);
  const d = b.documentInfo;
  o.group('BussinessDocumentInfo', d, () => {
    o.leaf('DocumentInfo', d?.documentInfo);
    o.leaf('DocumentReceiver', d?.documentReceiver);
    o.group('ReceiverList', d?.receivers, () => {
      for (const r of d?.receivers ?? []) {
        o.open('Receiver');
        o.leaf('OrganId', r.organId);
        o.leaf('ReceiverType', r.receiverType);
        o.close('Receiver');
      }
    });
  });
  o.group('ReplacementInfoList', b.replacements, () => {
    for (const r of b.replacements ?? []) {
      o.open('ReplacementInfo');
      o.leaf('DocumentId', r.documentId);
      o.open('OrganIdList');
      for (const id of r.organIds) o.leaf('OrganId', id);
      o.close('OrganIdList');
      o.close('ReplacementInfo');
    }
  });
  o.close('Bussiness');
}

function packageHeader(o: Out, p: Package): void {
  o.open('MessageHeader', { Id: p.messageHeaderId });
  organization(o, 'From', p.from);
  for (const t of p.to) organization(o, 'To', t);
  o.leaf('DocumentId', p.documentId);
  o.group('Code', p.code, () => {
    o.leaf('CodeNumber', p.code?.codeNumber);
    o.leaf('CodeNotation', p.code?.codeNotation);
  });
  o.group('PromulgationInfo', p.promulgationInfo, () => {
    o.leaf('Place', p.promulgationInfo?.place);
    o.leaf('PromulgationDate', p.promulgationInfo?.promulgationDate);
  });
  o.group('DocumentType', p.documentType, () => {
    o.leaf('Type', p.documentType?.type);
    o.leaf('TypeDetail', p.documentType?.typeDetail);
    o.leaf('TypeName', p.documentType?.typeName);
  });
  o.leaf('Subject', p.subject);
  o.leaf('Content', p.content);
  o.group('SignerInfo', p.signerInfo, () => {
    o.leaf('Competence', p.signerInfo?.competence);
    o.leaf('Position', p.signerInfo?.position);
    o.leaf('FullName', p.signerInfo?.fullName);
  });
  o.leaf('DueDate', p.dueDate);
  const oi = p.otherInfo;
  o.group('OtherInfo', oi, () => {
    o.leaf('Priority', oi?.priority);
    o.leaf('SphereOfPromulgation', oi?.sphereOfPromulgation);
    o.leaf('TyperNotation', oi?.typerNotation);
    o.leaf('PromulgationAmount', oi?.promulgationAmount);
    o.leaf('PageAmount', oi?.pageAmount);
    o.leaf('Direction', oi?.direction);
    o.group('Appendixes', oi?.appendixes, () => {
      for (const a of oi?.appendixes ?? []) o.leaf('Appendix', a);
    });
  });
  for (const r of p.responseFor) responseFor(o, r);
  o.leaf('SteeringType', p.steeringType);
  o.group('ToPlaces', p.toPlaces, () => {
    for (const pl of p.toPlaces ?? []) o.leaf('Place', pl);
  });
  o.close('MessageHeader');
}

export interface SerializeOptions {
  /** A Signature element's XML to place at the end of edXMLHeader (it must declare its own namespace). */
  signatureXml?: string;
}

/**
 * The edXMLEnvelope element as a standalone string: unprefixed elements, the QCVN namespace
 * declared on edXMLEnvelope, reference element order, no XML declaration.
 */
export function serializeEnvelope(model: Package | StatusMessage, options: SerializeOptions = {}): string {
  const o = new Out();
  o.open('edXMLEnvelope', { xmlns: EDXML_NS });
  o.open('edXMLHeader');
  if (isStatusMessage(model)) {
    o.open('MessageHeader', { Id: model.messageHeaderId });
    organization(o, 'From', model.from);
    if (model.responseFor) responseFor(o, model.responseFor);
    staffInfo(o, model.staffInfo);
    o.leaf('StatusCode', model.statusCode);
    o.leaf('Description', model.description);
    o.leaf('Timestamp', model.timestamp);
    o.close('MessageHeader');
    if (options.signatureXml) o.s += options.signatureXml;
    o.close('edXMLHeader');
  } else {
    packageHeader(o, model);
    o.open('TraceHeaderList');
    for (const t of model.traces) {
      o.open('TraceHeader');
      o.leaf('OrganId', t.organId);
      o.leaf('Timestamp', t.timestamp);
      o.close('TraceHeader');
    }
    if (model.business) business(o, model.business);
    o.close('TraceHeaderList');
    if (options.signatureXml) o.s += options.signatureXml;
    o.close('edXMLHeader');
    o.open('edXMLBody');
    o.open('edXMLManifest', { version: model.manifestVersion });
    for (const r of model.references) {
      o.open('Reference');
      o.leaf('ContentId', r.contentId);
      o.leaf('ContentType', r.contentType);
      o.leaf('Description', r.description);
      o.leaf('AttachmentName', r.attachmentName);
      o.close('Reference');
    }
    o.close('edXMLManifest');
    o.close('edXMLBody');
  }
  o.close('edXMLEnvelope');
  return o.s;
}
