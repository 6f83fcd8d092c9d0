import { EdxError } from '@edx/common';
import { BerNode, contentOf, isContext, isUniversal, oidOf, readBer } from '../pdf/ber';

/** The KeyUsage bits edx looks at (RFC 5280 4.2.1.3). */
export interface KeyUsage {
  readonly digitalSignature: boolean;
  readonly nonRepudiation: boolean;
  readonly keyEncipherment: boolean;
  readonly keyCertSign: boolean;
  readonly cRLSign: boolean;
}

/** What edx reads from a certificate besides what node:crypto gives: names, constraints, usages. */
export interface CertificateFields {
  /** Subject attributes by OID (the first value of each), decoded according to their string type. */
  readonly subject: ReadonlyMap<string, string>;
  /** undefined when the certificate has no basicConstraints extension (then it is not a CA). */
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number };
  /** undefined when the certificate has no KeyUsage extension. */
  readonly keyUsage?: KeyUsage;
  readonly subjectKeyIdentifier?: string;
  /** OID of the algorithm the issuer signed this certificate with. */
  readonly signatureAlgorithm: string;
  /** http(s) URLs of its CRL distribution points (cRLDistributionPoints fullName URIs). */
  readonly crlUrls: readonly string[];
  /** http(s) URLs of its OCSP responders (authorityInfoAccess id-ad-ocsp). */
  readonly ocspUrls: readonly string[];
}

const BASIC_CONSTRAINTS = '2.5.29.19';
const KEY_USAGE = '2.5.29.15';
const SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const CRL_DISTRIBUTION_POINTS = '2.5.29.31';
const AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const ACCESS_METHOD_OCSP = '1.3.6.1.5.5.7.48.1';
/** GeneralName uniformResourceIdentifier: [6] IMPLICIT IA5String. */
const URI_NAME = 6;
const BOOLEAN = 1;
const INTEGER = 2;
const BIT_STRING = 3;
const OCTET_STRING = 4;

/**
 * Reads the fields straight from the DER (the same reader as CMS: asn1js's schema matching cost
 * several times node:crypto's own parse). Works for any key type. Throws KEY_INVALID when the
 * certificate's structure cannot be read.
 */
export function readCertificateFields(der: Buffer): CertificateFields {
  try {
    const [tbs, signatureAlgorithm] = readBer(der).children;
    const parts = tbs?.children ?? [];
    const first = isContext(parts[0], 0) ? 1 : 0; // after the optional [0] version
    const subject = parts[first + 4];
    if (!subject || !isUniversal(parts[first], INTEGER)) throw new EdxError('KEY_INVALID', 'The certificate cannot be read: its names are missing.');
    const extensions = new Map<string, Buffer>();
    for (const extension of parts.find((p) => isContext(p, 3))?.children[0]?.children ?? []) {
      const [id, ...rest] = extension.children;
      const value = rest.find((n) => isUniversal(n, OCTET_STRING));
      if (value) extensions.set(oidOf(id), contentOf(value));
    }
    return {
      subject: attributesOf(subject),
      basicConstraints: basicConstraintsOf(extensions.get(BASIC_CONSTRAINTS)),
      keyUsage: keyUsageOf(extensions.get(KEY_USAGE)),
      subjectKeyIdentifier: subjectKeyIdentifierOf(extensions.get(SUBJECT_KEY_IDENTIFIER)),
      signatureAlgorithm: oidOf(signatureAlgorithm?.children[0]),
      crlUrls: crlUrlsOf(extensions.get(CRL_DISTRIBUTION_POINTS)),
      ocspUrls: ocspUrlsOf(extensions.get(AUTHORITY_INFO_ACCESS)),
    };
  } catch (error) {
    if (error instanceof EdxError && error.code === 'KEY_INVALID') throw error;
    throw new EdxError('KEY_INVALID', `The certificate's fields cannot be read: ${(error as Error).message}`);
  }
}

/** Name ::= SEQUENCE OF SET OF SEQUENCE { type OID, value ANY }. */
function attributesOf(name: BerNode): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const set of name.children) {
    for (const pair of set.children) {
      const [type, value] = pair.children;
      const text = value && stringOf(value);
      const oid = oidOf(type);
      if (text !== undefined && !attributes.has(oid)) attributes.set(oid, text);
    }
  }
  return attributes;
}

/** A directory string decoded by its tag: CAs write names as UTF8String, PrintableString, BMPString and more. */
function stringOf(node: BerNode): string | undefined {
  if (node.tagClass !== 'universal') return undefined;
  const bytes = contentOf(node);
  switch (node.tag) {
    case 12: // UTF8String
      return bytes.toString('utf8');
    case 18: // NumericString
    case 19: // PrintableString
    case 20: // TeletexString: T.61 in theory, Latin-1 in the certificates that use it
    case 22: // IA5String
    case 26: // VisibleString
      return bytes.toString('latin1');
    case 30: // BMPString: UTF-16 big-endian
      return Buffer.from(bytes).swap16().toString('utf16le');
    case 28: {
      // UniversalString: UTF-32 big-endian
      const points: number[] = [];
      for (let i = 0; i + 3 < bytes.length; i += 4) points.push(bytes.readUInt32BE(i));
      return String.fromCodePoint(...points.filter((p) => p <= 0x10ffff));
    }
    default:
      return undefined;
  }
}

/** BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }. */
function basicConstraintsOf(value: Buffer | undefined): CertificateFields['basicConstraints'] {
  if (!value) return undefined;
  let fields: readonly BerNode[];
  try {
    fields = readBer(value).children;
  } catch {
    return { ca: false }; // an unreadable extension grants nothing
  }
  const ca = isUniversal(fields[0], BOOLEAN) && contentOf(fields[0]!)[0] !== 0;
  const pathNode = fields.find((f) => isUniversal(f, INTEGER));
  const pathBytes = pathNode ? contentOf(pathNode) : undefined;
  // A pathLenConstraint too large to count is no constraint in practice.
  const pathLength = pathBytes && pathBytes.length <= 4 ? pathBytes.reduce((n, b) => n * 256 + b, 0) : undefined;
  return { ca, pathLength };
}

function keyUsageOf(value: Buffer | undefined): KeyUsage | undefined {
  if (!value) return undefined;
  let bits: Buffer = Buffer.alloc(0);
  try {
    const node = readBer(value);
    if (isUniversal(node, BIT_STRING)) bits = contentOf(node).subarray(1); // after the unused-bits octet
  } catch {
    // unreadable usages grant nothing
  }
  // Bit n of a BIT STRING is bit 7 - n % 8 of byte n / 8.
  const bit = (n: number) => ((bits[n >> 3] ?? 0) & (0x80 >> (n & 7))) !== 0;
  return { digitalSignature: bit(0), nonRepudiation: bit(1), keyEncipherment: bit(2), keyCertSign: bit(5), cRLSign: bit(6) };
}

function subjectKeyIdentifierOf(value: Buffer | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const node = readBer(value);
    return isUniversal(node, OCTET_STRING) ? contentOf(node).toString('hex') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * cRLDistributionPoints ::= SEQUENCE OF DistributionPoint { distributionPoint [0] { fullName [0]
 * GeneralNames } ... }: the URIs of every full name. An unreadable extension names no place.
 */
function crlUrlsOf(value: Buffer | undefined): string[] {
  if (!value) return [];
  try {
    return readBer(value).children.flatMap((point) => {
      const name = point.children.find((c) => isContext(c, 0))?.children.find((c) => isContext(c, 0));
      return (name?.children ?? []).flatMap(httpUri);
    });
  } catch {
    return [];
  }
}

/** authorityInfoAccess ::= SEQUENCE OF AccessDescription { accessMethod OID, accessLocation GeneralName }: the OCSP URIs. */
function ocspUrlsOf(value: Buffer | undefined): string[] {
  if (!value) return [];
  try {
    return readBer(value).children.flatMap((access) => (oidOf(access.children[0]) === ACCESS_METHOD_OCSP && access.children[1] ? httpUri(access.children[1]) : []));
  } catch {
    return [];
  }
}

/** A GeneralName that is an http(s) URI, as a one-element list (other names and schemes are not places edx fetches from). */
function httpUri(name: BerNode): string[] {
  if (!isContext(name, URI_NAME) || name.constructed) return [];
  const uri = contentOf(name).toString('latin1');
  return /^https?:\/\/[^\s]+$/i.test(uri) ? [uri] : [];
}
