import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { EdxError } from '@edx/common';
import { AlgorithmPolicy, algorithmRefusal } from './algorithm-policy';
import { Certificate } from './certificate';
import { pemBlocks, toPem } from './der-pem';
import { isSignatureBy } from './signature-algorithms';

/** A parsed certificate revocation list. */
export class RevocationList {
  private readonly issuedBy = new Map<string, boolean>();

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
      if (asn.offset !== der.length) throw new EdxError('KEY_INVALID', `The revocation list is followed by ${der.length - asn.offset} bytes that are not part of it.`);
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

  /** The list as PEM (X509 CRL), however it was read. */
  get pem(): string {
    return toPem('X509 CRL', this.der);
  }

  /** Who issued it, written as certificate subjects are here ("CN=…, O=…, C=VN"). */
  get issuerName(): string {
    return this.crl.issuer.typesAndValues
      .map((tv) => `${NAME_ATTRIBUTES[tv.type] ?? tv.type}=${String((tv.value as { valueBlock: { value: unknown } }).valueBlock.value)}`)
      .join(', ');
  }

  /** OID of the algorithm the list is signed with. */
  get signatureAlgorithm(): string {
    return this.crl.signatureAlgorithm.algorithmId;
  }

  /** True when `issuer`'s key made this list's signature (whatever the algorithm: the policy judges that). */
  isSignedBy(issuer: Certificate): boolean {
    const signature = Buffer.from(this.crl.signatureValue.valueBlock.valueHexView);
    return isSignatureBy(this.signatureAlgorithm, Buffer.from(this.crl.tbsView), signature, issuer.native.publicKey);
  }

  /** True when `issuer` signed this list and may sign CRLs (KeyUsage cRLSign): only then is it evidence. Remembered per issuer. */
  isIssuedBy(issuer: Certificate): boolean {
    let issued = this.issuedBy.get(issuer.fingerprint);
    if (issued === undefined) {
      issued = issuer.keyUsage?.cRLSign === true && this.isSignedBy(issuer);
      this.issuedBy.set(issuer.fingerprint, issued);
    }
    return issued;
  }

  /** Why the algorithm policy refuses this list's signature (judged at its thisUpdate), or undefined. */
  algorithmRefusal(issuer: Certificate, policy?: AlgorithmPolicy): string | undefined {
    return algorithmRefusal('signature', this.signatureAlgorithm, { signedAt: this.thisUpdate, what: `the revocation list of ${issuer.subject}`, policy });
  }

  /** When the certificate with this serial (hex) was revoked, if it was. */
  revokedAt(serialHex: string): Date | undefined {
    return this.revoked.get(serialHex.toLowerCase().replace(/^0+(?=.)/, ''));
  }
}

/** Each issuer's newest list (by thisUpdate) among `crls`: a replaced one is no longer evidence. */
export function latestCrlPerIssuer(crls: Iterable<RevocationList>): RevocationList[] {
  const latest = new Map<string, RevocationList>();
  for (const crl of crls) {
    const held = latest.get(crl.issuerName);
    if (!held || crl.thisUpdate > held.thisUpdate) latest.set(crl.issuerName, crl);
  }
  return [...latest.values()];
}

/**
 * The CA among `cas` that issued `crl`, for whoever stores a CRL (the console): throws CERT_UNTRUSTED
 * when none of them signed it, CERT_CHAIN_INVALID when the one that did may not sign CRLs (no
 * cRLSign), SIGNATURE_ALGORITHM_WEAK when its algorithm is refused.
 */
export function crlIssuerAmong(crl: RevocationList, cas: readonly Certificate[], policy?: AlgorithmPolicy): Certificate {
  const signer = cas.find((ca) => crl.isSignedBy(ca));
  if (!signer) throw new EdxError('CERT_UNTRUSTED', 'The revocation list is not signed by any trust anchor or intermediate CA registered here; register its CA first.');
  if (!signer.keyUsage?.cRLSign) throw new EdxError('CERT_CHAIN_INVALID', `The revocation list is signed by ${signer.subject}, which may not sign CRLs (its KeyUsage lacks cRLSign).`);
  const refusal = crl.algorithmRefusal(signer, policy);
  if (refusal) throw new EdxError('SIGNATURE_ALGORITHM_WEAK', refusal);
  return signer;
}

const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '0.9.2342.19200300.100.1.1': 'UID',
};

function pemCrlToDer(pem: string): Buffer {
  const block = pemBlocks(pem, 'The PEM text').find((b) => b.label === 'X509 CRL');
  if (!block) throw new EdxError('KEY_INVALID', 'Expected a PEM revocation list (-----BEGIN X509 CRL-----).');
  return block.der;
}
