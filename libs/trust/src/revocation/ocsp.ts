import { createHash, randomBytes } from 'node:crypto';
import { EdxError } from '@edx/common';
import { AlgorithmPolicy, algorithmRefusal } from '../certs/algorithm-policy';
import { Certificate } from '../certs/certificate';
import { isSignatureBy } from '../certs/signature-algorithms';
import { BerNode, contentOf, encodingOf, isContext, isUniversal, oidOf, readBer, timeOf } from '../pdf/ber';
import { algorithmIdentifier, explicit, octetString, oid, sequence } from '../pdf/der';
import { OID } from '../pdf/oids';
import { x509FieldsOf } from '../pdf/x509-fields';

/** RFC 6960 object identifiers. */
export const OCSP_OID = {
  basic: '1.3.6.1.5.5.7.48.1.1',
  nonce: '1.3.6.1.5.5.7.48.1.2',
  /** extendedKeyUsage purpose of a responder the CA delegated to (RFC 6960 4.2.2.2). */
  signing: '1.3.6.1.5.5.7.3.9',
} as const;

/** What an OCSP responder said about one certificate, after its signature and binding were checked. */
export interface OcspAnswer {
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revokedAt?: Date;
  readonly thisUpdate: Date;
  /** undefined: the responder always has newer information (RFC 6960 2.4); callers bound the age. */
  readonly nextUpdate?: Date;
  readonly producedAt: Date;
  /** The subject of the certificate that signed the response (the CA or its delegated responder). */
  readonly responder: string;
}

const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '(unused)', 'sigRequired', 'unauthorized'];

/** The CertID fields of `cert` under `issuer` for `digest` (RFC 6960 4.1.1). */
function certId(cert: Certificate, issuer: Certificate, digest: 'sha1' | 'sha256') {
  const hash = (bytes: Buffer) => createHash(digest).update(bytes).digest();
  return {
    issuerNameHash: hash(x509FieldsOf(issuer).subjectName),
    issuerKeyHash: hash(subjectPublicKeyBits(issuer)),
    serialNumber: x509FieldsOf(cert).serialNumber,
  };
}

/** The subjectPublicKey BIT STRING's bits (without the unused-bits octet): what issuerKeyHash hashes. */
function subjectPublicKeyBits(cert: Certificate): Buffer {
  const spki = readBer(cert.native.publicKey.export({ type: 'spki', format: 'der' }));
  return contentOf(spki.children[1]!).subarray(1);
}

/** An OCSPRequest (DER) for one certificate, with a nonce the response may echo. */
export function ocspRequest(cert: Certificate, issuer: Certificate, nonce: Buffer = randomBytes(16)): Buffer {
  const id = certId(cert, issuer, 'sha1');
  const reqCert = sequence(algorithmIdentifier(OID.sha1), octetString(id.issuerNameHash), octetString(id.issuerKeyHash), id.serialNumber);
  const nonceExtension = sequence(oid(OCSP_OID.nonce), octetString(octetString(nonce)));
  return sequence(sequence(sequence(sequence(reqCert)), explicit(2, sequence(nonceExtension))));
}

/** The nonce of a request made by ocspRequest (the responder side echoes it). */
export function nonceOf(extensions: BerNode | undefined): Buffer | undefined {
  for (const extension of extensions?.children[0]?.children ?? []) {
    if (oidOf(extension.children[0]) === OCSP_OID.nonce) {
      const value = extension.children.find((c) => isUniversal(c, 4));
      if (!value) return undefined;
      const inner = readBer(contentOf(value));
      return isUniversal(inner, 4) ? contentOf(inner) : contentOf(value);
    }
  }
  return undefined;
}

export interface OcspCheck {
  readonly cert: Certificate;
  readonly issuer: Certificate;
  /** The request's nonce: a response that carries another one is refused (a replayed answer). */
  readonly nonce?: Buffer;
  readonly now: Date;
  readonly policy?: AlgorithmPolicy;
}

/**
 * Reads an OCSPResponse and returns its answer for `check.cert`, after checking that the CA itself
 * or a responder it delegated to (a certificate it issued with the OCSPSigning purpose, valid now)
 * signed it. Throws REVOCATION_UNKNOWN with the reason for anything else: an unsuccessful status, a
 * bad signature, a response about another certificate, a nonce that is not ours.
 */
export function readOcspResponse(der: Buffer, check: OcspCheck): OcspAnswer {
  const refuse = (why: string) => new EdxError('REVOCATION_UNKNOWN', `The OCSP response for ${check.cert.subject} ${why}.`);
  let basic: BerNode;
  try {
    const response = readBer(der);
    const status = contentOf(response.children[0]!)[0] ?? 255;
    if (status !== 0) throw refuse(`says ${RESPONSE_STATUS[status] ?? `status ${status}`}`);
    const bytes = response.children.find((c) => isContext(c, 0))?.children[0];
    if (!bytes || oidOf(bytes.children[0]) !== OCSP_OID.basic) throw refuse('is not a basic OCSP response');
    basic = readBer(contentOf(bytes.children[1]!));
  } catch (error) {
    if (error instanceof EdxError && error.code === 'REVOCATION_UNKNOWN') throw error;
    throw refuse(`cannot be read: ${(error as Error).message}`);
  }
  try {
    const [tbs, algorithm, signatureBits, certsNode] = basic.children;
    const signatureAlgorithm = oidOf(algorithm!.children[0]);
    const signature = contentOf(signatureBits!).subarray(1);
    const signer = responderOf(encodingOf(tbs!), signatureAlgorithm, signature, check, certsNode);
    if (!signer) throw refuse(`is not signed by ${check.issuer.subject} or a responder it delegated to`);
    const weak = algorithmRefusal('signature', signatureAlgorithm, { signedAt: check.now, what: `the OCSP response of ${signer.subject}`, policy: check.policy });
    if (weak) throw new EdxError('SIGNATURE_ALGORITHM_WEAK', weak);

    const fields = tbs!.children;
    const first = isContext(fields[0], 0) ? 1 : 0; // after the optional [0] version
    const producedAt = timeOf(fields[first + 1]);
    const responses = fields[first + 2]?.children ?? [];
    const extensions = fields.slice(first + 3).find((f) => isContext(f, 1)); // responderID byName is a [1] too
    if (!producedAt) throw refuse('has no producedAt time');
    const echoed = nonceOf(extensions);
    if (check.nonce && echoed && !echoed.equals(check.nonce)) throw refuse('answers another request (its nonce is not ours)');
    for (const single of responses) {
      if (!isAbout(single.children[0]!, check)) continue;
      return { ...statusOf(single, refuse), producedAt, responder: signer.subject };
    }
    throw refuse(`does not mention serial ${check.cert.serialNumber}`);
  } catch (error) {
    if (error instanceof EdxError) throw error;
    throw refuse(`cannot be read: ${(error as Error).message}`);
  }
}

/** The certificate whose key made the signature: the CA, or a delegated responder among `certsNode`. */
function responderOf(tbs: Buffer, algorithm: string, signature: Buffer, check: OcspCheck, certsNode: BerNode | undefined): Certificate | undefined {
  if (isSignatureBy(algorithm, tbs, signature, check.issuer.native.publicKey)) return check.issuer;
  for (const node of certsNode?.children[0]?.children ?? []) {
    let candidate: Certificate;
    try {
      candidate = Certificate.from(Buffer.from(encodingOf(node)));
    } catch {
      continue;
    }
    const purposes = x509FieldsOf(candidate).extendedKeyUsage?.purposes ?? [];
    const delegated = candidate.issuer === check.issuer.subject && candidate.isSignedBy(check.issuer) && purposes.includes(OCSP_OID.signing) && candidate.isValidAt(check.now);
    if (delegated && isSignatureBy(algorithm, tbs, signature, candidate.native.publicKey)) return candidate;
  }
  return undefined;
}

/** True when a SingleResponse's CertID names `check.cert` under `check.issuer` (SHA-1 or SHA-256 hashes). */
function isAbout(id: BerNode, check: OcspCheck): boolean {
  const [hashAlgorithm, nameHash, keyHash, serial] = id.children;
  const algorithmOid = oidOf(hashAlgorithm!.children[0]);
  const digest = algorithmOid === OID.sha1 ? 'sha1' : algorithmOid === OID.sha256 ? 'sha256' : undefined;
  if (!digest || !nameHash || !keyHash || !serial) return false;
  const expected = certId(check.cert, check.issuer, digest);
  return contentOf(nameHash).equals(expected.issuerNameHash) && contentOf(keyHash).equals(expected.issuerKeyHash) && encodingOf(serial).equals(expected.serialNumber);
}

function statusOf(single: BerNode, refuse: (why: string) => EdxError): Omit<OcspAnswer, 'producedAt' | 'responder'> {
  const [, status, thisUpdateNode, ...rest] = single.children;
  const thisUpdate = timeOf(thisUpdateNode);
  if (!thisUpdate) throw refuse('has no thisUpdate time');
  const nextUpdate = timeOf(rest.find((r) => isContext(r, 0))?.children[0]);
  if (isContext(status, 0)) return { status: 'good', thisUpdate, nextUpdate };
  if (isContext(status, 1)) {
    const revokedAt = timeOf(status!.children[0]);
    if (!revokedAt) throw refuse('says revoked without a revocation time');
    return { status: 'revoked', revokedAt, thisUpdate, nextUpdate };
  }
  return { status: 'unknown', thisUpdate, nextUpdate };
}
