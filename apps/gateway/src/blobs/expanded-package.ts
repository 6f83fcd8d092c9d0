import { createHash } from 'node:crypto';
import { EdxError, ByteRange } from '@edx/common';
import { claimElement, parseEdxml } from '@edx/edxml';
import type { BlobReader } from '@edx/trust';

/** A stretch of the package a DMS receives: bytes kept here, or a claimed attachment's bytes as base64. */
type Segment = { readonly kind: 'bytes'; readonly bytes: Buffer } | { readonly kind: 'blob'; readonly sha256: string; readonly size: number; readonly name: string };

const OPEN = Buffer.from('<ContentTransferEncoded>');
const CLOSE = Buffer.from('</ContentTransferEncoded>');
/** Bytes of a blob encoded per step: a multiple of 3, so the base64 of consecutive steps joins up. */
const STEP = 3 * 256 * 1024;

const lengthOf = (s: Segment) => (s.kind === 'bytes' ? s.bytes.length : 4 * Math.ceil(s.size / 3));

/**
 * A package as the DMS receives it: the stored package with every claim check replaced by the
 * attachment's bytes in base64, fetched from the hub's store as the DMS reads, never whole here. Its
 * length is known in advance (Content-Length) and any byte range of it can be served, so a DMS
 * resumes a broken download. The digest of each attachment is checked as it streams: bytes that are
 * not the ones the signature binds end the response early rather than reach the DMS whole.
 */
export class ExpandedPackage {
  readonly length: number;

  private constructor(private readonly segments: readonly Segment[]) {
    this.length = segments.reduce((n, s) => n + lengthOf(s), 0);
  }

  /** The layout of `stored` (a package as this gateway keeps it). A package without claim checks is itself. */
  static of(stored: Buffer): ExpandedPackage {
    // Without the attribute edx writes, there is no claim check to look for (and no large package to parse).
    if (!stored.includes('edx:sha256=')) return new ExpandedPackage([{ kind: 'bytes', bytes: stored }]);
    const parsed = parseEdxml(stored, undefined, { claims: true });
    const claimed = parsed.kind === 'package' ? parsed.attachments.filter((a) => a.claim) : [];
    const segments: Segment[] = [];
    let at = 0;
    for (const a of claimed) {
      const element = Buffer.from(claimElement({ sha256: a.sha256, size: a.claim!.size }));
      const found = stored.indexOf(element, at);
      if (found === -1) throw new EdxError('INTERNAL_ERROR', `The stored package names attachment "${a.name}" by claim check in a form this gateway did not write.`);
      segments.push({ kind: 'bytes', bytes: Buffer.concat([stored.subarray(at, found), OPEN]) }, { kind: 'blob', sha256: a.sha256, size: a.claim!.size, name: a.name });
      at = found + element.length;
      segments.push({ kind: 'bytes', bytes: CLOSE });
    }
    segments.push({ kind: 'bytes', bytes: stored.subarray(at) });
    return new ExpandedPackage(segments);
  }

  /** The bytes in `range` (default: all), claimed attachments read from `blobs` as the stream is consumed. */
  async *read(blobs: BlobReader | undefined, range: ByteRange = { start: 0, end: this.length }): AsyncGenerator<Buffer> {
    let offset = 0;
    for (const segment of this.segments) {
      const length = lengthOf(segment);
      const from = Math.max(range.start - offset, 0);
      const to = Math.min(range.end - offset, length);
      offset += length;
      if (from >= to) continue;
      if (segment.kind === 'bytes') yield segment.bytes.subarray(from, to);
      else yield* this.base64(segment, blobs, from, to);
    }
  }

  /** Characters `from` to `to` of the base64 of a claimed attachment. */
  private async *base64(segment: Extract<Segment, { kind: 'blob' }>, blobs: BlobReader | undefined, from: number, to: number): AsyncGenerator<Buffer> {
    if (!blobs) throw new EdxError('INTERNAL_ERROR', 'This gateway has no blob store to read claim checks from.');
    // Base64 runs in groups of 4 characters for 3 bytes: start at the group holding `from`.
    const firstByte = Math.floor(from / 4) * 3;
    const whole = firstByte === 0 && to === lengthOf(segment);
    const hash = whole ? createHash('sha256') : undefined;
    let skip = from % 4;
    let left = to - from;
    let carry = Buffer.alloc(0);
    let read = 0;
    const emit = (bytes: Buffer): Buffer | undefined => {
      let text = Buffer.from(bytes.toString('base64'), 'latin1');
      if (skip > 0) {
        text = text.subarray(skip);
        skip = 0;
      }
      if (text.length > left) text = text.subarray(0, left);
      left -= text.length;
      return text.length > 0 ? text : undefined;
    };
    for await (const piece of await blobs.read(segment.sha256, { start: firstByte })) {
      const bytes = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      hash?.update(bytes);
      read += bytes.length;
      let pending = carry.length > 0 ? Buffer.concat([carry, bytes]) : bytes;
      while (pending.length >= STEP && left > 0) {
        const out = emit(pending.subarray(0, STEP));
        if (out) yield out;
        pending = pending.subarray(STEP);
      }
      const whole3 = pending.length - (pending.length % 3);
      if (whole3 > 0 && left > 0) {
        const out = emit(pending.subarray(0, whole3));
        if (out) yield out;
      }
      carry = Buffer.from(pending.subarray(whole3));
      if (left <= 0 && !hash) return;
    }
    if (carry.length > 0 && left > 0) {
      const out = emit(carry);
      if (out) yield out;
    }
    if (hash && (read !== segment.size || hash.digest('hex') !== segment.sha256)) {
      throw new EdxError('DIGEST_MISMATCH', `The bytes of attachment "${segment.name}" the hub served do not have the SHA-256 its signed package names.`);
    }
  }
}
