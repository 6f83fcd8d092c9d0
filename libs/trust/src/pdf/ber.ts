import { EdxError } from '@edx/common';

/**
 * A minimal BER/DER reader for the few CMS structures edx verifies: tag, length (definite, or
 * indefinite for constructed values) and the byte ranges, with no schema and no copies. It replaces
 * asn1js's generic tree on the verification hot path, where building that tree cost more than the RSA
 * verification itself.
 */
export interface BerNode {
  readonly tagClass: 'universal' | 'application' | 'context' | 'private';
  readonly constructed: boolean;
  readonly tag: number;
  /** Offsets in the source: the identifier octet, the first content octet, just past the value. */
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
  readonly children: readonly BerNode[];
  readonly source: Buffer;
}

export interface BerLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
}

const CLASSES = ['universal', 'application', 'context', 'private'] as const;
const DEFAULT_LIMITS: BerLimits = { maxDepth: 32, maxNodes: 20_000 };

export const UNIVERSAL = { integer: 2, octetString: 4, oid: 6, utcTime: 23, generalizedTime: 24 } as const;

const malformed = (what: string) => new EdxError('SIGNATURE_MALFORMED', `The CMS signature cannot be read: ${what}.`);

/** Reads the first BER value of `source` (trailing bytes, such as a PDF's zero padding, are ignored). */
export function readBer(source: Buffer, limits: BerLimits = DEFAULT_LIMITS): BerNode {
  let nodes = 0;
  const read = (at: number, limit: number, depth: number): BerNode => {
    if (depth > limits.maxDepth) throw malformed(`it nests deeper than ${limits.maxDepth} levels`);
    if (++nodes > limits.maxNodes) throw malformed(`it has more than ${limits.maxNodes} elements`);
    let pos = at;
    if (pos >= limit) throw malformed('it ends inside a value');
    const identifier = source[pos++];
    const tagClass = CLASSES[identifier >> 6];
    const constructed = (identifier & 0x20) !== 0;
    let tag = identifier & 0x1f;
    if (tag === 0x1f) {
      tag = 0;
      for (let more = true; more; ) {
        if (pos >= limit || tag > 0xffffff) throw malformed('a tag number is too long');
        const b = source[pos++];
        tag = tag * 128 + (b & 0x7f);
        more = (b & 0x80) !== 0;
      }
    }
    if (pos >= limit) throw malformed('it ends inside a length');
    const first = source[pos++];
    let length = -1;
    if (first < 0x80) length = first;
    else if (first > 0x80) {
      const octets = first & 0x7f;
      if (octets > 4 || pos + octets > limit) throw malformed('a length is too long');
      length = 0;
      for (let k = 0; k < octets; k++) length = length * 256 + source[pos++];
    } else if (!constructed) throw malformed('a primitive value has an indefinite length');
    const contentStart = pos;
    const children: BerNode[] = [];
    if (length >= 0) {
      const end = contentStart + length;
      if (end > limit) throw malformed('a value runs past its container');
      if (constructed) {
        for (let p = contentStart; p < end; ) {
          const child = read(p, end, depth + 1);
          children.push(child);
          p = child.end;
        }
      }
      return { tagClass, constructed, tag, start: at, contentStart, end, children, source };
    }
    // Indefinite length: children up to the end-of-contents octets 00 00.
    for (let p = contentStart; ; ) {
      if (p + 1 >= limit) throw malformed('an indefinite-length value has no end');
      if (source[p] === 0 && source[p + 1] === 0) return { tagClass, constructed, tag, start: at, contentStart, end: p + 2, children, source };
      const child = read(p, limit, depth + 1);
      children.push(child);
      p = child.end;
    }
  };
  return read(0, source.length, 0);
}

export const isUniversal = (node: BerNode | undefined, tag: number): boolean => node?.tagClass === 'universal' && node.tag === tag;
export const isContext = (node: BerNode | undefined, tag: number): boolean => node?.tagClass === 'context' && node.tag === tag;

/** The whole encoding of the value, identifier and length included (a view, not a copy). */
export const encodingOf = (node: BerNode): Buffer => node.source.subarray(node.start, node.end);

/** The content octets; a constructed string (BER) is joined from its pieces. */
export function contentOf(node: BerNode): Buffer {
  if (!node.constructed) return node.source.subarray(node.contentStart, node.end);
  return Buffer.concat(node.children.map(contentOf));
}

export function oidOf(node: BerNode | undefined): string {
  if (!node || !isUniversal(node, UNIVERSAL.oid) || node.constructed) throw malformed('an algorithm or type identifier is missing');
  const bytes = contentOf(node);
  if (bytes.length === 0) throw malformed('an empty object identifier');
  const arcs: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw malformed('an object identifier arc is too large');
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** UTCTime or GeneralizedTime as a Date; undefined for any other value or an unreadable time. */
export function timeOf(node: BerNode | undefined): Date | undefined {
  if (!node || node.tagClass !== 'universal' || (node.tag !== UNIVERSAL.utcTime && node.tag !== UNIVERSAL.generalizedTime)) return undefined;
  const text = contentOf(node).toString('latin1');
  const match =
    node.tag === UNIVERSAL.utcTime
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.(\d{1,3})\d*)?Z$/.exec(text);
  if (!match) return undefined;
  let year = Number(match[1]);
  if (node.tag === UNIVERSAL.utcTime) year += year < 50 ? 2000 : 1900; // RFC 5280 4.1.2.5.1
  const millis = match[7] ? Number(match[7].padEnd(3, '0')) : 0;
  return new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6] ?? 0), millis));
}
