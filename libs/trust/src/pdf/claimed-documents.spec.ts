import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Attachment } from '@edx/edxml';
import { BlobReader, claimedDocuments } from './claimed-documents';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const claimed = (name: string, contentType: string, bytes: Buffer): Attachment => ({ contentId: `cid:${name}`, name, contentType, bytes: Buffer.alloc(0), sha256: sha256(bytes), format: 'other', claim: { size: bytes.length } });

/** A store serving `blobs` in 64 KiB pieces, counting the bytes it was asked for. */
function store(blobs: Buffer[]): BlobReader & { served: number } {
  const byDigest = new Map(blobs.map((b) => [sha256(b), b]));
  const reader = {
    served: 0,
    read: async (digest: string) => {
      const bytes = byDigest.get(digest)!;
      return Readable.from((function* () {
        for (let at = 0; at < bytes.length; at += 65536) {
          reader.served += Math.min(65536, bytes.length - at);
          yield bytes.subarray(at, at + 65536);
        }
      })());
    },
  };
  return reader;
}

describe('claimedDocuments', () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(3 * 65536)]);
  const scan = randomBytes(40 * 65536);
  const options = { maxOpenBytes: 1024 * 1024, checkDigests: false };

  it('reads whole what opens as a PDF or zip, and only the first KiB of anything else', async () => {
    const blobs = store([pdf, scan]);
    const [a, b] = await claimedDocuments([claimed('qd.pdf', 'application/pdf', pdf), claimed('scan.tif', 'image/tiff', scan)], blobs, options);
    expect(a.bytes.equals(pdf)).toBe(true);
    expect([b.bytes.length, b.format]).toEqual([1024, 'other']);
    expect(blobs.served).toBeLessThan(pdf.length + 2 * 65536);
  });

  it('streams every claimed attachment whole to check its digest when asked, keeping only the first KiB of one that does not open', async () => {
    const blobs = store([scan]);
    const [b] = await claimedDocuments([claimed('scan.tif', 'image/tiff', scan)], blobs, { ...options, checkDigests: true });
    expect([b.bytes.length, blobs.served]).toEqual([1024, scan.length]);
    const tampered = Buffer.from(scan);
    tampered[scan.length - 1] ^= 1;
    await expect(claimedDocuments([claimed('scan.tif', 'image/tiff', scan)], { read: async () => Readable.from([tampered]) }, { ...options, checkDigests: true })).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('refuses a PDF or zip too large to read whole, and one named .pdf whatever its bytes', async () => {
    await expect(claimedDocuments([claimed('qd.pdf', 'application/pdf', pdf)], store([pdf]), { ...options, maxOpenBytes: 1000 })).rejects.toMatchObject({ code: 'ATTACHMENT_TOO_LARGE' });
    const hidden = claimed('scan.bin', 'application/octet-stream', pdf);
    await expect(claimedDocuments([hidden], store([pdf]), { ...options, maxOpenBytes: 1000 })).rejects.toMatchObject({ code: 'ATTACHMENT_TOO_LARGE' });
    const [named] = await claimedDocuments([claimed('qd.pdf', 'application/octet-stream', scan.subarray(0, 5000))], store([scan.subarray(0, 5000)]), options);
    expect(named.bytes.length).toBe(5000);
  });

  it('catches a store that serves other bytes for a PDF it reads whole, even without checking every digest', async () => {
    const other = Buffer.from(pdf);
    other[other.length - 1] ^= 1;
    await expect(claimedDocuments([claimed('qd.pdf', 'application/pdf', pdf)], { read: async () => Readable.from([other]) }, options)).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });
});
