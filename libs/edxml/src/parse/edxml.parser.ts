import { createHash } from 'node:crypto';
import { TracePoint, findTracePoint } from './trace-point';
import { EdxError } from '@edx/common';
import { EDX_NS, EDXML_NS, XMLDSIG_NS } from '../model/namespaces';
import type {
  Business,
  ManifestReference,
  Organization,
  Package,
  ResponseFor,
  StaffInfo,
  StatusMessage,
  TraceHop,
} from '../model/package.model';
import type { ValidationIssue } from '../validate/validation-issue';
import { decodeBase64Region } from './base64.decoder';
import { DEFAULT_PARSE_LIMITS, ParseLimits, ScannedXml, XmlElement, inheritedDeclarations, scanXml } from './xml-scanner';

export interface Attachment {
  /** Exactly as written (usually "cid:..."), like the manifest's: the envelope signature binds this text. */
  contentId: string;
  name: string;
  description?: string;
  contentType: string;
  bytes: Buffer;
  /** Hex SHA-256 of the decoded bytes ('' when the payload could not be decoded). */
  sha256: string;
  /** By magic bytes: `%PDF` or `PK\x03\x04`. */
  format: 'pdf' | 'zip' | 'other';
  /** Why the payload could not be decoded (then `bytes` is empty); validation reports it. */
  encodingError?: string;
  /**
   * A claim check (read only with `claims: true`): the bytes are in the blob store under `sha256`
   * and `bytes` is empty. The envelope signature binds that digest like any other; `format` is
   * unknown ('other') until the bytes are looked at.
   */
  claim?: { size: number };
}

export interface SignatureBlock {
  /** The namespace the Signature element is in: XML-DSig, the QCVN one (the SDK placeholder), none. */
  namespace: 'xmldsig' | 'qcvn' | 'none';
  /** The exact source text of the Signature element. */
  xml: string;
}

interface ParsedCommon {
  /**
   * The exact source text of edXMLEnvelope (decoded UTF-8), plus the namespace declarations in scope
   * from the root that its start tag lacks, so it can be parsed alone (XML-DSig verification).
   */
  envelopeXml: string;
  /**
   * The same envelope as a DOM, built from the reader's own parse (not enumerable: a view of the
   * bytes, not content). The envelope signature is checked on it, so what is verified is what is read.
   */
  readonly envelopeDocument?: Document;
  signature?: SignatureBlock;
  /** Problems found while reading (duplicates, undecodable payloads); `validate*` returns them too. */
  parseIssues: ValidationIssue[];
}

export interface ParsedPackage extends ParsedCommon {
  kind: 'package';
  package: Package;
  attachments: Attachment[];
  /** Where a relay's TraceHeader goes (appendTraceHop uses it instead of parsing again). */
  tracePoint?: TracePoint;
}

export interface ParsedStatus extends ParsedCommon {
  kind: 'status';
  status: StatusMessage;
}

export type ParsedEdxml = ParsedPackage | ParsedStatus;

const ROOT = '/edXML';
const ENV = `${ROOT}/edXMLEnvelope`;
const HDR = `${ENV}/edXMLHeader`;
const MH = `${HDR}/MessageHeader`;

/** Elements of the edXML namespace among an element's children. */
function kids(el: XmlElement | undefined, local: string): XmlElement[] {
  if (!el) return [];
  const out: XmlElement[] = [];
  for (const c of el.children) if (c.local === local && c.uri === EDXML_NS) out.push(c);
  return out;
}

class Reader {
  readonly issues: ValidationIssue[] = [];

  /** The single child `local`; a second one is a cardinality error (the first is used). */
  one(el: XmlElement | undefined, local: string, path: string): XmlElement | undefined {
    const all = kids(el, local);
    if (all.length > 1) {
      this.issues.push({
        code: 'EDXML_CARDINALITY',
        path: `${path}/${local}`,
        message: `${local} occurs ${all.length} times in ${path.split('/').pop()}; it may occur at most once.`,
        severity: 'error',
      });
    }
    return all[0];
  }

  val(el: XmlElement | undefined, local: string, path: string): string | undefined {
    const c = this.one(el, local, path);
    return c ? c.text.trim() : undefined;
  }

  vals(el: XmlElement | undefined, local: string): string[] {
    return kids(el, local).map((c) => c.text.trim());
  }

  /** Assigns only the fields that are present, so absent parts stay absent (round trips). */
  fields<T extends object>(el: XmlElement, path: string, map: Record<string, keyof T>): T {
    const out: Partial<T> = {};
    for (const [local, key] of Object.entries(map)) {
      const v = this.val(el, local, path);
      if (v !== undefined) (out as Record<keyof T, unknown>)[key] = v;
    }
    return out as T;
  }

  organization(el: XmlElement, path: string): Organization {
    return this.fields<Organization>(el, path, {
      OrganId: 'organId',
      OrganizationInCharge: 'organizationInCharge',
      OrganName: 'organName',
      OrganAdd: 'organAdd',
      Email: 'email',
      Telephone: 'telephone',
      Fax: 'fax',
      Website: 'website',
    });
  }

  responseFor(el: XmlElement, path: string): ResponseFor {
    return this.fields<ResponseFor>(el, path, {
      OrganId: 'organId',
      Code: 'code',
      PromulgationDate: 'promulgationDate',
      DocumentId: 'documentId',
    });
  }

  staffInfo(el: XmlElement, path: string): StaffInfo {
    return this.fields<StaffInfo>(el, path, { Department: 'department', Staff: 'staff', Mobile: 'mobile', Email: 'email' });
  }

  optional<T>(el: XmlElement | undefined, local: string, path: string, read: (c: XmlElement, p: string) => T): T | undefined {
    const c = this.one(el, local, path);
    return c ? read(c, `${path}/${local}`) : undefined;
  }

  required(what: string, path: string): void {
    this.issues.push({ code: 'EDXML_REQUIRED', path, message: `${what} is missing.`, severity: 'error' });
  }
}

const attr = (el: XmlElement | undefined, ...names: string[]): string | undefined => {
  if (!el) return undefined;
  for (const n of names) {
    const a = el.attributes.find((x) => x.local === n && x.uri === '');
    if (a) return a.value;
  }
  return undefined;
};

function readPackage(r: Reader, header: XmlElement | undefined, mh: XmlElement | undefined, body: XmlElement | undefined): Package {
  const from = r.optional(mh, 'From', MH, (c, p) => r.organization(c, p));
  if (mh && !from) r.required('MessageHeader/From', `${MH}/From`);
  const to = kids(mh, 'To').map((c, i) => r.organization(c, `${MH}/To[${i + 1}]`));
  const traceList = r.one(header, 'TraceHeaderList', HDR);
  const TL = `${HDR}/TraceHeaderList`;
  const traces: TraceHop[] = kids(traceList, 'TraceHeader').map((c, i) =>
    r.fields<TraceHop>(c, `${TL}/TraceHeader[${i + 1}]`, { OrganId: 'organId', Timestamp: 'timestamp' }),
  );
  const manifest = r.one(body, 'edXMLManifest', `${ENV}/edXMLBody`);
  const MF = `${ENV}/edXMLBody/edXMLManifest`;
  const references: ManifestReference[] = kids(manifest, 'Reference').map((c, i) =>
    r.fields<ManifestReference>(c, `${MF}/Reference[${i + 1}]`, {
      ContentId: 'contentId',
      ContentType: 'contentType',
      Description: 'description',
      AttachmentName: 'attachmentName',
    }),
  );
  const pkg: Package = { from: from ?? {}, to, responseFor: [], traces, references };
  const set = <K extends keyof Package>(k: K, v: Package[K] | undefined): void => {
    if (v !== undefined) pkg[k] = v;
  };
  set('messageHeaderId', attr(mh, 'Id', 'id', 'ID'));
  set('documentId', r.val(mh, 'DocumentId', MH));
  set('code', r.optional(mh, 'Code', MH, (c, p) => r.fields(c, p, { CodeNumber: 'codeNumber', CodeNotation: 'codeNotation' })));
  set(
    'promulgationInfo',
    r.optional(mh, 'PromulgationInfo', MH, (c, p) => r.fields(c, p, { Place: 'place', PromulgationDate: 'promulgationDate' })),
  );
  set(
    'documentType',
    r.optional(mh, 'DocumentType', MH, (c, p) => r.fields(c, p, { Type: 'type', TypeDetail: 'typeDetail', TypeName: 'typeName' })),
  );
  set('subject', r.val(mh, 'Subject', MH));
  set('content', r.val(mh, 'Content', MH));
  set(
    'signerInfo',
    r.optional(mh, 'SignerInfo', MH, (c, p) => r.fields(c, p, { Competence: 'competence', Position: 'position', FullName: 'fullName' })),
  );
  set('dueDate', r.val(mh, 'DueDate', MH));
  set(
    'otherInfo',
    r.optional(mh, 'OtherInfo', MH, (c, p) => {
      const o = r.fields<NonNullable<Package['otherInfo']>>(c, p, {
        Priority: 'priority',
        SphereOfPromulgation: 'sphereOfPromulgation',
        TyperNotation: 'typerNotation',
        PromulgationAmount: 'promulgationAmount',
        PageAmount: 'pageAmount',
        Direction: 'direction',
      });
      const apx = r.one(c, 'Appendixes', p);
      if (apx) o.appendixes = r.vals(apx, 'Appendix');
      return o;
    }),
  );
  pkg.responseFor = kids(mh, 'ResponseFor').map((c, i) => r.responseFor(c, `${MH}/ResponseFor[${i + 1}]`));
  set('steeringType', r.val(mh, 'SteeringType', MH));
  set('toPlaces', r.optional(mh, 'ToPlaces', MH, (c) => r.vals(c, 'Place')));
  // Bussiness normally sits in TraceHeaderList; tolerate it directly in edXMLHeader too.
  const busEl = r.one(traceList, 'Bussiness', TL) ?? r.one(header, 'Bussiness', HDR);
  if (busEl) pkg.business = readBusiness(r, busEl, `${TL}/Bussiness`);
  set('manifestVersion', attr(manifest, 'version'));
  return pkg;
}

function readBusiness(r: Reader, el: XmlElement, path: string): Business {
  const b = r.fields<Business>(el, path, {
    BussinessDocType: 'docType',
    BussinessDocReason: 'docReason',
    DocumentId: 'documentId',
    Paper: 'paper',
  });
  const id = attr(el, 'Id', 'id', 'ID');
  if (id !== undefined) b.id = id;
  const staff = r.optional(el, 'StaffInfo', path, (c, p) => r.staffInfo(c, p));
  if (staff) b.staffInfo = staff;
  const info = r.optional(el, 'BussinessDocumentInfo', path, (c, p) => {
    const d = r.fields<NonNullable<Business['documentInfo']>>(c, p, {
      DocumentInfo: 'documentInfo',
      DocumentReceiver: 'documentReceiver',
    });
    const list = r.one(c, 'ReceiverList', p);
    if (list) {
      d.receivers = kids(list, 'Receiver').map((x, i) =>
        r.fields(x, `${p}/ReceiverList/Receiver[${i + 1}]`, { OrganId: 'organId', ReceiverType: 'receiverType' }),
      );
    }
    return d;
  });
  if (info) b.documentInfo = info;
  const repl = r.one(el, 'ReplacementInfoList', path);
  if (repl) {
    b.replacements = kids(repl, 'ReplacementInfo').map((x, i) => {
      const p = `${path}/ReplacementInfoList/ReplacementInfo[${i + 1}]`;
      const ri: NonNullable<Business['replacements']>[number] = { organIds: r.vals(r.one(x, 'OrganIdList', p), 'OrganId') };
      const docId = r.val(x, 'DocumentId', p);
      if (docId !== undefined) ri.documentId = docId;
      return ri;
    });
  }
  return b;
}

function readStatus(r: Reader, mh: XmlElement): StatusMessage {
  const from = r.optional(mh, 'From', MH, (c, p) => r.organization(c, p));
  if (!from) r.required('MessageHeader/From', `${MH}/From`);
  const s: StatusMessage = { from: from ?? {} };
  const id = attr(mh, 'Id', 'id', 'ID');
  if (id !== undefined) s.messageHeaderId = id;
  const rf = r.optional(mh, 'ResponseFor', MH, (c, p) => r.responseFor(c, p));
  if (rf) s.responseFor = rf;
  const staff = r.optional(mh, 'StaffInfo', MH, (c, p) => r.staffInfo(c, p));
  if (staff) s.staffInfo = staff;
  const code = r.val(mh, 'StatusCode', MH);
  if (code !== undefined) s.statusCode = code;
  const d = r.val(mh, 'Description', MH);
  if (d !== undefined) s.description = d;
  const t = r.val(mh, 'Timestamp', MH);
  if (t !== undefined) s.timestamp = t;
  return s;
}

function magic(b: Buffer): Attachment['format'] {
  if (b.length >= 4 && b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46) return 'pdf';
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04) return 'zip';
  return 'other';
}

/** The edx:sha256 and edx:size attributes of a payload element, when it has either. */
function claimOf(payloadEl: XmlElement): { sha256: string; size: string } | undefined {
  const attr = (local: string) => payloadEl.attributes.find((x) => x.uri === EDX_NS && x.local === local)?.value;
  const sha256 = attr('sha256');
  const size = attr('size');
  return sha256 === undefined && size === undefined ? undefined : { sha256: sha256 ?? '', size: size ?? '' };
}

function readAttachments(r: Reader, root: XmlElement, bytes: Buffer, limits: ParseLimits, decode: boolean, claims: boolean): Attachment[] {
  const holder = r.one(root, 'AttachmentEncoded', ROOT);
  const els = kids(holder, 'Attachment');
  if (els.length > limits.maxAttachments) {
    throw new EdxError(
      'EDXML_CARDINALITY',
      `The package has ${els.length} attachments, above the limit of ${limits.maxAttachments}.`,
      { count: els.length, limit: limits.maxAttachments },
    );
  }
  return els.map((el, i) => {
    const p = `${ROOT}/AttachmentEncoded/Attachment[${i + 1}]`;
    const contentId = r.val(el, 'ContentId', p);
    if (!contentId) r.required(`Attachment ContentId`, `${p}/ContentId`);
    const a: Attachment = {
      contentId: contentId ?? '',
      name: r.val(el, 'AttachmentName', p) ?? '',
      contentType: r.val(el, 'ContentType', p) ?? '',
      bytes: Buffer.alloc(0),
      sha256: '',
      format: 'other',
    };
    const desc = r.val(el, 'Description', p);
    if (desc !== undefined) a.description = desc;
    const payloadEl = r.one(el, 'ContentTransferEncoded', p);
    if (!payloadEl) {
      a.encodingError = 'the attachment has no ContentTransferEncoded payload';
      r.required('Attachment ContentTransferEncoded', `${p}/ContentTransferEncoded`);
      return a;
    }
    const claim = claimOf(payloadEl);
    if (claim) {
      const problem = !claims
        ? 'it names its bytes by SHA-256 (edx:sha256) instead of carrying them, which only the exchange itself may do'
        : !/^[0-9a-f]{64}$/.test(claim.sha256) || !/^(0|[1-9][0-9]{0,15})$/.test(claim.size)
          ? 'its claim check is not a lower-case hex SHA-256 and a size in bytes'
          : payloadEl.text.trim() !== '' || (payloadEl.payload !== undefined && payloadEl.payload.end > payloadEl.payload.start)
            ? 'it carries bytes beside its claim check'
            : undefined;
      if (problem) {
        a.encodingError = problem;
        r.issues.push({ code: 'EDXML_ATTACHMENT_ENCODING', path: `${p}/ContentTransferEncoded`, message: `Attachment "${a.name || a.contentId}": ${problem}.`, severity: 'error' });
      } else {
        a.sha256 = claim.sha256;
        a.claim = { size: Number(claim.size) };
      }
      return a;
    }
    if (!decode) return a;
    const res = payloadEl.payload
      ? decodeBase64Region(bytes, payloadEl.payload.start, payloadEl.payload.end)
      : (() => {
          const b = Buffer.from(payloadEl.text, 'utf8');
          return decodeBase64Region(b, 0, b.length);
        })();
    if (res.ok) {
      a.bytes = res.bytes;
      a.sha256 = createHash('sha256').update(res.bytes).digest('hex');
      a.format = magic(res.bytes);
    } else {
      a.encodingError = res.reason;
      r.issues.push({
        code: 'EDXML_ATTACHMENT_ENCODING',
        path: `${p}/ContentTransferEncoded`,
        message: `Attachment "${a.name || a.contentId}" cannot be decoded: ${res.reason}.`,
        severity: 'error',
      });
    }
    return a;
  });
}

const escAttr = (v: string): string => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** The envelope's source text, with the root's in-scope namespace declarations it lacks added. */
function envelopeText(scan: ScannedXml, env: XmlElement): string {
  const src = scan.text.slice(env.start, env.end);
  let add = '';
  for (const [p, u] of Object.entries(inheritedDeclarations(env))) add += p === '' ? ` xmlns="${escAttr(u)}"` : ` xmlns:${p}="${escAttr(u)}"`;
  if (!add) return src;
  const at = 1 + env.qname.length; // right after "<qname"
  return src.slice(0, at) + add + src.slice(at);
}

function findSignature(header: XmlElement | undefined, scan: ScannedXml): SignatureBlock | undefined {
  const el = header?.children.find(
    (c) => c.local === 'Signature' && (c.uri === XMLDSIG_NS || c.uri === EDXML_NS || c.uri === ''),
  );
  if (!el) return undefined;
  const namespace = el.uri === XMLDSIG_NS ? 'xmldsig' : el.uri === EDXML_NS ? 'qcvn' : 'none';
  return { namespace, xml: scan.text.slice(el.start, el.end) };
}

export interface ReadOptions {
  /** Decode attachment payloads (default true); trace splicing skips it. */
  decodeAttachments?: boolean;
  /** Build `envelopeDocument` for the signature check (default true); trace splicing skips it. */
  envelopeDocument?: boolean;
  /** Take claim-checked attachments (default false: one is an EDXML_ATTACHMENT_ENCODING issue). Only where packages come from the exchange's own hops. */
  claims?: boolean;
}

/** Internal: the scanned tree and the model. */
export function readEdxml(
  bytes: Buffer,
  limits?: Partial<ParseLimits>,
  options: ReadOptions = {},
): { parsed: ParsedEdxml; scan: ScannedXml; envelope: XmlElement } {
  const lim: ParseLimits = { ...DEFAULT_PARSE_LIMITS, ...(limits ?? {}) };
  const scan = scanXml(bytes, lim, { envelopeDocument: options.envelopeDocument !== false });
  const root = scan.root;
  if (root.local !== 'edXML' || root.uri !== EDXML_NS) {
    throw new EdxError(
      'EDXML_NOT_EDXML',
      `The root element is {${root.uri}}${root.local}; an edXML document has root edXML in the namespace ${EDXML_NS}.`,
      { root: root.local, namespace: root.uri },
    );
  }
  const r = new Reader();
  const env = r.one(root, 'edXMLEnvelope', ROOT);
  if (!env) {
    throw new EdxError('EDXML_NOT_EDXML', `The edXML root has no edXMLEnvelope in the namespace ${EDXML_NS}.`);
  }
  const header = r.one(env, 'edXMLHeader', ENV);
  if (!header) r.required('edXMLHeader', HDR);
  const mh = r.one(header, 'MessageHeader', HDR);
  if (header && !mh) r.required('MessageHeader', MH);
  const envelopeXml = envelopeText(scan, env);
  const signature = findSignature(header, scan);
  const isStatus = mh !== undefined && kids(mh, 'StatusCode').length > 0;
  let parsed: ParsedEdxml;
  if (isStatus && mh) {
    const status = readStatus(r, mh);
    parsed = { kind: 'status', status, envelopeXml, parseIssues: r.issues };
  } else {
    const body = r.one(env, 'edXMLBody', ENV);
    const pkg = readPackage(r, header, mh, body);
    const attachments = readAttachments(r, root, bytes, lim, options.decodeAttachments !== false, options.claims === true);
    parsed = { kind: 'package', package: pkg, envelopeXml, attachments, parseIssues: r.issues };
    // Not enumerable: a position in these bytes, not part of the package's content.
    Object.defineProperty(parsed, 'tracePoint', { value: findTracePoint(scan, env), enumerable: false });
  }
  if (signature) parsed.signature = signature;
  // Only the DOM of the very envelope read above: a decoy envelope elsewhere is never what is verified.
  if (scan.envelope?.element === env) Object.defineProperty(parsed, 'envelopeDocument', { value: scan.envelope.document, enumerable: false });
  return { parsed, scan, envelope: env };
}

/**
 * Reads an edXML package or status message. Returns when the document is well-formed, safe and
 * has an edXML root; content problems (missing fields, undecodable payloads) are left to
 * `validatePackage` / `validateStatus`. Throws EdxError (EDXML_TOO_LARGE, EDXML_ENCODING,
 * EDXML_DTD_FORBIDDEN, EDXML_TOO_DEEP, EDXML_TOO_MANY_ELEMENTS, EDXML_MALFORMED, EDXML_NOT_EDXML,
 * EDXML_CARDINALITY for too many attachments) and nothing else. `claims`: see ReadOptions.
 */
export function parseEdxml(bytes: Buffer, limits?: Partial<ParseLimits>, options: Pick<ReadOptions, 'claims'> = {}): ParsedEdxml {
  try {
    return readEdxml(bytes, limits, options).parsed;
  } catch (e) {
    if (e instanceof EdxError) throw e;
    // saxes or the decoder failing in a way we did not foresee is still bad input, not a crash.
    throw new EdxError('EDXML_MALFORMED', `The document cannot be read: ${e instanceof Error ? e.message : String(e)}`, undefined, {
      cause: e,
    });
  }
}
