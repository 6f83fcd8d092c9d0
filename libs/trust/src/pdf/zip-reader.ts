import { Inflate } from 'fflate';
import { EdxError } from '@edx/common';

/**
 * A zip reader for finding what an archive holds, as desktop readers list it: from the central
 * directory (ZIP64 included), each entry inflated with a running byte count so that a bomb stops
 * early. No size the archive declares is trusted for allocation or limits.
 */
export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated; anything else cannot be read here. */
  readonly method: number;
  readonly encrypted: boolean;
  readonly compressedSize: number;
  /** Where the compressed data starts in the archive. */
  readonly dataStart: number;
}

/** How much inflating may produce: shared by every entry of an attachment, nested zips included. */
export interface InflateBudget {
  /** Bytes allowed in all, and still allowed. */
  readonly limit: number;
  remaining: number;
  /** Output bytes per input byte, beyond `ratioFloor` bytes of output. */
  readonly maxRatio: number;
  readonly ratioFloor: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const CHUNK = 16 * 1024;

export const unreadableZip = (what: string) => new EdxError('ATTACHMENT_UNREADABLE', what);

function u64(zip: Buffer, at: number): number {
  const value = zip.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw unreadableZip('the zip declares an impossible size or offset');
  return Number(value);
}

/** The central directory's place and entry count (ZIP64 when the classic record says so). */
function directoryOf(zip: Buffer): { offset: number; size: number; count: number } {
  const lowest = Math.max(0, zip.length - 22 - 0xffff);
  for (let at = zip.length - 22; at >= lowest; at--) {
    if (zip.readUInt32LE(at) !== EOCD || at + 22 + zip.readUInt16LE(at + 20) > zip.length) continue;
    let count = zip.readUInt16LE(at + 10);
    let size = zip.readUInt32LE(at + 12);
    let offset = zip.readUInt32LE(at + 16);
    if ((count === 0xffff || size === 0xffffffff || offset === 0xffffffff) && at >= 20 && zip.readUInt32LE(at - 20) === ZIP64_LOCATOR) {
      const record = u64(zip, at - 12);
      if (record + 56 > zip.length || zip.readUInt32LE(record) !== ZIP64_EOCD) throw unreadableZip('its ZIP64 end record is missing');
      count = u64(zip, record + 32);
      size = u64(zip, record + 40);
      offset = u64(zip, record + 48);
    }
    if (offset + size > zip.length) throw unreadableZip('its central directory lies past its end (a cut or damaged zip)');
    return { offset, size, count };
  }
  throw unreadableZip('it has no end-of-central-directory record (not a zip, or a cut one)');
}

/** The entries of the central directory, in order. Throws ATTACHMENT_UNREADABLE for a damaged archive or one with more than `maxEntries`. */
export function readZipEntries(zip: Buffer, maxEntries: number): ZipEntry[] {
  if (zip.length < 22) throw unreadableZip('it is too short to be a zip');
  const directory = directoryOf(zip);
  if (directory.count > maxEntries) throw unreadableZip(`it lists ${directory.count} files, more than the ${maxEntries} edx opens`);
  const entries: ZipEntry[] = [];
  let at = directory.offset;
  for (let i = 0; i < directory.count; i++) {
    if (at + 46 > zip.length || zip.readUInt32LE(at) !== CENTRAL) throw unreadableZip(`its central directory is damaged at entry ${i + 1}`);
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    let compressedSize = zip.readUInt32LE(at + 20);
    const declaredSize = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    let localOffset = zip.readUInt32LE(at + 42);
    const nameEnd = at + 46 + nameLength;
    if (nameEnd + extraLength > zip.length) throw unreadableZip(`its central directory is damaged at entry ${i + 1}`);
    // Bit 11: the name is UTF-8; otherwise CP437, read as latin1 (only its ending matters here).
    const name = zip.subarray(at + 46, nameEnd).toString(flags & 0x800 ? 'utf8' : 'latin1');
    ({ compressedSize, localOffset } = zip64Sizes(zip, nameEnd, nameEnd + extraLength, { declaredSize, compressedSize, localOffset }));
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== LOCAL) throw unreadableZip(`the data of ${name} is not where the directory says`);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    if (dataStart + compressedSize > zip.length) throw unreadableZip(`the data of ${name} runs past the end of the zip`);
    entries.push({ name, method, encrypted: (flags & 0x1) !== 0, compressedSize, dataStart });
    at = nameEnd + extraLength + commentLength;
  }
  return entries;
}

/** The ZIP64 extra field (0x0001) replaces the 32-bit fields that are all ones, in this order. */
function zip64Sizes(zip: Buffer, from: number, to: number, fields: { declaredSize: number; compressedSize: number; localOffset: number }): { compressedSize: number; localOffset: number } {
  let { compressedSize, localOffset } = fields;
  for (let at = from; at + 4 <= to; ) {
    const id = zip.readUInt16LE(at);
    const size = zip.readUInt16LE(at + 2);
    if (id === 0x0001) {
      let p = at + 4;
      const take = () => {
        if (p + 8 > at + 4 + size) throw unreadableZip('a ZIP64 extra field is too short');
        const value = u64(zip, p);
        p += 8;
        return value;
      };
      if (fields.declaredSize === 0xffffffff) take();
      if (fields.compressedSize === 0xffffffff) compressedSize = take();
      if (fields.localOffset === 0xffffffff) localOffset = take();
    }
    at += 4 + size;
  }
  return { compressedSize, localOffset };
}

/**
 * The bytes of an entry, charged to `budget`; with `peek`, only about its first `peek` bytes (to see
 * what it is). Throws ATTACHMENT_UNREADABLE when it is encrypted, uses another method than stored or
 * deflate, exceeds the budget or the compression ratio, or does not inflate.
 */
export function entryBytes(zip: Buffer, entry: ZipEntry, budget: InflateBudget, peek?: number): Buffer {
  if (entry.encrypted) throw unreadableZip(`${entry.name} is encrypted`);
  const data = zip.subarray(entry.dataStart, entry.dataStart + entry.compressedSize);
  if (entry.method === 0) {
    const bytes = peek === undefined ? data : data.subarray(0, peek);
    charge(budget, entry, bytes.length, bytes.length);
    return bytes;
  }
  if (entry.method !== 8) throw unreadableZip(`${entry.name} is compressed with method ${entry.method}, which edx does not open`);
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let consumed = 0;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    produced += chunk.length;
    charge(budget, entry, chunk.length, produced, consumed);
    chunks.push(chunk);
    done = final;
  });
  // Small steps while peeking: one step of a bomb could otherwise inflate a thousandfold.
  const step = peek === undefined ? CHUNK : 1024;
  try {
    for (let at = 0; at < data.length && !(peek !== undefined && produced >= peek); at += step) {
      consumed = Math.min(data.length, at + step);
      inflater.push(data.subarray(at, consumed), consumed === data.length);
    }
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof EdxError) throw error;
    throw unreadableZip(`${entry.name} cannot be inflated (${(error as Error).message})`);
  }
  if (peek === undefined && !done) throw unreadableZip(`${entry.name} ends before its compressed data does`);
  return Buffer.concat(chunks);
}

function charge(budget: InflateBudget, entry: ZipEntry, bytes: number, produced: number, consumed = produced): void {
  budget.remaining -= bytes;
  if (budget.remaining < 0) throw unreadableZip(`${entry.name} unzips past the ${budget.limit} bytes edx opens of one attachment`);
  if (produced > budget.ratioFloor && produced > budget.maxRatio * Math.max(consumed, 1)) {
    throw unreadableZip(`${entry.name} inflates more than ${budget.maxRatio} times its compressed size: a compression ratio no document has (a zip bomb)`);
  }
}
