import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { AttachmentInput, writeEdxml } from '@edx/edxml';
import type { BlobReader } from '@edx/trust';
import { ExpandedPackage } from './expanded-package';

const ENVELOPE = '<edXMLEnvelope xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLHeader><MessageHeader><Subject>x</Subject></MessageHeader></edXMLHeader></edXMLEnvelope>';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A store serving `blobs` in pieces of `piece` bytes, as the hub's stream does. */
function store(blobs: Buffer[], piece = 70_001): BlobReader {
  const byDigest = new Map(blobs.map((b) => [sha256(b), b]));
  return {
    read: async (digest, range) => {
      const bytes = byDigest.get(digest)!.subarray(range?.start ?? 0);
      return Readable.from(Array.from({ length: Math.ceil(bytes.length / piece) }, (_, i) => bytes.subarray(i * piece, (i + 1) * piece)));
    },
  };
}

async function all(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(p);
  return Buffer.concat(parts);
}

describe('ExpandedPackage', () => {
  const small = randomBytes(1000);
  const large = [randomBytes(3 * 1024 * 1024 + 1), randomBytes(2 * 1024 * 1024 + 2)];
  const inputs: AttachmentInput[] = [
    { contentId: 'cid:1', name: 'a.pdf', contentType: 'application/pdf', bytes: small },
    { contentId: 'cid:2', name: 'b.bin', contentType: 'application/octet-stream', bytes: large[0] },
    { contentId: 'cid:3', name: 'c.bin', contentType: 'application/octet-stream', bytes: large[1] },
  ];
  const whole = writeEdxml(ENVELOPE, inputs);
  const claimed = writeEdxml(ENVELOPE, inputs.map((a, i) => (i === 0 ? a : { ...a, bytes: Buffer.alloc(0), claim: { sha256: sha256(a.bytes), size: a.bytes.length } })));

  it('is, byte for byte, the package with the attachments carried: its length known before a byte is read', async () => {
    const expanded = ExpandedPackage.of(claimed);
    expect(claimed.length).toBeLessThan(10_000);
    expect(expanded.length).toBe(whole.length);
    expect((await all(expanded.read(store(large)))).equals(whole)).toBe(true);
  });

  it('serves any range of it, so a DMS resumes where its download broke', async () => {
    const expanded = ExpandedPackage.of(claimed);
    const cut = claimed.indexOf('edx:sha256') - 40;
    for (const [start, end] of [[0, 1], [cut, cut + 100], [cut + 1, cut + 4_000_003], [5_000_001, whole.length], [whole.length - 1, whole.length], [123_457, 123_458]]) {
      expect([start, (await all(expanded.read(store(large, 4096), { start, end }))).equals(whole.subarray(start, end))]).toEqual([start, true]);
    }
  });

  it('stops with DIGEST_MISMATCH when the store serves other bytes than the signed ones', async () => {
    const tampered = Buffer.from(large[0]);
    tampered[12345] ^= 1;
    const lying: BlobReader = { read: async (digest, range) => (digest === sha256(large[0]) ? Readable.from([tampered.subarray(range?.start ?? 0)]) : store(large).read(digest, range)) };
    await expect(all(ExpandedPackage.of(claimed).read(lying))).rejects.toMatchObject({ code: 'DIGEST_MISMATCH' });
  });

  it('leaves a package without claim checks as it is', async () => {
    const expanded = ExpandedPackage.of(whole);
    expect((await all(expanded.read(undefined))).equals(whole)).toBe(true);
  });
});
