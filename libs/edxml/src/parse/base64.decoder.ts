import { EdxError } from '@edx/common';
import { isUtf8 } from 'node:buffer';

/** 0 = base64 alphabet, 1 = whitespace, 2 = '=', 3 = anything else. */
const CLASS = new Uint8Array(256).fill(3);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') CLASS[c.charCodeAt(0)] = 0;
for (const c of ' \t\r\n') CLASS[c.charCodeAt(0)] = 1;
CLASS['='.charCodeAt(0)] = 2;

const CHUNK = 1 << 20; // base64 characters decoded per step: strings stay ~1 MiB

export type Base64Result = { ok: true; bytes: Buffer } | { ok: false; reason: string };

/**
 * Decodes strict base64 (whitespace allowed, padding only at the end) straight from a byte range,
 * in 1 MiB steps, so a 130 MB payload never becomes one JS string. The output is allocated once.
 * Returns a reason instead of throwing for bad base64 (validation reports it); throws EdxError
 * EDXML_ENCODING only when the range is not even UTF-8.
 */
export function decodeBase64Region(src: Buffer, start: number, end: number): Base64Result {
  // Pass 1: classify and count; find the first bad byte.
  let data = 0;
  let pad = 0;
  for (let i = start; i < end; i++) {
    const k = CLASS[src[i]];
    if (k === 0) {
      if (pad > 0) return bad(src, start, end, i, 'data after "=" padding');
      data++;
    } else if (k === 2) {
      pad++;
      if (pad > 2) return bad(src, start, end, i, 'more than two "=" padding characters');
    } else if (k === 3) {
      return bad(src, start, end, i, `character "${String.fromCharCode(src[i])}" is not base64`);
    }
  }
  if ((data + pad) % 4 !== 0) {
    return { ok: false, reason: `base64 length ${data + pad} is not a multiple of 4 (truncated payload?)` };
  }
  const outLen = (data * 6) >> 3;
  const out = Buffer.allocUnsafe(outLen);
  // Pass 2: copy the data characters compactly into a small scratch, decode chunk by chunk.
  const scratch = Buffer.allocUnsafe(Math.min(CHUNK, data + pad) + 4);
  let fill = 0;
  let written = 0;
  for (let i = start; i < end; i++) {
    const c = src[i];
    if (CLASS[c] !== 1) {
      scratch[fill++] = c;
      if (fill === CHUNK) {
        written += out.write(scratch.toString('latin1', 0, fill), written, 'base64');
        fill = 0;
      }
    }
  }
  if (fill > 0) written += out.write(scratch.toString('latin1', 0, fill), written, 'base64');
  return { ok: true, bytes: written === outLen ? out : out.subarray(0, written) };
}

function bad(src: Buffer, start: number, end: number, at: number, what: string): Base64Result {
  if (src[at] >= 0x80 && !isUtf8(src.subarray(start, end))) {
    throw new EdxError('EDXML_ENCODING', 'The document is not valid UTF-8 (inside an attachment payload).');
  }
  const sample = src.toString('utf8', at, Math.min(end, at + 24)).replace(/\s+/g, ' ');
  return { ok: false, reason: `invalid base64 at character ${at - start}: ${what} (near "${sample}")` };
}
