import { EdxError } from '@edx/common';
import { Certificate } from './certificate';
import { RevocationList } from './crl';
import { derSequenceLength, isBase64Text, looksLikePem, pemBlocks } from './der-pem';

/** What one trust file (or one uploaded text) holds. */
export interface TrustMaterial {
  readonly certificates: Certificate[];
  readonly crls: RevocationList[];
}

/** One named source of trust material: a file's bytes, a database row's text, an upload. */
export interface NamedTrustInput {
  /** Named in every error: the file path, "anchor 2", "trust_material row 17". */
  readonly name: string;
  readonly bytes: Buffer | string;
}

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);
const CRL_LABELS = new Set(['X509 CRL', 'CRL']);

/**
 * Reads certificates and CRLs the way CAs publish them: PEM (any number of CERTIFICATE and X509 CRL
 * blocks), DER (one, or several concatenated), or base64 DER text (a form field). Nothing is
 * skipped: throws KEY_INVALID naming `name` (and the block) for a damaged or cut block, a block of
 * another kind (a private key), or a file that holds no certificate or CRL at all.
 */
export function readTrustMaterial(input: Buffer | string, name: string): TrustMaterial {
  const material: TrustMaterial = { certificates: [], crls: [] };
  // DER starts with a SEQUENCE (0x30, which is also the character "0": PEM text wins when it is PEM).
  const binary = typeof input !== 'string' && derSequenceLength(input) !== undefined && !looksLikePem(input.toString('latin1'));
  if (binary) readDer(input, name, material);
  else {
    const text = typeof input === 'string' ? input : input.toString('utf8');
    if (looksLikePem(text)) readPem(text, name, material);
    else if (isBase64Text(text)) readDer(Buffer.from(text.replace(/\s+/g, ''), 'base64'), name, material);
    else throw new EdxError('KEY_INVALID', `${name} is neither PEM (-----BEGIN CERTIFICATE----- or -----BEGIN X509 CRL-----) nor DER; it cannot be read as a certificate or CRL.`);
  }
  if (material.certificates.length === 0 && material.crls.length === 0) throw new EdxError('KEY_INVALID', `${name} holds no certificate or CRL.`);
  return material;
}

function readPem(text: string, name: string, into: TrustMaterial): void {
  for (const block of pemBlocks(text, name)) {
    const where = `${name}: PEM block ${block.index} (${block.label})`;
    if (CERTIFICATE_LABELS.has(block.label)) into.certificates.push(readOne(where, () => Certificate.from(block.der)));
    else if (CRL_LABELS.has(block.label)) into.crls.push(readOne(where, () => RevocationList.from(block.der)));
    else throw new EdxError('KEY_INVALID', `${where} is not trust material: trust files hold certificates (CERTIFICATE) and revocation lists (X509 CRL) only.`);
  }
}

function readDer(der: Buffer, name: string, into: TrustMaterial): void {
  let offset = 0;
  for (let index = 1; offset < der.length; index++) {
    const length = derSequenceLength(der, offset);
    const where = index === 1 && length === der.length ? name : `${name}: DER item ${index}`;
    if (length === undefined) throw new EdxError('KEY_INVALID', `${where} is not a complete DER structure (the file is cut or damaged at byte ${offset}).`);
    const item = der.subarray(offset, offset + length);
    offset += length;
    let certificateError: unknown;
    try {
      into.certificates.push(Certificate.from(item));
      continue;
    } catch (error) {
      certificateError = error;
    }
    try {
      into.crls.push(RevocationList.from(item));
    } catch (crlError) {
      throw new EdxError(
        'KEY_INVALID',
        `${where} is neither a certificate nor a revocation list (as a certificate: ${(certificateError as Error).message} As a CRL: ${(crlError as Error).message})`,
      );
    }
  }
}

function readOne<T>(where: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new EdxError('KEY_INVALID', `${where} cannot be read: ${(error as Error).message}`);
  }
}
