import { verify as verifySignature } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { EdxError } from '@edx/common';
import { Certificate } from './certificate';
import { digestForOid } from './signature-algorithms';

/** A parsed certificate revocation list. */
export class RevocationList {
  private constructor(
    private readonly crl: pkijs.CertificateRevocationList,
    readonly der: Buffer,
    readonly thisUpdate: Date,
    readonly nextUpdate: Date | undefined,
    readonly revoked: ReadonlyMap<string, Date>,
  ) {}

  /** Parses a CRL in PEM or DER; KEY_INVALID when it cannot be read. */
  static from(input: Buffer | string): RevocationList {
    const der = typeof input === 'string' ? pemCrlToDer(input) : input;
    try {
      const asn = asn1js.fromBER(new Uint8Array(der));
      if (asn.offset === -1) throw new EdxError('KEY_INVALID', `The revocation list is not valid DER/BER: ${asn.result.error}.`);
      const crl = new pkijs.CertificateRevocationList({ schema: asn.result });
      const revoked = new Map<string, Date>();
      for (const entry of crl.revokedCertificates ?? []) {
        const serial = Buffer.from(entry.userCertificate.valueBlock.valueHexView).toString('hex').replace(/^0+(?=.)/, '');
        revoked.set(serial, entry.revocationDate.value);
      }
      return new RevocationList(crl, der, crl.thisUpdate.value, crl.nextUpdate?.value, revoked);
    } catch (error) {
      if (error instanceof EdxError) throw error;
      throw new EdxError('KEY_INVALID', `The revocation list cannot be read: ${(error as Error).message}.`);
    }
  }

  /** True when `issuer` signed this list. */
  isIssuedBy(issuer: Certificate): boolean {
    try {
      const digest = digestForOid(this.crl.signatureAlgorithm.algorithmId);
      const signature = Buffer.from(this.crl.signatureValue.valueBlock.valueHexView);
      return verifySignature(digest, Buffer.from(this.crl.tbsView), issuer.native.publicKey, signature);
    } catch {
      return false;
    }
  }

  /** When the certificate with this serial (hex) was revoked, if it was. */
  revokedAt(serialHex: string): Date | undefined {
    return this.revoked.get(serialHex.toLowerCase().replace(/^0+(?=.)/, ''));
  }
}

function pemCrlToDer(pem: string): Buffer {
  const match = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/.exec(pem);
  if (!match) throw new EdxError('KEY_INVALID', 'Expected a PEM revocation list (-----BEGIN X509 CRL-----).');
  return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
}
