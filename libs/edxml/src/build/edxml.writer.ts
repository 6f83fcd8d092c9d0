import { EdxError } from '@edx/common';
import { EDX_NS, EDXML_NS } from '../model/namespaces';
import { escapeText } from './envelope.serializer';

export interface AttachmentInput {
  /** With or without "cid:"; written as given. */
  contentId: string;
  name: string;
  description?: string;
  contentType: string;
  /** The bytes, written as base64; empty for a claim-checked attachment. */
  bytes: Buffer;
  /** The attachment is kept in the blob store under this SHA-256 and travels as a claim check (see AttachmentClaim). */
  claim?: AttachmentClaim;
}

/** Where a claim-checked attachment's bytes are: the blob store, under the SHA-256 the envelope signature binds. */
export interface AttachmentClaim {
  /** Lower-case hex SHA-256 of the bytes. */
  readonly sha256: string;
  readonly size: number;
}

/** The empty payload element of a claim-checked attachment: its bytes are named, not carried. */
export const claimElement = (claim: AttachmentClaim): string =>
  `<ContentTransferEncoded xmlns:edx="${EDX_NS}" edx:sha256="${claim.sha256}" edx:size="${claim.size}"></ContentTransferEncoded>`;

const B64_CHUNK = 3 * (1 << 18); // 768 KiB of bytes -> 1 MiB of base64 per step

/**
 * The whole .edxml file: XML declaration, root edXML (default QCVN namespace), `envelopeXml`
 * verbatim, then AttachmentEncoded with each payload in base64 (or, for a claim-checked attachment,
 * the empty payload element naming its bytes by SHA-256). The result is allocated once at its
 * final size and the base64 is written into it in 1 MiB steps, so writing a 100 MiB attachment
 * costs the output buffer and nothing proportional besides.
 */
export function writeEdxml(envelopeXml: string, attachments: AttachmentInput[]): Buffer {
  if (/^\s*<\?xml|<!DOCTYPE/i.test(envelopeXml.slice(0, 4096))) {
    throw new EdxError('EDXML_MALFORMED', 'envelopeXml must be the edXMLEnvelope element alone, without declaration or DOCTYPE.');
  }
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="${EDXML_NS}">`;
  const parts: Array<string | Buffer> = [head, envelopeXml];
  if (attachments.length > 0) {
    parts.push('<AttachmentEncoded>');
    for (const a of attachments) {
      let meta = `<Attachment><ContentId>${escapeText(a.contentId)}</ContentId><AttachmentName>${escapeText(a.name)}</AttachmentName>`;
      if (a.description !== undefined) meta += `<Description>${escapeText(a.description)}</Description>`;
      meta += `<ContentType>${escapeText(a.contentType)}</ContentType>`;
      if (a.claim) parts.push(meta, claimElement(a.claim), '</Attachment>');
      else parts.push(`${meta}<ContentTransferEncoded>`, a.bytes, '</ContentTransferEncoded></Attachment>');
    }
    parts.push('</AttachmentEncoded>');
  }
  parts.push('</edXML>');
  let size = 0;
  for (const p of parts) size += typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : 4 * Math.ceil(p.length / 3);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const p of parts) {
    if (typeof p === 'string') {
      at += out.write(p, at, 'utf8');
    } else {
      for (let s = 0; s < p.length; s += B64_CHUNK) {
        at += out.write(p.toString('base64', s, Math.min(p.length, s + B64_CHUNK)), at, 'latin1');
      }
    }
  }
  return at === size ? out : out.subarray(0, at);
}
