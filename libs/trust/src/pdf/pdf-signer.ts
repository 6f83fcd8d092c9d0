import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { EdxError } from '@edx/common';
import { Certificate } from '../certs/certificate';
import { SigningIdentity } from '../certs/identity';
import type { TimeStamper } from '../pki/dev-tsa';
import { attribute, signingCertificateAttribute, writeSignedData } from './cms-writer';
import { utcTime } from './der';
import { OID } from './oids';
import { appendIncrementalUpdate, lastTrailer, objectBody } from './pdf-update';

export interface PdfSignOptions {
  /** The signing time written in the CMS: a claim, which verifiers report but never judge by. */
  readonly signingTime?: Date;
  readonly reason?: string;
  readonly subFilter?: 'adbe.pkcs7.detached' | 'ETSI.CAdES.detached';
  readonly digest?: 'sha256' | 'sha1';
  /** Bytes reserved for the CMS blob (hex doubles it); default: enough for this signer. */
  readonly reserve?: number;
  /** Embeds an RFC 3161 signature time-stamp (over the SignatureValue) from this TSA. */
  readonly timestamp?: TimeStamper;
  /** The certificates the CMS carries, in this order (default: the signer's). */
  readonly certificates?: readonly Certificate[];
  /** What the ESS signing-certificate attribute names (default: v2, the signer's certificate); tests alter it. */
  readonly signingCertificate?: { readonly version?: 1 | 2; readonly certificate?: Certificate };
  /** How the CMS names its signer (default issuer and serial number). */
  readonly identifiedBy?: 'issuer-serial' | 'subject-key-identifier';
}

const pdfDate = (d: Date) => `D:${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
const BYTE_RANGE_PLACEHOLDER = '/ByteRange [0 0000000000 0000000000 0000000000]';

/**
 * Signs a PDF as the identity: appends an incremental update with a signature field and a signature
 * dictionary whose ByteRange covers the whole file but the /Contents string, which holds a detached
 * CMS SignedData (signed attributes: contentType, messageDigest, signingTime, signing-certificate-v2;
 * optionally a signature time-stamp). Earlier signatures stay intact, as in real multi-signature
 * documents (the person, then the organisation). Returns the signed PDF; throws PDF_MALFORMED for a
 * PDF it cannot write into.
 */
export function signPdf(pdf: Buffer, identity: SigningIdentity, options: PdfSignOptions = {}): Buffer {
  const text = pdf.toString('latin1');
  const { root, size } = lastTrailer(text);
  const catalog = objectBody(text, root);
  const sigNum = size;
  const fieldNum = size + 1;
  const signatureCount = (text.match(/\/FT\s*\/Sig/g) ?? []).length;
  const certificates = options.certificates ?? [identity.certificate];
  // Room for the CMS blob: the certificates, about 2 KiB of structure and signature, and a token.
  const reserve = options.reserve ?? certificates.reduce((n, c) => n + c.der.length, 0) + 2048 + (options.timestamp ? 8192 : 0);
  const subFilter = options.subFilter ?? 'adbe.pkcs7.detached';
  const signingTime = options.signingTime ?? new Date();

  const placeholder = '0'.repeat(reserve * 2);
  const reason = (options.reason ?? 'Ký số văn bản').replace(/[\\()]/g, (c) => `\\${c}`);
  const out = appendIncrementalUpdate(pdf, [
    { number: Number(root.split(/\s+/)[0]), body: withSignatureField(catalog, fieldNum) },
    { number: sigNum, body: `<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /${subFilter} ${BYTE_RANGE_PLACEHOLDER} /Contents <${placeholder}> /M (${pdfDate(signingTime)}) /Reason (${forge.util.encodeUtf8(reason)}) >>` },
    { number: fieldNum, body: `<< /FT /Sig /T (Signature${signatureCount + 1}) /V ${sigNum} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 132 >>` },
  ]);
  const outText = out.toString('latin1');
  const contentsStart = outText.indexOf(`/Contents <${placeholder}>`, pdf.length) + '/Contents '.length;
  const contentsEnd = contentsStart + placeholder.length + 2;
  const byteRange = [0, contentsStart, contentsEnd, out.length - contentsEnd];
  const byteRangeText = `/ByteRange [0 ${byteRange.slice(1).map((n) => String(n).padStart(10, '0')).join(' ')}]`;
  out.write(byteRangeText, outText.indexOf(BYTE_RANGE_PLACEHOLDER, pdf.length), 'latin1');

  const digest = options.digest ?? 'sha256';
  const covered = createHash(digest).update(out.subarray(0, contentsStart)).update(out.subarray(contentsEnd)).digest();
  const named = options.signingCertificate;
  const cms = writeSignedData({
    signer: { privateKey: identity.privateKey, certificate: identity.certificate, digest, identifiedBy: options.identifiedBy },
    content: { detachedDigest: covered },
    signedAttributes: [
      attribute(OID.signingTime, utcTime(signingTime)),
      signingCertificateAttribute(named?.certificate ?? identity.certificate, named?.version ?? 2),
    ],
    certificates,
    unsignedAttributes: options.timestamp ? (value) => [timestampAttribute(options.timestamp!, value)] : undefined,
  });
  if (cms.length > reserve) throw new EdxError('PDF_MALFORMED', `The signature (${cms.length} bytes) does not fit the ${reserve} bytes reserved.`);
  out.write(cms.toString('hex').padEnd(placeholder.length, '0'), contentsStart + 1, 'latin1');
  return out;
}

/** The catalog with the new signature field in its AcroForm (created when there is none). */
function withSignatureField(catalog: string, fieldNum: number): string {
  const fields = /\/AcroForm\s*<<([\s\S]*?)\/Fields\s*\[([^\]]*)\]/.exec(catalog);
  if (fields) return catalog.replace(fields[0], `${fields[0].slice(0, -fields[2].length - 1)}${fields[2]} ${fieldNum} 0 R]`);
  if (/\/AcroForm/.test(catalog)) throw new EdxError('PDF_MALFORMED', 'The PDF has an indirect AcroForm, which edx does not sign into.');
  return catalog.replace(/>>\s*$/, ` /AcroForm << /Fields [${fieldNum} 0 R] /SigFlags 3 >> >>`);
}

/** id-aa-signatureTimeStampToken: the TSA's token over the hash of the SignatureValue (RFC 3161 annex A). */
function timestampAttribute(tsa: TimeStamper, signatureValue: Buffer): Buffer {
  return attribute(OID.signatureTimeStampToken, tsa.stamp(createHash('sha256').update(signatureValue).digest(), 'sha256'));
}
