import { EdxError } from '@edx/common';
import { formatEdxmlTimestamp } from '../model/edxml-date';
import { ParsedEdxml, readEdxml } from '../parse/edxml.parser';
import { escapeText } from './envelope.serializer';

/**
 * Returns a copy of the package with one TraceHeader added after the last TraceHeader of
 * TraceHeaderList (or first in it, or in a new TraceHeaderList after MessageHeader), written with
 * the prefix of its parent so it lands in the QCVN namespace. Every other byte is untouched, so
 * signatures over MessageHeader, Bussiness and the attachments still verify. Pass the package as
 * `parseEdxml` returned it to skip parsing again. Throws the EdxError of `parseEdxml` for a document
 * it cannot read, and EDXML_REQUIRED when there is no MessageHeader to hang the trace on.
 */
export function appendTraceHop(bytes: Buffer, hop: { organId: string; timestamp: Date }, parsed?: ParsedEdxml): Buffer {
  const read = parsed ?? readEdxml(bytes, undefined, { decodeAttachments: false, envelopeDocument: false }).parsed;
  if (read.kind !== 'package') {
    throw new EdxError('EDXML_VALUE', 'A status message has no trace; only packages carry TraceHeaderList.');
  }
  const point = read.tracePoint;
  if (!point) throw new EdxError('EDXML_REQUIRED', 'The package has no MessageHeader, so no trace can be added.');
  const q = (n: string): string => (point.prefix ? `${point.prefix}:${n}` : n);
  const hopXml =
    `<${q('TraceHeader')}><${q('OrganId')}>${escapeText(hop.organId)}</${q('OrganId')}>` +
    `<${q('Timestamp')}>${formatEdxmlTimestamp(hop.timestamp)}</${q('Timestamp')}></${q('TraceHeader')}>`;
  return splice(bytes, point.from, point.to, point.wrap === 'hop' ? hopXml : `<${q('TraceHeaderList')}>${hopXml}</${q('TraceHeaderList')}>`);
}

function splice(bytes: Buffer, from: number, to: number, text: string): Buffer {
  const ins = Buffer.from(text, 'utf8');
  const out = Buffer.allocUnsafe(bytes.length - (to - from) + ins.length);
  bytes.copy(out, 0, 0, from);
  ins.copy(out, from);
  bytes.copy(out, from + ins.length, to);
  return out;
}
