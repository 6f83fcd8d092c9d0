import { EdxError } from '@edx/common';

/** One `-----BEGIN label----- … -----END label-----` block, decoded. */
export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
  /** 1-based position in its file, for messages. */
  readonly index: number;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function looksLikePem(text: string): boolean {
  return text.includes('-----BEGIN ');
}

/**
 * Every PEM block in `text`, in order. Text between blocks (comments, OpenSSL's "Bag Attributes")
 * is not trust material and is left out. Throws KEY_INVALID naming `name` and the block when a block
 * is not terminated or its base64 is damaged: Buffer's base64 decoder would skip bad characters.
 */
export function pemBlocks(text: string, name: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const index = blocks.length + 1;
    const [, label, body, endLabel] = match;
    if (label !== endLabel) throw new EdxError('KEY_INVALID', `${name}: PEM block ${index} begins as ${label} but ends as ${endLabel}.`);
    // RFC 1421 headers ("Proc-Type: …" of an encrypted key) are not base64; base64 has no colon.
    const base64 = body.split('\n').filter((line) => !line.includes(':')).join('\n');
    blocks.push({ label, der: strictBase64(base64, `${name}: PEM block ${index} (${label})`), index });
  }
  const begun = text.match(/-----BEGIN /g)?.length ?? 0;
  if (begun !== blocks.length) throw new EdxError('KEY_INVALID', `${name}: PEM block ${blocks.length + 1} has no matching -----END line (the file is cut or damaged).`);
  return blocks;
}

/** Decodes base64 that must be nothing else (whitespace aside). Throws KEY_INVALID naming `what`. */
export function strictBase64(text: string, what: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || !BASE64.test(compact)) throw new EdxError('KEY_INVALID', `${what} is not valid base64 (damaged or cut).`);
  return Buffer.from(compact, 'base64');
}

export function isBase64Text(text: string): boolean {
  const compact = text.replace(/\s+/g, '');
  return compact.length > 0 && BASE64.test(compact);
}

export function toPem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/**
 * The length of the DER SEQUENCE at `offset` (header included), or undefined when the bytes there do
 * not start one that fits in `der`. Used to split files of concatenated DER certificates and CRLs.
 */
export function derSequenceLength(der: Buffer, offset = 0): number | undefined {
  if (der[offset] !== 0x30 || offset + 2 > der.length) return undefined;
  let length = der[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4 || offset + 2 + octets > der.length) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[offset + 2 + i];
    header += octets;
  }
  const total = header + length;
  return offset + total <= der.length ? total : undefined;
}
