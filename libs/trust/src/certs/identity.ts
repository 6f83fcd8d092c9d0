import { KeyObject, createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
  /** `passphrase`: of an encrypted PKCS#8 key (BEGIN ENCRYPTED PRIVATE KEY). */
  | { pem: { key: string; cert: string; chain?: string; passphrase?: string } }
  | { pkcs12: { der: Buffer; password: string } };

/** Where a passphrase comes from, for the messages that ask for it. */
const PASSPHRASE_HINT = 'EDX_KEY_PASSPHRASE_FILE for the hub and gateways, DIR/key-passphrase for the demo, --password for the CLI';

/** Loads a signing identity from PEM files' text or a PKCS#12 file. Throws KEY_INVALID with the reason. */
export function loadIdentity(source: IdentitySource): SigningIdentity {
  if ('pem' in source) {
    let privateKey: KeyObject;
    const encrypted = source.pem.key.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----');
    if (encrypted && source.pem.passphrase === undefined) throw new EdxError('KEY_INVALID', `The private key is encrypted and no passphrase was given (${PASSPHRASE_HINT}).`);
    try {
      privateKey = createPrivateKey({ key: source.pem.key, format: 'pem', passphrase: source.pem.passphrase });
    } catch (error) {
      if (encrypted) throw new EdxError('KEY_INVALID', 'The private key cannot be decrypted with the passphrase given.');
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

/** Reads a PEM key file (encrypted or not) and its certificate file. Throws KEY_INVALID naming what is wrong. */
export function loadIdentityFiles(keyFile: string, certFile: string, passphrase?: string): SigningIdentity {
  const read = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new EdxError('KEY_INVALID', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
    }
  };
  try {
    return loadIdentity({ pem: { key: read(keyFile), cert: read(certFile), passphrase } });
  } catch (error) {
    if (error instanceof EdxError && !error.message.includes(keyFile)) throw new EdxError('KEY_INVALID', `${keyFile}: ${error.message}`);
    throw error;
  }
}

/** The key as encrypted PKCS#8 PEM (PBES2: PBKDF2 and AES-256-CBC), to store at rest. */
export function encryptPrivateKey(keyPem: string, passphrase: string): string {
  return createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
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
