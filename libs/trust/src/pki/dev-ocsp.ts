import { sign as signBytes } from 'node:crypto';
import { Certificate } from '../certs/certificate';
import { contentOf, encodingOf, isContext, readBer } from '../pdf/ber';
import { algorithmIdentifier, explicit, generalizedTime, implicitConstructed, octetString, oid, sequence, tlv } from '../pdf/der';
import { x509FieldsOf } from '../pdf/x509-fields';
import { OCSP_OID, nonceOf } from '../revocation/ocsp';
import type { DevCa, DevPki } from './dev-pki';

const HOUR = 3600 * 1000;
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';

export interface DevOcspOptions {
  /** Who signs: the issuing CA (default) or another key and certificate (a delegated responder, or a stranger in tests). */
  readonly signer?: DevCa;
  /** How long an answer is good for (default 1 hour; 0 leaves nextUpdate out). */
  readonly validHours?: number;
  readonly clock?: () => Date;
}

/**
 * A development OCSP responder (RFC 6960) over a DevPki: answers each request's certificates from the
 * PKI's revocations, signed by the issuing CA or a delegated responder. Tests and the CLI only.
 */
export class DevOcspResponder {
  constructor(
    private readonly pki: DevPki,
    private readonly options: DevOcspOptions = {},
  ) {}

  /** The OCSPResponse (DER) to an OCSPRequest (DER); a request that cannot be read gets malformedRequest. */
  respond(requestDer: Buffer): Buffer {
    let requests: Buffer[];
    let nonce: Buffer | undefined;
    try {
      const tbs = readBer(requestDer).children[0]!;
      const list = tbs.children.find((c) => c.tagClass === 'universal' && c.tag === 0x10)!;
      requests = list.children.map((r) => Buffer.from(encodingOf(r.children[0]!)));
      nonce = nonceOf(tbs.children.find((c) => isContext(c, 2)));
    } catch {
      return sequence(tlv(0x0a, Buffer.from([1]))); // malformedRequest
    }
    const now = (this.options.clock ?? (() => new Date()))();
    const hours = this.options.validHours ?? 1;
    const singles = requests.map((certId) => {
      const serial = contentOf(readBer(certId).children[3]!).toString('hex').replace(/^0+(?=.)/, '');
      const revokedAt = this.pki.revokedAt(serial);
      const status = revokedAt ? implicitConstructed(1, sequence(generalizedTime(revokedAt))) : Buffer.from([0x80, 0x00]);
      return sequence(certId, status, generalizedTime(now), ...(hours > 0 ? [explicit(0, generalizedTime(new Date(now.getTime() + hours * HOUR)))] : []));
    });
    const signer = this.options.signer ?? this.pki.issuingCa;
    const signerCertificate = Certificate.from(signer.certificatePem);
    const responseData = sequence(
      explicit(1, x509FieldsOf(signerCertificate).subjectName),
      generalizedTime(now),
      sequence(...singles),
      ...(nonce ? [explicit(1, sequence(sequence(oid(OCSP_OID.nonce), octetString(octetString(nonce)))))] : []),
    );
    const signature = signBytes('sha256', responseData, signer.keyPem);
    const delegated = signer.certificatePem !== this.pki.issuingCa.certificatePem;
    const basic = sequence(
      responseData,
      algorithmIdentifier(SHA256_WITH_RSA),
      tlv(0x03, Buffer.from([0]), signature),
      ...(delegated ? [explicit(0, sequence(signerCertificate.der))] : []),
    );
    return sequence(tlv(0x0a, Buffer.from([0])), explicit(0, sequence(oid(OCSP_OID.basic), octetString(basic))));
  }
}
