import { EdxError } from '@edx/common';

/**
 * A minimal DER writer for the CMS structures edx writes (PDF signatures, the dev TSA's tokens):
 * each function returns the complete encoding of one value. The reading side is ber.ts.
 */
function lengthOf(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const octets: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) octets.unshift(n & 0xff);
  return Buffer.from([0x80 | octets.length, ...octets]);
}

/** One value: identifier octet, DER length, content. */
export function tlv(identifier: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([identifier]), lengthOf(body.length), body]);
}

export const sequence = (...items: Buffer[]): Buffer => tlv(0x30, ...items);
export const octetString = (bytes: Buffer): Buffer => tlv(0x04, bytes);
export const nullValue = (): Buffer => Buffer.from([0x05, 0x00]);
/** [n] EXPLICIT (constructed context tag around the value). */
export const explicit = (tag: number, ...items: Buffer[]): Buffer => tlv(0xa0 | tag, ...items);
/** [n] IMPLICIT over a constructed value: the same content under a context tag. */
export const implicitConstructed = (tag: number, encoded: Buffer): Buffer => Buffer.concat([Buffer.from([0xa0 | tag]), encoded.subarray(1)]);

/** SET OF in DER order: the encodings sorted as octet strings (X.690 11.6). */
export const setOf = (...items: Buffer[]): Buffer => tlv(0x31, ...[...items].sort(Buffer.compare));

/** A non-negative INTEGER from a number or from big-endian magnitude bytes (a serial number). */
export function integer(value: number | Buffer): Buffer {
  let bytes: Buffer;
  if (typeof value === 'number') {
    const octets: number[] = [];
    for (let n = value; n > 0; n = Math.floor(n / 256)) octets.unshift(n & 0xff);
    bytes = Buffer.from(octets.length ? octets : [0]);
  } else {
    let start = 0;
    while (start < value.length - 1 && value[start] === 0) start++;
    bytes = value.subarray(start);
  }
  return tlv(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new EdxError('INTERNAL_ERROR', `Not an object identifier: ${dotted}.`);
  const octets: number[] = [];
  const push = (value: number) => {
    const base128 = [value & 0x7f];
    for (let n = Math.floor(value / 128); n > 0; n = Math.floor(n / 128)) base128.unshift(0x80 | (n & 0x7f));
    octets.push(...base128);
  };
  push(arcs[0] * 40 + arcs[1]);
  arcs.slice(2).forEach(push);
  return tlv(0x06, Buffer.from(octets));
}

export const algorithmIdentifier = (dotted: string, withNull = true): Buffer => sequence(oid(dotted), ...(withNull ? [nullValue()] : []));

const two = (n: number) => String(n).padStart(2, '0');

/** UTCTime (years 1950–2049, RFC 5280), as CMS signingTime wants it. */
export function utcTime(at: Date): Buffer {
  const text = `${two(at.getUTCFullYear() % 100)}${two(at.getUTCMonth() + 1)}${two(at.getUTCDate())}${two(at.getUTCHours())}${two(at.getUTCMinutes())}${two(at.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, 'latin1'));
}

/** GeneralizedTime with milliseconds when there are any (RFC 3161 genTime). */
export function generalizedTime(at: Date): Buffer {
  const millis = at.getUTCMilliseconds();
  const fraction = millis ? `.${String(millis).padStart(3, '0').replace(/0+$/, '')}` : '';
  const text = `${at.getUTCFullYear()}${two(at.getUTCMonth() + 1)}${two(at.getUTCDate())}${two(at.getUTCHours())}${two(at.getUTCMinutes())}${two(at.getUTCSeconds())}${fraction}Z`;
  return tlv(0x18, Buffer.from(text, 'latin1'));
}
