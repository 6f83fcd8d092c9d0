import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { EdxError } from '@edx/common';
import { SigningIdentity } from '../certs/identity';

export interface PdfSignOptions {
  readonly signingTime?: Date;
  readonly reason?: string;
  readonly subFilter?: 'adbe.pkcs7.detached' | 'ETSI.CAdES.detached';
  readonly digest?: 'sha256' | 'sha1';
  /** Bytes reserved for the CMS blob (hex doubles it); default: enough for this signer. */
  readonly reserve?: number;
}

const pdfDate = (d: Date) => `D:${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;

function lastTrailer(text: string): { root: string; size: number; startxref: number } {
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text);
  const trailers = [...text.matchAll(/trailer\s*<<([\s\S]*?)>>\s*startxref/g)];
  const trailer = trailers.at(-1)?.[1];
  const root = trailer && /\/Root\s+(\d+\s+\d+)\s+R/.exec(trailer)?.[1];
  const size = trailer && /\/Size\s+(\d+)/.exec(trailer)?.[1];
  if (!startxref || !root || !size) {
    throw new EdxError('PDF_MALFORMED', 'This PDF uses a cross-reference stream or is damaged; edx signs PDFs with a classic xref table only.');
  }
  return { root, size: Number(size), startxref: Number(startxref[1]) };
}

function objectBody(text: string, ref: string): string {
  const [num, gen] = ref.split(/\s+/);
  const all = [...text.matchAll(new RegExp(`(?:^|\\s)${num}\\s+${gen}\\s+obj\\s*([\\s\\S]*?)\\s*endobj`, 'g'))];
  const body = all.at(-1)?.[1];
  if (!body) throw new EdxError('PDF_MALFORMED', `The PDF catalog (object ${ref}) cannot be found.`);
  return body;
}

/**
 * Signs a PDF as the identity: appends an incremental update with a signature field and a signature
 * dictionary whose ByteRange covers the whole file but the /Contents string, which holds a detached
 * CMS SignedData (signed attributes: contentType, messageDigest, signingTime). Earlier signatures
 * stay intact, as in real multi-signature documents (the person, then the organisation).
 */
export function signPdf(pdf: Buffer, identity: SigningIdentity, options: PdfSignOptions = {}): Buffer {
  const text = pdf.toString('latin1');
  const { root, size, startxref } = lastTrailer(text);
  const catalog = objectBody(text, root);
  const sigNum = size;
  const fieldNum = size + 1;
  const signatureCount = (text.match(/\/FT\s*\/Sig/g) ?? []).length;
  // Room for the CMS blob: the certificate, about 1 KiB of structure and signature, and some slack.
  const reserve = options.reserve ?? identity.certificate.der.length + 1536;
  const subFilter = options.subFilter ?? 'adbe.pkcs7.detached';
  const signingTime = options.signingTime ?? new Date();

  let newCatalog: string;
  const fields = /\/AcroForm\s*<<([\s\S]*?)\/Fields\s*\[([^\]]*)\]/.exec(catalog);
  if (fields) newCatalog = catalog.replace(fields[0], `${fields[0].slice(0, -fields[2].length - 1)}${fields[2]} ${fieldNum} 0 R]`);
  else if (/\/AcroForm/.test(catalog)) throw new EdxError('PDF_MALFORMED', 'The PDF has an indirect AcroForm, which edx does not sign into.');
  else newCatalog = catalog.replace(/>>\s*$/, ` /AcroForm << /Fields [${fieldNum} 0 R] /SigFlags 3 >> >>`);

  const placeholder = '0'.repeat(reserve * 2);
  const byteRangePlaceholder = '/ByteRange [0 0000000000 0000000000 0000000000]';
  const reason = (options.reason ?? 'Ký số văn bản').replace(/[\\()]/g, (c) => `\\${c}`);
  const objects: Array<[number, string]> = [
    [Number(root.split(/\s+/)[0]), newCatalog],
    [sigNum, `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /${subFilter} ${byteRangePlaceholder} /Contents <${placeholder}> /M (${pdfDate(signingTime)}) /Reason (${forge.util.encodeUtf8(reason)}) >>`],
    [fieldNum, `<< /FT /Sig /T (Signature${signatureCount + 1}) /V ${sigNum} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 >>`],
  ];
  let update = '\n';
  const offsets: Array<[number, number]> = [];
  for (const [num, body] of objects) {
    offsets.push([num, pdf.length + Buffer.byteLength(update, 'latin1')]);
    update += `${num} 0 obj\n${body}\nendobj\n`;
  }
  const xrefAt = pdf.length + Buffer.byteLength(update, 'latin1');
  update += 'xref\n';
  for (const [num, offset] of offsets.sort((a, b) => a[0] - b[0])) update += `${num} 1\n${String(offset).padStart(10, '0')} 00000 n \n`;
  update += `trailer\n<< /Size ${size + 2} /Root ${root} R /Prev ${startxref} >>\nstartxref\n${xrefAt}\n%%EOF\n`;

  const out = Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
  const outText = out.toString('latin1');
  const contentsStart = outText.indexOf(`/Contents <${placeholder}>`, pdf.length) + '/Contents '.length;
  const contentsEnd = contentsStart + placeholder.length + 2;
  const byteRange = [0, contentsStart, contentsEnd, out.length - contentsEnd];
  const byteRangeText = `/ByteRange [0 ${byteRange.slice(1).map((n) => String(n).padStart(10, '0')).join(' ')}]`;
  out.write(byteRangeText, outText.indexOf(byteRangePlaceholder, pdf.length), 'latin1');

  const covered = Buffer.concat([out.subarray(0, contentsStart), out.subarray(contentsEnd)]);
  const cms = createDetachedCms(covered, identity, signingTime, options.digest ?? 'sha256');
  if (cms.length > reserve) throw new EdxError('PDF_MALFORMED', `The signature (${cms.length} bytes) does not fit the ${reserve} bytes reserved.`);
  out.write(cms.toString('hex').padEnd(placeholder.length, '0'), contentsStart + 1, 'latin1');
  return out;
}

function createDetachedCms(content: Buffer, identity: SigningIdentity, signingTime: Date, digest: 'sha256' | 'sha1'): Buffer {
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(content.toString('binary'));
  const cert = forge.pki.certificateFromPem(identity.certificate.pem);
  p7.addCertificate(cert);
  p7.addSigner({
    key: forge.pki.privateKeyFromPem(identity.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    certificate: cert,
    digestAlgorithm: digest === 'sha1' ? forge.pki.oids.sha1 : forge.pki.oids.sha256,
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType, value: forge.pki.oids.data },
      { type: forge.pki.oids.messageDigest },
      { type: forge.pki.oids.signingTime, value: signingTime as unknown as string },
    ],
  });
  p7.sign({ detached: true });
  // forge computes the messageDigest itself; check it used the bytes we meant.
  const der = Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
  if (!der.includes(createHash(digest).update(content).digest())) throw new EdxError('INTERNAL_ERROR', 'The CMS signature does not carry the digest of the signed bytes.');
  return der;
}
