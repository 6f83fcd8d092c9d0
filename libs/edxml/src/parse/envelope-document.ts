import { DOMImplementation } from '@xmldom/xmldom';
import type { SaxesTagNS } from 'saxes';

const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/**
 * The envelope as a DOM, built from the parser's own events while it reads the document, so the
 * envelope signature is checked on the very tree the package is read from (no second parse, and no
 * second parser whose reading could differ from the first). Comments and processing instructions are
 * kept as nodes, as a DOM parser would keep them.
 */
export class EnvelopeDocumentBuilder {
  readonly document: Document = new DOMImplementation().createDocument(null, null as never, null);
  private readonly open: Node[] = [this.document];

  /** `inherited`: namespace declarations in scope from outside the envelope (on its first element only). */
  openElement(tag: SaxesTagNS, inherited: Readonly<Record<string, string>> = {}): void {
    const element = this.document.createElementNS(tag.uri || null, tag.name);
    for (const [prefix, uri] of Object.entries(inherited)) element.setAttributeNS(XMLNS_NS, prefix ? `xmlns:${prefix}` : 'xmlns', uri);
    for (const a of Object.values(tag.attributes)) element.setAttributeNS(a.uri || null, a.name, a.value);
    this.append(element);
    this.open.push(element);
  }

  closeElement(): void {
    this.open.pop();
  }

  text(data: string): void {
    if (data) this.append(this.document.createTextNode(data));
  }

  cdata(data: string): void {
    if (data) this.append(this.document.createCDATASection(data));
  }

  comment(data: string): void {
    this.append(this.document.createComment(data));
  }

  processingInstruction(target: string, body: string): void {
    this.append(this.document.createProcessingInstruction(target, body));
  }

  private append(node: Node): void {
    this.open[this.open.length - 1].appendChild(node);
  }
}
