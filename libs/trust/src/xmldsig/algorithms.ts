import { EXC_C14N } from './envelope-dom';

/** The algorithms the envelope signature is made with, and those a verifier accepts. */
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** SignatureMethod URI -> Node digest name. */
export const SIGNATURE_METHODS: Readonly<Record<string, string>> = {
  [RSA_SHA256]: 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'sha512',
};
/** DigestMethod URI -> Node digest name. */
export const DIGEST_METHODS: Readonly<Record<string, string>> = {
  [SHA256]: 'sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
export const CANONICALIZATIONS: ReadonlySet<string> = new Set([EXC_C14N]);
