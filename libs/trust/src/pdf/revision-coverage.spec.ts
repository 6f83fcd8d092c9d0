import { DevPki, IssuedIdentity, TrustStore, appendIncrementalUpdate, createDevPki, makePdf, signPdf, verifyPdf } from '@edx/trust';

const AGENCY = '000.00.00.G22';

/** makePdf's objects: 1 catalog, 2 pages, 3 the page, 4 the font, 5 the page's content stream. */
const PAGE = (contents: string) => `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents ${contents} >>`;
const stream = (content: string) => `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
const sizeOf = (pdf: Buffer) => Number(/\/Size\s+(\d+)/.exec(pdf.toString('latin1').slice(pdf.toString('latin1').lastIndexOf('trailer')))![1]);

/**
 * Each signature vouches for the revision it signed. An incremental update after it may add
 * signatures and validation data, nothing a reader would show: otherwise that signature reports
 * PDF_MODIFIED_AFTER_SIGNING, even when a newer signature covers the change.
 */
describe('what may follow a PDF signature', () => {
  let pki: DevPki;
  let store: TrustStore;
  let person: IssuedIdentity;
  let organisation: IssuedIdentity;
  const options = () => ({ trustStore: store });

  beforeAll(() => {
    pki = createDevPki();
    store = TrustStore.fromPem([pki.rootCertificatePem], [pki.intermediateCertificatePem], [pki.crlPem()]);
    person = pki.issue({ code: AGENCY, name: 'Nguyễn Văn A', kind: 'person', organisation: 'Văn phòng Chính phủ' });
    organisation = pki.issue({ code: AGENCY, name: 'Văn phòng Chính phủ' });
  });

  it('accepts two signatures back to back', () => {
    const signed = signPdf(signPdf(makePdf('back to back'), person.identity), organisation.identity);
    expect(verifyPdf(signed, options()).map((r) => [r.ok, r.code])).toEqual([[true, undefined], [true, undefined]]);
  });

  it('flags the first signature when content was added between the two, though the second covers it', () => {
    const first = signPdf(makePdf('Quyết định'), person.identity);
    const size = sizeOf(first);
    const changed = appendIncrementalUpdate(first, [
      { number: 3, body: PAGE(`[5 0 R ${size} 0 R]`) },
      { number: size, body: stream('BT /F1 14 Tf 72 700 Td (Khong co hieu luc) Tj ET') },
    ]);
    const reports = verifyPdf(signPdf(changed, organisation.identity), options());
    expect(reports.map((r) => [r.ok, r.code])).toEqual([[false, 'PDF_MODIFIED_AFTER_SIGNING'], [true, undefined]]);
    expect(reports[0].message).toMatch(/\d+ bytes/);
    expect(reports[0].message).toMatch(/object 3 \(a page\)/);
    expect(reports[0].message).toMatch(new RegExp(`object ${size} \\(a stream\\)`));
  });

  it('flags a redefined content stream, and an xref entry pointing an object back at an older definition', () => {
    const first = signPdf(makePdf('original'), person.identity);
    const replaced = appendIncrementalUpdate(first, [{ number: 5, body: stream('BT /F1 14 Tf 72 770 Td (forged) Tj ET') }]);
    expect(verifyPdf(replaced, options())[0]).toMatchObject({ code: 'PDF_MODIFIED_AFTER_SIGNING', message: expect.stringMatching(/object 5/) });

    // A revision with no new bytes for object 1 but an xref entry sending readers to its original definition.
    const text = first.toString('latin1');
    const original = text.indexOf('1 0 obj');
    const prev = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1];
    const xrefAt = first.length + 1;
    const pointBack = `\nxref\n1 1\n${String(original).padStart(10, '0')} 00000 n \ntrailer\n<< /Size ${sizeOf(first)} /Root 1 0 R /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    const reverted = Buffer.concat([first, Buffer.from(pointBack, 'latin1')]);
    expect(verifyPdf(reverted, options())[0]).toMatchObject({ code: 'PDF_MODIFIED_AFTER_SIGNING', message: expect.stringMatching(/earlier definition/) });
  });

  it('flags an xref entry pointing into the data of an allowed stream, where a forged object hides', () => {
    const signed = signPdf(makePdf('hidden'), organisation.identity);
    const n = sizeOf(signed);
    const forged = `5 0 obj\n${stream('BT /F1 14 Tf 72 770 Td (forged) Tj ET')}\nendobj\n`;
    const withDss = appendIncrementalUpdate(signed, [{ number: n, body: `<< /Type /DSS /Certs [${n + 1} 0 R] >>` }, { number: n + 1, body: stream(forged) }]);
    // Point object 5 at the forged definition inside the certificate stream's data.
    const text = withDss.toString('latin1');
    const hiddenAt = text.lastIndexOf('5 0 obj');
    const prev = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1];
    const xrefAt = withDss.length + 1;
    const update = `\nxref\n5 1\n${String(hiddenAt).padStart(10, '0')} 00000 n \ntrailer\n<< /Size ${n + 2} /Root 1 0 R /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    const reports = verifyPdf(Buffer.concat([withDss, Buffer.from(update, 'latin1')]), options());
    expect(reports[0]).toMatchObject({ code: 'PDF_MODIFIED_AFTER_SIGNING', message: expect.stringMatching(/object 5 at bytes that do not define it/) });
  });

  it('flags a catalog update that changes more than the form (an /OpenAction)', () => {
    const first = signPdf(makePdf('catalog'), person.identity);
    const catalog = /1 0 obj\n([\s\S]*?)\nendobj/g;
    const bodies = [...first.toString('latin1').matchAll(catalog)];
    const current = bodies.at(-1)![1];
    const changed = appendIncrementalUpdate(first, [{ number: 1, body: current.replace(/>>\s*$/, ' /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> >>') }]);
    expect(verifyPdf(changed, options())[0]).toMatchObject({ code: 'PDF_MODIFIED_AFTER_SIGNING', message: expect.stringMatching(/catalog/) });
  });

  it('accepts validation data (DSS, VRI, certificate and CRL streams) and a document time-stamp after the last signature', () => {
    const signed = signPdf(makePdf('long-term'), organisation.identity);
    const n = sizeOf(signed);
    const catalogBody = [...signed.toString('latin1').matchAll(/1 0 obj\n([\s\S]*?)\nendobj/g)].at(-1)![1];
    const withDss = appendIncrementalUpdate(signed, [
      { number: 1, body: catalogBody.replace(/>>\s*$/, ` /DSS ${n} 0 R >>`) },
      { number: n, body: `<< /Type /DSS /Certs [${n + 1} 0 R] /CRLs [${n + 2} 0 R] /VRI << /ABCDEF ${n + 3} 0 R >> >>` },
      { number: n + 1, body: stream('certificate bytes') },
      { number: n + 2, body: stream('crl bytes') },
      { number: n + 3, body: `<< /Type /VRI /Cert [${n + 1} 0 R] /CRL [${n + 2} 0 R] >>` },
    ]);
    const m = sizeOf(withDss);
    const withTimestamp = appendIncrementalUpdate(withDss, [
      { number: m, body: `<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161 /ByteRange [0 0 0 0] /Contents <00> >>` },
      { number: m + 1, body: `<< /FT /Sig /T (Timestamp) /V ${m} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 >>` },
    ]);
    const reports = verifyPdf(withTimestamp, options());
    expect(reports).toHaveLength(1); // a document time-stamp is validation data, not a signature
    expect(reports[0]).toMatchObject({ ok: true, coversWholeFile: false });
  });

  it('flags bytes after the last signature that are not an incremental update', () => {
    const signed = signPdf(makePdf('tail'), organisation.identity);
    expect(verifyPdf(Buffer.concat([signed, Buffer.from('\n% changed\n')]), options())[0].code).toBe('PDF_MODIFIED_AFTER_SIGNING');
    expect(verifyPdf(Buffer.concat([signed, Buffer.from('\n4 0 obj\n<< /Type /Font')]), options())[0].code).toBe('PDF_MODIFIED_AFTER_SIGNING');
  });
});
