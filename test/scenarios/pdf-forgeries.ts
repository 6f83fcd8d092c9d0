import { zipSync } from 'fflate';
import { appendIncrementalUpdate } from '@edx/trust';

/** Forgeries of signed PDFs that the PDF scenarios share. */

/** The signed PDF with one signed byte of its page text changed: its signature no longer holds. */
export function tamperedPdf(signed: Buffer): Buffer {
  const forged = Buffer.from(signed);
  forged.write('X', forged.indexOf('Tj ET') - 3, 'latin1');
  return forged;
}

/** An incremental update giving makePdf's page (object 3) a second content stream: new text on the page. */
export function withAddedPageText(pdf: Buffer, text: string): Buffer {
  const source = pdf.toString('latin1');
  const size = Number(/\/Size\s+(\d+)/.exec(source.slice(source.lastIndexOf('trailer')))![1]);
  const content = `BT /F1 14 Tf 72 700 Td (${text}) Tj ET`;
  return appendIncrementalUpdate(pdf, [
    { number: 3, body: `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents [5 0 R ${size} 0 R] >>` },
    { number: size, body: `<< /Length ${content.length} >>\nstream\n${content}\nendstream` },
  ]);
}

/** A zip archive of these files (deflated). */
export function zipOf(files: Record<string, Buffer>): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, new Uint8Array(bytes)]))));
}
