import { createHash, verify as verifyBytes } from 'node:crypto';
import { EdxError, ErrorCode } from '@edx/common';
import { Certificate } from '../certs/certificate';
import { digestForOid } from '../certs/signature-algorithms';
import { SignerInfo, VerifyOptions } from '../verdict';
import { signerInfo } from '../xmldsig/envelope-signature';
import { readCmsSignature } from './cms';

export interface PdfSignatureReport {
  /** 1 for the first signature in the file. */
  readonly index: number;
  readonly ok: boolean;
  readonly code?: ErrorCode;
  readonly message: string;
  readonly subFilter?: string;
  readonly signer?: SignerInfo;
  readonly signingTime?: Date;
  readonly validAtSigningTime: boolean;
  readonly validNow: boolean;
  /** True when the signature covers the file up to its last byte. */
  readonly coversWholeFile: boolean;
}

const RSA_PSS = '1.2.840.113549.1.1.10';

interface SignatureDictionary {
  readonly byteRange: [number, number, number, number];
  readonly subFilter?: string;
}

/** Finds every signature dictionary by its /ByteRange (incremental updates included), in file order. */
function findSignatureDictionaries(text: string): SignatureDictionary[] {
  const found: SignatureDictionary[] = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const start = text.lastIndexOf('<<', m.index);
    const end = text.indexOf('>>', m.index);
    const dictionary = text.slice(Math.max(0, start), end === -1 ? undefined : end + 2);
    found.push({
      byteRange: [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])],
      subFilter: /\/SubFilter\s*\/([A-Za-z0-9.]+)/.exec(dictionary)?.[1],
    });
  }
  return found;
}

/**
 * Verifies every signature in a PDF: that its ByteRange covers the whole file but exactly the
 * /Contents string, the message digest, the signature over the signed attributes, and the signer's
 * certificate at signing time. The last signature must cover the file to its end: bytes appended
 * after it mean the document changed after signing. Never throws for a bad PDF: reports say why.
 */
export function verifyPdf(pdf: Buffer, options: VerifyOptions): PdfSignatureReport[] {
  const text = pdf.toString('latin1');
  const dictionaries = findSignatureDictionaries(text);
  return dictionaries.map((dictionary, i) => {
    const index = i + 1;
    try {
      return verifyOne(pdf, dictionary, index, i === dictionaries.length - 1, options);
    } catch (error) {
      const e = error instanceof EdxError ? error : new EdxError('PDF_MALFORMED', `Signature ${index} cannot be read: ${(error as Error).message}`);
      return { index, ok: false, code: e.code, message: e.message, subFilter: dictionary.subFilter, validAtSigningTime: false, validNow: false, coversWholeFile: false };
    }
  });
}

function verifyOne(pdf: Buffer, dictionary: SignatureDictionary, index: number, isLast: boolean, options: VerifyOptions): PdfSignatureReport {
  const [a, b, c, d] = dictionary.byteRange;
  const base = { index, subFilter: dictionary.subFilter, coversWholeFile: c + d === pdf.length };
  const fail = (code: ErrorCode, message: string, extra: Partial<PdfSignatureReport> = {}): PdfSignatureReport => ({
    ...base, ok: false, code, message: `Signature ${index}: ${message}`, validAtSigningTime: false, validNow: false, ...extra,
  });
  if (a !== 0 || b <= 0 || c <= b || c + d > pdf.length) return fail('SIGNATURE_INVALID', 'its ByteRange does not describe this file.');
  const gap = pdf.subarray(b, c).toString('latin1');
  if (!/^<[0-9A-Fa-f]*>$/.test(gap)) return fail('SIGNATURE_INVALID', 'the bytes its ByteRange leaves out are not exactly the /Contents string.');
  const der = Buffer.from(gap.slice(1, -1), 'hex');
  const covered = Buffer.concat([pdf.subarray(0, b), pdf.subarray(c, c + d)]);

  const cms = readCmsSignature(der);
  const digestName = digestForOid(cms.digestAlgorithm);
  if (cms.signatureAlgorithm === RSA_PSS) return fail('SIGNATURE_UNSUPPORTED', 'RSASSA-PSS signatures are not supported.');
  const certificates = cms.certificates.map((c) => Certificate.from(c));
  const leaf = certificates.find((c) =>
    cms.signerSerial !== undefined ? c.serialNumber === cms.signerSerial : c.subjectKeyIdentifier === cms.signerKeyId,
  );
  if (!leaf) return fail('SIGNATURE_MALFORMED', 'the signer certificate is not in the signature.');
  const extra = certificates.filter((c) => c !== leaf);
  const who = signerInfo(leaf);
  const signingTime = cms.signingTime;
  const contentDigest = createHash(digestName).update(covered).digest();
  let signedBytes: Buffer;
  if (cms.signedAttributes) {
    if (!cms.messageDigest) return fail('SIGNATURE_MALFORMED', 'its signed attributes have no message digest.', { signer: who, signingTime });
    if (!contentDigest.equals(cms.messageDigest)) {
      return fail('DIGEST_MISMATCH', 'the signed bytes of the PDF were altered after signing.', { signer: who, signingTime });
    }
    signedBytes = cms.signedAttributes;
  } else {
    signedBytes = covered;
  }
  if (!verifyBytes(digestName, signedBytes, leaf.native.publicKey, cms.signature)) {
    return fail('SIGNATURE_INVALID', `the signature value does not verify with the certificate of ${leaf.subject}.`, { signer: who, signingTime });
  }
  const at = signingTime ?? options.at ?? new Date();
  const check = options.trustStore.check(leaf, extra, at, options.now ?? new Date());
  if (!check.ok) return fail(check.code!, check.message, { signer: who, signingTime, validNow: check.validNow });
  if (isLast && !base.coversWholeFile) {
    return fail('PDF_MODIFIED_AFTER_SIGNING', `${pdf.length - (c + d)} bytes were added after the last signature: the document changed after it was signed.`, {
      signer: who, signingTime, validAtSigningTime: true, validNow: check.validNow,
    });
  }
  return { ...base, ok: true, message: `Signature ${index}: signed by ${leaf.subject}${signingTime ? ` at ${signingTime.toISOString()}` : ''}.`, signer: who, signingTime, validAtSigningTime: true, validNow: check.validNow };
}
