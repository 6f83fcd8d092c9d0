import { DOMParser } from '@xmldom/xmldom';
import { ExclusiveCanonicalization } from 'xml-crypto';
import { EdxError } from '@edx/common';

/** The DOM side of the envelope signature: reading the envelope, finding its parts, canonical bytes. */
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';

/** Parses the standalone envelope; throws EdxError SIGNATURE_MALFORMED when it is not well-formed. */
export function parseEnvelope(xml: string): Document {
  const errors: string[] = [];
  const record = (message: string) => void errors.push(message);
  const doc = new DOMParser({ errorHandler: { warning: () => undefined, error: record, fatalError: record } }).parseFromString(xml, 'text/xml');
  if (errors.length > 0 || !doc.documentElement) throw new EdxError('SIGNATURE_MALFORMED', `The envelope cannot be read: ${errors[0] ?? 'empty'}.`);
  return doc;
}

/** The child elements `localName` of `parent` in namespace `ns` (any namespace when null). */
export function children(parent: Element, ns: string | null, localName: string): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).localName === localName && (ns === null || (n as Element).namespaceURI === ns)) out.push(n as Element);
  }
  return out;
}

/** Every child element of `parent`, in document order. */
export function elementChildren(parent: Element): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

/** edXMLHeader; throws EdxError SIGNATURE_MALFORMED when the envelope has none. */
export function headerOf(doc: Document): Element {
  const header = children(doc.documentElement!, EDXML_NS, 'edXMLHeader')[0];
  if (!header) throw new EdxError('SIGNATURE_MALFORMED', 'The envelope has no edXMLHeader.');
  return header;
}

/** The elements the envelope signature must cover: MessageHeader and (when present) Bussiness. Throws SIGNATURE_MALFORMED without MessageHeader. */
export function signedParts(header: Element): { messageHeader: Element; business?: Element } {
  const messageHeader = children(header, EDXML_NS, 'MessageHeader')[0];
  if (!messageHeader) throw new EdxError('SIGNATURE_MALFORMED', 'The envelope has no MessageHeader.');
  const traces = children(header, EDXML_NS, 'TraceHeaderList')[0];
  const business = (traces && children(traces, EDXML_NS, 'Bussiness')[0]) ?? children(header, EDXML_NS, 'Bussiness')[0];
  return { messageHeader, business };
}

/** Every element of the document by its Id (or ID, id) attribute: the targets `#Id` References may name. */
export function elementsById(doc: Document): Map<string, Element[]> {
  const byId = new Map<string, Element[]>();
  const all = doc.getElementsByTagName('*');
  for (let i = 0; i < all.length; i++) {
    const e = all[i];
    for (const name of ['Id', 'ID', 'id']) {
      const id = e.getAttribute(name);
      if (!id) continue;
      const list = byId.get(id);
      if (!list) byId.set(id, [e]);
      else if (!list.includes(e)) list.push(e);
    }
  }
  return byId;
}

/** The first processing instruction in `doc`, in document order, or undefined. */
export function firstProcessingInstruction(doc: Document): ProcessingInstruction | undefined {
  const todo: Node[] = [doc];
  while (todo.length > 0) {
    const node = todo.pop()!;
    if (node.nodeType === 7) return node as ProcessingInstruction;
    for (let c = node.lastChild; c; c = c.previousSibling) todo.push(c);
  }
  return undefined;
}

export const canonical = (node: Node): string => new ExclusiveCanonicalization().process(node as never, {}) as string;

const ATTR_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '"': '&quot;', '<': '&lt;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };

/** An attribute value escaped as exclusive c14n writes it, so hand-written XML is already canonical. */
export const c14nAttr = (value: string): string => value.replace(/[&"<\t\n\r]/g, (c) => ATTR_ESCAPES[c]);
