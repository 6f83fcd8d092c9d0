/**
 * The edXML model (QCVN 102:2016). Values are kept as the text the document carries (trimmed), so a
 * date in a tolerated but non-standard form survives a round trip and validation can report it.
 * Every part the standard marks optional is optional here.
 */
import type { StatusCode } from './status-codes';

/** An agency in From / To (MessageHeader). */
export interface Organization {
  organId?: string;
  organizationInCharge?: string;
  organName?: string;
  organAdd?: string;
  email?: string;
  telephone?: string;
  fax?: string;
  website?: string;
}

export interface DocumentCode {
  codeNumber?: string;
  codeNotation?: string;
}

export interface PromulgationInfo {
  place?: string;
  /** yyyy/MM/dd (dd/MM/yyyy tolerated on input). */
  promulgationDate?: string;
}

export interface DocumentType {
  type?: string;
  typeDetail?: string;
  typeName?: string;
}

export interface SignerInfo {
  competence?: string;
  position?: string;
  fullName?: string;
}

export interface OtherInfo {
  priority?: string;
  sphereOfPromulgation?: string;
  typerNotation?: string;
  promulgationAmount?: string;
  pageAmount?: string;
  direction?: string;
  appendixes?: string[];
}

/** The document a package or status answers. In a status, `code` is "number/notation". */
export interface ResponseFor {
  organId?: string;
  code?: string;
  promulgationDate?: string;
  documentId?: string;
}

/** One system the package passed through. Real hops may lack OrganId. */
export interface TraceHop {
  organId?: string;
  /** yyyy/MM/dd HH:mm:ss */
  timestamp?: string;
}

export interface StaffInfo {
  department?: string;
  staff?: string;
  mobile?: string;
  email?: string;
}

export interface Receiver {
  organId?: string;
  receiverType?: string;
}

export interface BusinessDocumentInfo {
  documentInfo?: string;
  documentReceiver?: string;
  receivers?: Receiver[];
}

export interface ReplacementInfo {
  documentId?: string;
  organIds: string[];
}

/** The `Bussiness` block (spelled so in the standard). */
export interface Business {
  /** The `Id` attribute, the target of an XML-DSig Reference. */
  id?: string;
  /** 0 new, 1 revoke, 2 update, 3 replace. */
  docType?: string;
  docReason?: string;
  documentId?: string;
  paper?: string;
  staffInfo?: StaffInfo;
  documentInfo?: BusinessDocumentInfo;
  replacements?: ReplacementInfo[];
}

/** One edXMLManifest/Reference. `contentId` is kept as written (usually "cid:..."). */
export interface ManifestReference {
  contentId?: string;
  contentType?: string;
  description?: string;
  attachmentName?: string;
}

export interface Package {
  /** The MessageHeader `Id` attribute, the target of an XML-DSig Reference. */
  messageHeaderId?: string;
  from: Organization;
  to: Organization[];
  documentId?: string;
  code?: DocumentCode;
  promulgationInfo?: PromulgationInfo;
  documentType?: DocumentType;
  subject?: string;
  content?: string;
  signerInfo?: SignerInfo;
  dueDate?: string;
  otherInfo?: OtherInfo;
  responseFor: ResponseFor[];
  /** A bare integer: 0 none, 1 steering, 2 steering report. */
  steeringType?: string;
  toPlaces?: string[];
  traces: TraceHop[];
  business?: Business;
  /** edXMLManifest@version. */
  manifestVersion?: string;
  references: ManifestReference[];
}

export interface StatusMessage {
  messageHeaderId?: string;
  from: Organization;
  responseFor?: ResponseFor;
  staffInfo?: StaffInfo;
  statusCode?: StatusCode;
  description?: string;
  /** yyyy/MM/dd HH:mm:ss */
  timestamp?: string;
}

export function isStatusMessage(model: Package | StatusMessage): model is StatusMessage {
  return !('traces' in model) && !('references' in model);
}
