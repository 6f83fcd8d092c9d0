import { EdxError } from '@edx/common';
import { SaxesParser, SaxesTagNS } from 'saxes';
import { EDXML_NS } from '../model/namespaces';
import { EnvelopeDocumentBuilder } from './envelope-document';

export interface ParseLimits {
  /** Total document size in bytes (default 160 MiB). */
  maxBytes: number;
  /** Element nesting depth (default 64). */
  maxDepth: number;
  /** Number of elements (default 20000). */
  maxElements: number;
  /** Number of attachments (default 100). */
  maxAttachments: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxBytes: 160 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 20000,
  maxAttachments: 100,
});

export interface XmlAttribute {
  name: string;
  uri: string;
  local: string;
  value: string;
}

/** A light element tree: just what the edXML reader needs, with source positions. */
export interface XmlElement {
  uri: string;
  local: string;
  qname: string;
  prefix: string;
  attributes: XmlAttribute[];
  /** Namespace declarations made on this tag: prefix ('' = default) -> uri. */
  nsDecls: Record<string, string>;
  children: XmlElement[];
  parent?: XmlElement;
  /** Character data directly inside this element (text and CDATA), only kept for leaves' sake. */
  text: string;
  /** Offsets in `ScannedXml.text` of the '<' of the start tag and just past the end tag. */
  start: number;
  end: number;
  /** The base64 payload left in the source buffer (byte offsets), see `scanXml`. */
  payload?: { start: number; end: number };
}

export interface ScannedXml {
  root: XmlElement;
  /** The root's first edXMLEnvelope child as a DOM, built from the same events (see EnvelopeDocumentBuilder), when asked for. */
  envelope?: { readonly element: XmlElement; readonly document: Document };
  /** The decoded document minus the payload regions: `start`/`end` offsets point into it. */
  text: string;
  /** Maps a text offset to a byte offset in the source. */
  byteOffset(textOffset: number): number;
}

const PAYLOAD_LOCAL = 'ContentTransferEncoded';
const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;

const malformed = (msg: string): EdxError =>
  new EdxError('EDXML_MALFORMED', `The document is not well-formed XML: ${msg}`, { reason: msg });

/**
 * Reads the XML with saxes, but leaves big base64 payloads in the source buffer: before each
 * `ContentTransferEncoded` start tag the input is fed up to the tag's '>' and, if saxes has really
 * just opened that element (not a lookalike in a comment or attribute) outside the envelope and its
 * text holds no reference, the text up to the next '<' is skipped and recorded as a byte range.
 * So a 100 MiB attachment costs one scan of its bytes, never a JS string.
 *
 * Throws EdxError: EDXML_TOO_LARGE, EDXML_ENCODING, EDXML_DTD_FORBIDDEN, EDXML_TOO_DEEP,
 * EDXML_TOO_MANY_ELEMENTS, EDXML_MALFORMED.
 */
export function scanXml(bytes: Buffer, limits: ParseLimits, options: { envelopeDocument?: boolean } = {}): ScannedXml {
  if (!Buffer.isBuffer(bytes)) throw malformed('input is not a Buffer');
  if (bytes.length > limits.maxBytes) {
    throw new EdxError(
      'EDXML_TOO_LARGE',
      `The document is ${bytes.length} bytes, above the ${limits.maxBytes}-byte limit.`,
      { size: bytes.length, limit: limits.maxBytes },
    );
  }
  checkEncodingSignature(bytes);

  const parser = new SaxesParser({ xmlns: true, position: true });
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const parts: string[] = [];
  // segments: text offset where a fed segment starts -> its byte offset in the source
  const segText: number[] = [];
  const segByte: number[] = [];
  let textLen = 0;

  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let lastOpened: XmlElement | undefined;
  let envelopeDepth = -1;
  // The envelope's DOM: only the root's own first edXMLEnvelope child, the one the edXML reader reads.
  let envelope: { element: XmlElement; builder: EnvelopeDocumentBuilder } | undefined;
  let inEnvelope = false;

  parser.on('error', (e) => {
    throw malformed(e.message);
  });
  parser.on('doctype', () => {
    throw new EdxError('EDXML_DTD_FORBIDDEN', 'The document declares a DOCTYPE; edXML never needs one and edx refuses it.');
  });
  parser.on('xmldecl', (d) => {
    if (d.encoding !== undefined && !/^utf-?8$/i.test(d.encoding)) {
      throw new EdxError('EDXML_ENCODING', `The document declares encoding "${d.encoding}"; edXML must be UTF-8.`, {
        encoding: d.encoding,
      });
    }
  });
  parser.on('opentagstart', () => {
    count++;
    if (count > limits.maxElements) {
      throw new EdxError('EDXML_TOO_MANY_ELEMENTS', `The document has more than ${limits.maxElements} elements.`, {
        limit: limits.maxElements,
      });
    }
    if (stack.length + 1 > limits.maxDepth) {
      throw new EdxError('EDXML_TOO_DEEP', `The document nests elements deeper than ${limits.maxDepth} levels.`, {
        limit: limits.maxDepth,
      });
    }
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const attributes: XmlAttribute[] = [];
    const nsDecls: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns') nsDecls[a.local] = a.value;
      else if (a.name === 'xmlns') nsDecls[''] = a.value;
      else attributes.push({ name: a.name, uri: a.uri, local: a.local, value: a.value });
    }
    const parent = stack[stack.length - 1];
    const pos = parser.position;
    const el: XmlElement = {
      uri: tag.uri,
      local: tag.local,
      qname: tag.name,
      prefix: tag.prefix,
      attributes,
      nsDecls,
      children: [],
      parent,
      text: '',
      start: pos, // fixed up to the '<' once the text is joined
      end: pos,
    };
    if (parent) parent.children.push(el);
    else root = el;
    if (inEnvelope) envelope!.builder.openElement(tag);
    else if (options.envelopeDocument && !envelope && stack.length === 1 && tag.local === 'edXMLEnvelope' && tag.uri === EDXML_NS) {
      envelope = { element: el, builder: new EnvelopeDocumentBuilder() };
      envelope.builder.openElement(tag, inheritedDeclarations(el));
      inEnvelope = true;
    }
    if (envelopeDepth < 0 && tag.local === 'edXMLEnvelope' && tag.uri === EDXML_NS) envelopeDepth = stack.length;
    lastOpened = tag.isSelfClosing ? undefined : el;
    stack.push(el);
  });
  parser.on('closetag', () => {
    lastOpened = undefined;
    const el = stack.pop();
    if (el) el.end = parser.position;
    if (inEnvelope) {
      envelope!.builder.closeElement();
      if (el === envelope!.element) inEnvelope = false;
    }
    if (stack.length === envelopeDepth) envelopeDepth = -2; // envelope closed: payloads after it may be skipped
  });
  const onText = (t: string): void => {
    lastOpened = undefined;
    const cur = stack[stack.length - 1];
    if (cur) cur.text += t;
  };
  parser.on('text', (t) => {
    onText(t);
    if (inEnvelope) envelope!.builder.text(t);
  });
  parser.on('cdata', (t) => {
    onText(t);
    if (inEnvelope) envelope!.builder.cdata(t);
  });
  parser.on('comment', (t) => {
    lastOpened = undefined;
    if (inEnvelope) envelope!.builder.comment(t);
  });
  parser.on('processinginstruction', (pi) => {
    lastOpened = undefined;
    if (inEnvelope) envelope!.builder.processingInstruction(pi.target, pi.body);
  });

  const feed = (from: number, to: number): void => {
    if (to <= from) return;
    let s: string;
    try {
      s = decoder.decode(bytes.subarray(from, to), { stream: true });
    } catch {
      throw new EdxError('EDXML_ENCODING', 'The document is not valid UTF-8.');
    }
    if (s.includes('<!ENTITY') || s.includes('<!DOCTYPE')) {
      throw new EdxError('EDXML_DTD_FORBIDDEN', 'The document declares a DOCTYPE or entities; edXML never needs them and edx refuses them.');
    }
    segText.push(textLen);
    segByte.push(from);
    parts.push(s);
    textLen += s.length;
    parser.write(s);
  };

  const n = bytes.length;
  let pos = n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // UTF-8 BOM
  for (;;) {
    const at = bytes.indexOf(PAYLOAD_LOCAL, pos, 'latin1');
    if (at < 0) break;
    const gt = bytes.indexOf(GT, at);
    if (gt < 0) break;
    feed(pos, gt + 1);
    pos = gt + 1;
    const el = lastOpened;
    if (!el || el.local !== PAYLOAD_LOCAL || el.uri !== EDXML_NS || envelopeDepth >= 0 || bytes[gt - 1] === 0x2f) continue;
    const lt = bytes.indexOf(LT, pos);
    if (lt < 0) break;
    const amp = bytes.indexOf(AMP, pos);
    if (amp >= 0 && amp < lt) continue;
    el.payload = { start: pos, end: lt };
    pos = lt;
  }
  feed(pos, n);
  try {
    const tail = decoder.decode();
    if (tail) throw new EdxError('EDXML_ENCODING', 'The document ends inside a UTF-8 character.');
  } catch (e) {
    if (e instanceof EdxError) throw e;
    throw new EdxError('EDXML_ENCODING', 'The document is not valid UTF-8.');
  }
  parser.close();
  if (!root) throw malformed('no root element');

  const text = parts.length === 1 ? parts[0] : parts.join('');
  fixStarts(root, text);
  return {
    root,
    ...(envelope ? { envelope: { element: envelope.element, document: envelope.builder.document } } : {}),
    text,
    byteOffset(textOffset: number): number {
      // last segment starting at or before the offset
      let lo = 0;
      let hi = segText.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (segText[mid] <= textOffset) lo = mid;
        else hi = mid - 1;
      }
      return segByte[lo] + Buffer.byteLength(text.slice(segText[lo], textOffset), 'utf8');
    },
  };
}

/** The namespace declarations in scope at `el` from its ancestors that it does not make itself. */
export function inheritedDeclarations(el: XmlElement): Record<string, string> {
  const inScope: Record<string, string> = {};
  for (let a = el.parent; a; a = a.parent) {
    for (const [p, u] of Object.entries(a.nsDecls)) if (!(p in inScope) && !(p in el.nsDecls)) inScope[p] = u;
  }
  return inScope;
}

/** Start tags hold no '<' (not even in attribute values), so the last '<' before '>' opens it. */
function fixStarts(root: XmlElement, text: string): void {
  const todo: XmlElement[] = [root];
  while (todo.length > 0) {
    const el = todo.pop() as XmlElement;
    el.start = text.lastIndexOf('<', el.start - 1);
    for (const c of el.children) todo.push(c);
  }
}

/** UTF-16/32 byte-order marks or a NUL-interleaved '<' mean a non-UTF-8 document. */
function checkEncodingSignature(b: Buffer): void {
  const fail = (): never => {
    throw new EdxError('EDXML_ENCODING', 'The document is UTF-16 or UTF-32 encoded; edXML must be UTF-8.');
  };
  if (b.length >= 2 && ((b[0] === 0xfe && b[1] === 0xff) || (b[0] === 0xff && b[1] === 0xfe))) fail();
  if (b.length >= 2 && ((b[0] === 0 && b[1] === LT) || (b[0] === LT && b[1] === 0))) fail();
}
