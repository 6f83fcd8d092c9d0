import { KeyObject, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import forge from 'node-forge';
import { EdxError } from '@edx/common';

/** SHA-256 (hex) of a public key's SubjectPublicKeyInfo DER: the same for a key pair, its CSR and its certificates. */
export function publicKeyFingerprint(key: KeyObject | forge.pki.rsa.PublicKey): string {
  const object = key instanceof KeyObject ? (key.type === 'private' ? createPublicKey(key) : key) : createPublicKey(forge.pki.publicKeyToPem(key));
  return createHash('sha256').update(object.export({ type: 'spki', format: 'der' })).digest('hex');
}

/**
 * A certificate signing request for `keyPem`: the holder proves it has the key, and the CA writes
 * the identity it decides (the subject here is only a hint). `keyPem` may be encrypted (PKCS#8, `passphrase`).
 */
export function certificateRequest(keyPem: string, commonName: string, passphrase?: string): string {
  let clear: string;
  try {
    clear = createPrivateKey({ key: keyPem, passphrase }).export({ type: 'pkcs8', format: 'pem' }).toString();
  } catch (error) {
    throw new EdxError('KEY_INVALID', `The private key cannot be read${passphrase ? ' with this passphrase' : ''}: ${(error as Error).message}`);
  }
  const key = forge.pki.privateKeyFromPem(clear) as forge.pki.rsa.PrivateKey;
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  csr.setSubject([{ shortName: 'CN', value: commonName }]);
  csr.sign(key, forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}

/**
 * The public key of a CSR whose signature proves its holder has the private key. KEY_INVALID for
 * what cannot be read, is not RSA of at least 2048 bits, or is not signed by its own key.
 */
export function csrPublicKey(csrPem: string): forge.pki.rsa.PublicKey {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(csrPem);
  } catch (error) {
    throw new EdxError('KEY_INVALID', `The certificate request cannot be read (${(error as Error).message}); send a PEM "CERTIFICATE REQUEST" with an RSA key.`);
  }
  if (!csr.verify()) throw new EdxError('KEY_INVALID', 'The certificate request is not signed by its own key.');
  const key = csr.publicKey as forge.pki.rsa.PublicKey | null;
  if (!key?.n || key.n.bitLength() < 2048) throw new EdxError('KEY_INVALID', 'The certificate request needs an RSA key of at least 2048 bits.');
  return key;
}
