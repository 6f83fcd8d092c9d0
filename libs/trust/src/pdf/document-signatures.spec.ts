import { deflateSync, zipSync } from 'fflate';
import { DevPki, IssuedIdentity, TrustStore, createDevPki, makePdf, signPdf, verifyDocumentSignatures } from '@edx/trust';

const AGENCY = '000.00.00.G22';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const zip = (files: Record<string, Buffer | Uint8Array>) => Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new Uint8Array(v)]))));

/** A signed PDF with one signed byte changed afterwards: its signature no longer holds. */
function tampered(pdf: Buffer): Buffer {
  const at = pdf.indexOf('Tj ET');
  pdf.write('X', at - 3, 'latin1');
  return pdf;
}

/**
 * Every PDF a reader would open is checked: a policy of "every PDF" means every one, wherever it
 * hides, and what cannot be opened is refused rather than skipped.
 */
describe('finding the PDFs of a package', () => {
  let pki: DevPki;
  let store: TrustStore;
  let organisation: IssuedIdentity;
  const every = () => ({ trustStore: store, senderCode: AGENCY, policy: { requireOrganisationSignature: 'every' as const } });
  const main = () => ({ ...every(), policy: { requireOrganisationSignature: 'main' as const } });
  let good: Buffer;

  beforeAll(() => {
    pki = createDevPki();
    store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [pki.crlPem()]);
    organisation = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
    good = signPdf(makePdf('Công văn'), organisation.identity);
  });

  it('checks a PDF behind a byte-order mark or junk, as readers accept %PDF- within the first KiB', () => {
    const hidden = tampered(signPdf(Buffer.concat([BOM, makePdf('Phụ lục')]), organisation.identity));
    const result = verifyDocumentSignatures([good, hidden].map((bytes, i) => ({ name: `file-${i}.bin`, bytes, contentType: 'application/octet-stream' })), main());
    expect(result).toMatchObject({ ok: false, code: 'DIGEST_MISMATCH' });

    const junk = Buffer.concat([Buffer.alloc(700, 0x20), makePdf('unsigned')]);
    expect(verifyDocumentSignatures([{ name: 'a.pdf', bytes: good }, { name: 'b.dat', bytes: junk }], every())).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING' });
  });

  it('checks a file declared application/pdf or named .pdf, and refuses one that is no PDF (PDF_MALFORMED)', () => {
    const notPdf = Buffer.from('<html>not a pdf</html>');
    expect(verifyDocumentSignatures([{ name: 'a.pdf', bytes: good }, { name: 'b.pdf', bytes: notPdf }], main())).toMatchObject({ ok: false, code: 'PDF_MALFORMED' });
    expect(verifyDocumentSignatures([{ name: 'a.pdf', bytes: good }, { name: 'b', bytes: notPdf, contentType: 'application/pdf' }], main())).toMatchObject({ ok: false, code: 'PDF_MALFORMED' });
    expect(verifyDocumentSignatures([{ name: 'a.pdf', bytes: good }, { name: 'b.txt', bytes: notPdf, contentType: 'text/plain' }], every())).toMatchObject({ ok: true });
  });

  it('checks PDFs in nested zips, naming the path', () => {
    const nested = zip({ 'ho-so/inner.zip': zip({ 'deep.zip': zip({ 'quyet-dinh.pdf': makePdf('unsigned, three levels down') }) }), 'cv.pdf': good });
    const result = verifyDocumentSignatures([{ name: 'a.pdf', bytes: good }, { name: 'ho-so.zip', bytes: nested }], every());
    expect(result).toMatchObject({ ok: false, code: 'SIGNATURE_MISSING', message: expect.stringContaining('ho-so.zip/ho-so/inner.zip/deep.zip/quyet-dinh.pdf') });
    const fine = verifyDocumentSignatures([{ name: 'ho-so.zip', bytes: zip({ 'in.zip': zip({ 'cv.pdf': good }) }) }], every());
    expect(fine).toMatchObject({ ok: true, reports: [{ document: 'ho-so.zip/in.zip/cv.pdf' }] });
  });

  it('refuses a zip nested deeper than it opens (ATTACHMENT_UNREADABLE)', () => {
    const deep = zip({ '1.zip': zip({ '2.zip': zip({ '3.zip': zip({ 'x.pdf': good }) }) }) });
    expect(verifyDocumentSignatures([{ name: 'a.pdf', bytes: good }, { name: 'deep.zip', bytes: deep }], main())).toMatchObject({ ok: false, code: 'ATTACHMENT_UNREADABLE' });
  });

  it('refuses an entry past the size cap and a zip bomb, without inflating them whole (ATTACHMENT_UNREADABLE)', () => {
    const big = zip({ 'big.pdf': Buffer.concat([good, Buffer.alloc(3 * 1024 * 1024, 0x20)]) });
    const capped = verifyDocumentSignatures([{ name: 'big.zip', bytes: big }], { ...main(), limits: { maxUnzippedBytes: 1024 * 1024 } });
    expect(capped).toMatchObject({ ok: false, code: 'ATTACHMENT_UNREADABLE', message: expect.stringContaining('big.pdf') });

    // 64 MiB of zeros deflate to about 64 KiB: a ratio no document has.
    const bomb = zip({ 'bomb.pdf': Buffer.concat([good, Buffer.alloc(64 * 1024 * 1024)]) });
    const started = Date.now();
    expect(verifyDocumentSignatures([{ name: 'bomb.zip', bytes: bomb }], main())).toMatchObject({ ok: false, code: 'ATTACHMENT_UNREADABLE', message: expect.stringMatching(/ratio|compress/) });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a damaged zip and an entry it cannot inflate (ATTACHMENT_UNREADABLE)', () => {
    const whole = zip({ 'cv.pdf': good });
    expect(verifyDocumentSignatures([{ name: 'cut.zip', bytes: whole.subarray(0, whole.length - 30) }], main())).toMatchObject({ ok: false, code: 'ATTACHMENT_UNREADABLE' });
    expect(verifyDocumentSignatures([{ name: 'x.zip', bytes: Buffer.from('PK\x03\x04 not really a zip') }], main())).toMatchObject({ ok: false, code: 'ATTACHMENT_UNREADABLE' });
    const corrupt = zip({ 'cv.pdf': good });
    const data = corrupt.indexOf('cv.pdf') + 'cv.pdf'.length; // the first local header's name, then its deflated data
    corrupt.fill(0xff, data, data + 64);
    expect(verifyDocumentSignatures([{ name: 'corrupt.zip', bytes: corrupt }], main())).toMatchObject({ ok: false, code: 'ATTACHMENT_UNREADABLE' });
  });

  it('still ignores what is neither PDF nor zip, and accepts a well-formed package', () => {
    const inputs = [
      { name: 'cv.pdf', bytes: good, contentType: 'application/pdf' },
      { name: 'notes.txt', bytes: Buffer.from('hello'), contentType: 'text/plain' },
      { name: 'data.zip', bytes: zip({ 'readme.txt': Buffer.from('x'), 'raw.bin': deflateSync(new Uint8Array(100)) }), contentType: 'application/zip' },
    ];
    expect(verifyDocumentSignatures(inputs, every())).toMatchObject({ ok: true, reports: [{ document: 'cv.pdf' }] });
  });
});
