import { EdxError } from '@edx/common';

/** One object of an incremental update: its number (generation 0) and its body, as PDF text. */
export interface PdfObjectUpdate {
  readonly number: number;
  readonly body: string;
}

export interface PdfTrailer {
  /** The catalog reference, e.g. "1 0". */
  readonly root: string;
  readonly size: number;
  readonly startxref: number;
}

/** The last trailer of a PDF with classic cross-reference tables. Throws PDF_MALFORMED otherwise. */
export function lastTrailer(text: string): PdfTrailer {
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  const trailers = [...text.matchAll(/trailer\s*<<([\s\S]*?)>>\s*startxref/g)];
  const trailer = trailers.at(-1)?.[1];
  const root = trailer && /\/Root\s+(\d+\s+\d+)\s+R/.exec(trailer)?.[1];
  const size = trailer && /\/Size\s+(\d+)/.exec(trailer)?.[1];
  if (!startxref || !root || !size) {
    throw new EdxError('PDF_MALFORMED', 'This PDF uses a cross-reference stream or is damaged; edx writes into PDFs with a classic xref table only.');
  }
  return { root, size: Number(size), startxref: Number(startxref[1]) };
}

/** The body (between "obj" and "endobj") of the newest definition of object `ref` ("5 0"). Throws PDF_MALFORMED. */
export function objectBody(text: string, ref: string): string {
  const [num, gen] = ref.split(/\s+/);
  const all = [...text.matchAll(new RegExp(`(?:^|\\s)${num}\\s+${gen}\\s+obj\\s*([\\s\\S]*?)\\s*endobj`, 'g'))];
  const body = all.at(-1)?.[1];
  if (body === undefined) throw new EdxError('PDF_MALFORMED', `Object ${ref} of the PDF cannot be found.`);
  return body;
}

/**
 * Appends an incremental update (ISO 32000-1, 7.5.6): the objects, an xref section for them and a
 * trailer chained to the previous one with /Prev. Earlier bytes stay as they were, so earlier
 * signatures keep verifying. Throws PDF_MALFORMED for a PDF without a classic xref table.
 */
export function appendIncrementalUpdate(pdf: Buffer, objects: readonly PdfObjectUpdate[]): Buffer {
  const { root, size, startxref } = lastTrailer(pdf.toString('latin1'));
  let update = '\n';
  const offsets: Array<[number, number]> = [];
  for (const { number, body } of objects) {
    offsets.push([number, pdf.length + Buffer.byteLength(update, 'latin1')]);
    update += `${number} 0 obj\n${body}\nendobj\n`;
  }
  const xrefAt = pdf.length + Buffer.byteLength(update, 'latin1');
  update += 'xref\n';
  for (const [num, offset] of offsets.sort((a, b) => a[0] - b[0])) update += `${num} 1\n${String(offset).padStart(10, '0')} 00000 n \n`;
  const newSize = Math.max(size, ...objects.map((o) => o.number + 1));
  update += `trailer\n<< /Size ${newSize} /Root ${root} R /Prev ${startxref} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
}
