import { EdxError } from '@edx/common';
import { Certificate } from '../certs/certificate';
import { BerNode, UNIVERSAL, contentOf, encodingOf, isContext, isUniversal, oidOf, readBer } from './ber';

/** The parts of an X.509 certificate that CMS matching needs and Node's X509Certificate does not give as bytes. */
export interface X509Fields {
  /** The issuer Name exactly as encoded (CMS names a signer by issuer and serial: DER-equal names). */
  readonly issuerName: Buffer;
  /** The subject Name exactly as encoded. */
  readonly subjectName: Buffer;
  /** The serialNumber INTEGER exactly as encoded. */
  readonly serialNumber: Buffer;
  /** extendedKeyUsage purposes and whether the extension is critical; undefined without the extension. */
  readonly extendedKeyUsage?: { readonly purposes: readonly string[]; readonly critical: boolean };
}

const OID_EXTENDED_KEY_USAGE = '2.5.29.37';
const cache = new WeakMap<Certificate, X509Fields>();

/** Reads (once per certificate) its issuer and subject Names and its extendedKeyUsage. Throws KEY_INVALID. */
export function x509FieldsOf(certificate: Certificate): X509Fields {
  let fields = cache.get(certificate);
  if (!fields) {
    fields = readFields(certificate.der);
    cache.set(certificate, fields);
  }
  return fields;
}

function readFields(der: Buffer): X509Fields {
  let tbs: BerNode | undefined;
  try {
    tbs = readBer(der).children[0];
  } catch (error) {
    throw new EdxError('KEY_INVALID', `The certificate cannot be read: ${(error as Error).message}`);
  }
  const parts = tbs?.children ?? [];
  const first = isContext(parts[0], 0) ? 1 : 0; // after the optional [0] version
  const issuer = parts[first + 2];
  const subject = parts[first + 4];
  if (!issuer || !subject || !isUniversal(parts[first], UNIVERSAL.integer)) throw new EdxError('KEY_INVALID', 'The certificate cannot be read: its names are missing.');
  const extensions = parts.find((p) => isContext(p, 3))?.children[0]?.children ?? [];
  let extendedKeyUsage: X509Fields['extendedKeyUsage'];
  for (const extension of extensions) {
    const [id, second, third] = extension.children;
    if (oidOf(id) !== OID_EXTENDED_KEY_USAGE) continue;
    const critical = isUniversal(second, 1) && contentOf(second!)[0] !== 0;
    const value = readBer(contentOf((third ?? second)!));
    extendedKeyUsage = { purposes: value.children.map((p) => oidOf(p)), critical };
  }
  return {
    issuerName: Buffer.from(encodingOf(issuer)),
    subjectName: Buffer.from(encodingOf(subject)),
    serialNumber: Buffer.from(encodingOf(parts[first]!)),
    extendedKeyUsage,
  };
}
