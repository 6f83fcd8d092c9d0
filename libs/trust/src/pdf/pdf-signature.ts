import { createHash, verify as verifyBytes } from 'node:crypto';
import { EdxError, ErrorCode } from '@edx/common';
import { Certificate } from '../certs/certificate';
import { algorithmRefusal } from '../certs/algorithm-policy';
import { digestForOid } from '../certs/signature-algorithms';
import type { RevocationAnswer } from '../revocation/revocation-source';
import { SignerInfo, VerifyOptions, signerInfo } from '../verdict';
import { readCmsSignature } from './cms';
import { JudgedTime, judgedTime } from './judged-time';
import { OID } from './oids';
import { PdfObjectIndex, changesAfterSignedRevision } from './revision-coverage';
import { findSignerCertificate, signingCertificateMismatch } from './signer-certificate';

export interface PdfSignatureReport {
  /** 1 for the first signature in the file. */
  readonly index: number;
  readonly ok: boolean;
  readonly code?: ErrorCode;
  readonly message: string;
  readonly subFilter?: string;
  readonly signer?: SignerInfo;
  /** The signingTime the signer wrote in the CMS: a claim, reported and never relied on. */
  readonly claimedSigningTime?: Date;
  /** The time the certificate was judged at: the verifier's provable time, or a trusted TSA's genTime. */
  readonly judgedAt: Date;
  readonly judgedBy: JudgedTime['by'];
  /** The TSA whose time-stamp set `judgedAt`. */
  readonly timestampAuthority?: string;
  /** The certificate was valid, and not revoked, at `judgedAt`. */
  readonly validAtJudgedTime: boolean;
  readonly validNow: boolean;
  /** True when the signature covers the file up to its last byte. */
  readonly coversWholeFile: boolean;
  /** What was learnt about the revocation of each certificate of the signer's chain, leaf first. */
  readonly revocation?: readonly RevocationAnswer[];
}

interface SignatureDictionary {
  readonly byteRange: [number, number, number, number];
  readonly subFilter?: string;
}

/**
 * Finds every signature dictionary by its /ByteRange (incremental updates included), in file order.
 * A document time-stamp (/Type /DocTimeStamp) is validation data, not a signature: it is left out.
 */
function findSignatureDictionaries(text: string): SignatureDictionary[] {
  const found: SignatureDictionary[] = [];
  for (const m of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const start = text.lastIndexOf('<<', m.index);
    const end = text.indexOf('>>', m.index);
    const dictionary = text.slice(Math.max(0, start), end === -1 ? undefined : end + 2);
    if (/\/Type\s*\/DocTimeStamp\b/.test(dictionary)) continue;
    found.push({
      byteRange: [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])],
      subFilter: /\/SubFilter\s*\/([A-Za-z0-9.]+)/.exec(dictionary)?.[1],
    });
  }
  return found;
}

/**
 * Verifies every signature in a PDF: that its ByteRange covers the whole file but exactly the
 * /Contents string, the message digest, the signature over the signed attributes by the certificate
 * the CMS names, and that certificate at a provable time (see judgedTime). What follows each
 * signature's signed revision may add signatures and validation data only (see revision-coverage):
 * anything else means the document changed after that signature. Never throws for a bad PDF: one
 * report per signature says why.
 */
export function verifyPdf(pdf: Buffer, options: VerifyOptions): PdfSignatureReport[] {
  const text = pdf.toString('latin1');
  const objects = new PdfObjectIndex(text);
  return findSignatureDictionaries(text).map((dictionary, i) => {
    const index = i + 1;
    try {
      return verifyOne(pdf, objects, dictionary, index, options);
    } catch (error) {
      const e = error instanceof EdxError ? error : new EdxError('PDF_MALFORMED', `Signature ${index} cannot be read: ${(error as Error).message}`);
      return { index, ok: false, code: e.code, message: e.message, subFilter: dictionary.subFilter, ...notJudged(options), coversWholeFile: false };
    }
  });
}


const notJudged = (options: VerifyOptions) => ({ judgedAt: options.at ?? new Date(), judgedBy: 'verifier' as const, validAtJudgedTime: false, validNow: false });

function verifyOne(pdf: Buffer, objects: PdfObjectIndex, dictionary: SignatureDictionary, index: number, options: VerifyOptions): PdfSignatureReport {
  const [a, b, c, d] = dictionary.byteRange;
  const base = { index, subFilter: dictionary.subFilter, coversWholeFile: c + d === pdf.length };
  const fail = (code: ErrorCode, message: string, extra: Partial<PdfSignatureReport> = {}): PdfSignatureReport => ({
    ...base, ok: false, code, message: `Signature ${index}: ${message}`, ...notJudged(options), ...extra,
  });
  if (a !== 0 || b <= 0 || c <= b || c + d > pdf.length) return fail('SIGNATURE_INVALID', 'its ByteRange does not describe this file.');
  const gap = pdf.subarray(b, c).toString('latin1');
  if (!/^<[0-9A-Fa-f]*>$/.test(gap)) return fail('SIGNATURE_INVALID', 'the bytes its ByteRange leaves out are not exactly the /Contents string.');
  const der = Buffer.from(gap.slice(1, -1), 'hex');

  const cms = readCmsSignature(der);
  const digestName = digestForOid(cms.digestAlgorithm);
  if (cms.signatureAlgorithm === OID.rsaPss) return fail('SIGNATURE_UNSUPPORTED', 'RSASSA-PSS signatures are not supported.');
  const certificates = cms.certificates.map((c) => Certificate.from(c));
  const leaf = findSignerCertificate(cms, certificates);
  if (!leaf) return fail('SIGNATURE_MALFORMED', 'the signer certificate it names (issuer and serial number, or key identifier) is not in the signature.');
  const extra = certificates.filter((c) => c !== leaf);
  const claimed = { signer: signerInfo(leaf), claimedSigningTime: cms.signingTime };
  const contentDigest = createHash(digestName).update(pdf.subarray(0, b)).update(pdf.subarray(c, c + d)).digest();
  let signedBytes: Buffer;
  if (cms.signedAttributes) {
    if (!cms.messageDigest) return fail('SIGNATURE_MALFORMED', 'its signed attributes have no message digest.', claimed);
    if (!contentDigest.equals(cms.messageDigest)) return fail('DIGEST_MISMATCH', 'the signed bytes of the PDF were altered after signing.', claimed);
    signedBytes = cms.signedAttributes;
  } else {
    signedBytes = Buffer.concat([pdf.subarray(0, b), pdf.subarray(c, c + d)]);
  }
  if (!verifyBytes(digestName, signedBytes, leaf.native.publicKey, cms.signature)) {
    return fail('SIGNATURE_INVALID', `the signature value does not verify with the certificate of ${leaf.subject}.`, claimed);
  }
  const mismatch = signingCertificateMismatch(cms, leaf);
  if (mismatch) return fail('SIGNATURE_INVALID', `${mismatch}.`, claimed);

  const time = judgedTime(cms, options);
  const why = `judged at ${time.at.toISOString()} (${time.by === 'timestamp' ? `time-stamp of ${time.authority}` : 'the verifier\'s time'})`;
  const ignored = time.ignoredTimestamp ? `; its time-stamp token was not used: ${time.ignoredTimestamp}` : '';
  // SHA-1 only for a signature provably made before the cut-off (MD5 never): judged at the provable time.
  const policy = { signedAt: time.at, what: `signature ${index}`, policy: options.trustStore.algorithmPolicy };
  const weak = algorithmRefusal('digest', cms.digestAlgorithm, policy) ?? algorithmRefusal('signature', cms.signatureAlgorithm, policy);
  if (weak) return fail('SIGNATURE_ALGORITHM_WEAK', `${weak.replace(/\.$/, '')}; ${why}${ignored}.`, { ...claimed, judgedAt: time.at, judgedBy: time.by, timestampAuthority: time.authority });
  const check = options.trustStore.check(leaf, extra, time.at, options.now ?? new Date());
  const judged = { ...claimed, judgedAt: time.at, judgedBy: time.by, timestampAuthority: time.authority, revocation: check.revocation };
  if (!check.ok) return fail(check.code!, `${check.message.replace(/\.$/, '')}; ${why}${ignored}.`, { ...judged, validNow: check.validNow });
  const later = changesAfterSignedRevision(objects, c + d);
  if (later.changes.length > 0) {
    return fail('PDF_MODIFIED_AFTER_SIGNING', `the document changed after it was signed: the ${later.bytes} bytes added after it ${later.changes.join('; ')}.`, {
      ...judged, validAtJudgedTime: true, validNow: check.validNow,
    });
  }
  return { ...base, ok: true, message: `Signature ${index}: signed by ${leaf.subject}, ${why}${ignored}.`, ...judged, validAtJudgedTime: true, validNow: check.validNow };
}
