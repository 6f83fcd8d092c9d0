import { EDXML_NS } from '../model/namespaces';
import type { ScannedXml, XmlElement } from './xml-scanner';

/** Where a relay's TraceHeader goes in a package, in bytes, found while parsing it (no second parse). */
export interface TracePoint {
  /** Byte range to replace (from === to: a pure insertion). */
  readonly from: number;
  readonly to: number;
  /** The namespace prefix to write the new elements with ('' for the default namespace). */
  readonly prefix: string;
  /** hop: insert a TraceHeader; list: write a TraceHeaderList holding it (none existed, or it was self-closed). */
  readonly wrap: 'hop' | 'list';
}

const child = (el: XmlElement | undefined, local: string): XmlElement | undefined =>
  el?.children.find((c) => c.local === local && c.uri === EDXML_NS);
const lastChild = (el: XmlElement, local: string): XmlElement | undefined =>
  [...el.children].reverse().find((c) => c.local === local && c.uri === EDXML_NS);

/**
 * After the last TraceHeader of TraceHeaderList, or first in it, or a new TraceHeaderList after
 * MessageHeader. Undefined when there is no MessageHeader to hang a trace on.
 */
export function findTracePoint(scan: ScannedXml, envelope: XmlElement | undefined): TracePoint | undefined {
  const header = child(envelope, 'edXMLHeader');
  const list = child(header, 'TraceHeaderList');
  if (list) {
    const last = lastChild(list, 'TraceHeader');
    if (last) return { from: scan.byteOffset(last.end), to: scan.byteOffset(last.end), prefix: list.prefix, wrap: 'hop' };
    if (scan.text.charCodeAt(list.end - 2) === 0x2f /* self-closed <TraceHeaderList/> */) {
      return { from: scan.byteOffset(list.start), to: scan.byteOffset(list.end), prefix: list.prefix, wrap: 'list' };
    }
    const at = scan.byteOffset(list.start + scan.text.slice(list.start, list.end).indexOf('>') + 1);
    return { from: at, to: at, prefix: list.prefix, wrap: 'hop' };
  }
  const messageHeader = child(header, 'MessageHeader');
  if (!messageHeader) return undefined;
  const at = scan.byteOffset(messageHeader.end);
  return { from: at, to: at, prefix: header?.prefix ?? '', wrap: 'list' };
}
