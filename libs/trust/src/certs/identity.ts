import { KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import forge from 'node-forge';
import { EdxError } from '@edx/common';
import { Certificate, certificatesFromPem } from './certificate';

/** A signer: its private key (native, for fast signing), its certificate and the CA chain above it. */
export interface SigningIdentity {
  readonly certificate: Certificate;
  readonly privateKey: KeyObject;
  readonly chain: readonly Certificate[];
}

export type IdentitySource =
  | { pem: { key: string; cert: string; chain?: string } }
  | { pkcs12: { der: Buffer; password: string } };

/** Loads a signing identity from PEM files' text or a PKCS#12 file. Throws KEY_INVALID with the reason. */
export function loadIdentity(source: IdentitySource): SigningIdentity {
  if ('pem' in source) {
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(source.pem.key);
    } catch (error) {
      throw new EdxError('KEY_INVALID', `The private key cannot be read: ${(error as Error).message}.`);
    }
    const [certificate, ...rest] = certificatesFromPem(source.pem.cert);
    if (!certificate) throw new EdxError('KEY_INVALID', 'No certificate was found in the certificate file.');
    return checked({ certificate, privateKey, chain: [...rest, ...(source.pem.chain ? certificatesFromPem(source.pem.chain) : [])] });
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(source.pkcs12.der.toString('binary'))), source.pkcs12.password);
  } catch (error) {
    throw new EdxError('KEY_INVALID', `The PKCS#12 file cannot be opened (wrong password or damaged file): ${(error as Error).message}.`);
  }
  const keyBag = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ][0];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [];
  if (!keyBag?.key || certBags.length === 0) throw new EdxError('KEY_INVALID', 'The PKCS#12 file holds no private key or no certificate.');
  const privateKey = createPrivateKey(forge.pki.privateKeyToPem(keyBag.key));
  const certificates = certBags.flatMap((b) => (b.cert ? [Certificate.from(forge.pki.certificateToPem(b.cert))] : []));
  const publicKeyPem = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
  const mine = publicKeyPem(createPublicKeyOf(privateKey));
  const certificate = certificates.find((c) => publicKeyPem(c.native.publicKey) === mine);
  if (!certificate) throw new EdxError('KEY_INVALID', 'No certificate in the PKCS#12 file matches its private key.');
  return { certificate, privateKey, chain: certificates.filter((c) => c !== certificate) };
}

function createPublicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}

function checked(identity: SigningIdentity): SigningIdentity {
  const a = createPublicKey(identity.privateKey).export({ type: 'spki', format: 'der' });
  const b = identity.certificate.native.publicKey.export({ type: 'spki', format: 'der' });
  if (!Buffer.from(a).equals(Buffer.from(b))) throw new EdxError('KEY_INVALID', 'The private key does not belong to the certificate.');
  return identity;
}
