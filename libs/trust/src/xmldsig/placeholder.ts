/**
 * The reference SDK's example packets carry the same Signature block in every file: a digest over
 * URI="" (the whole document), RSA-SHA1, a truncated certificate, in the wrong namespace. Real
 * packets travel with it, so it is recognised and reported, never mistaken for a signature.
 */
export const SDK_PLACEHOLDER_DIGEST = 'FwgIqsSYJshUS2+wlOM61L+q7Aw=';

export function placeholderReason(signature: Element, xmldsigNs: string): string | undefined {
  if (signature.namespaceURI !== xmldsigNs) return `the Signature element is in namespace "${signature.namespaceURI ?? '(none)'}", not XML-DSig`;
  // Only the digests: a name or description in the signed object may hold any text.
  const digests = Array.from(signature.getElementsByTagNameNS(xmldsigNs, 'DigestValue'));
  if (digests.some((d) => (d.textContent ?? '').includes(SDK_PLACEHOLDER_DIGEST))) return 'it carries the reference SDK example digest';
  const references = Array.from(signature.getElementsByTagNameNS(xmldsigNs, 'Reference'));
  if (references.some((r) => r.getAttribute('URI') === '')) return 'it signs URI="" (the whole document), which the hub\'s trace hop would break';
  const certificates = Array.from(signature.getElementsByTagNameNS(xmldsigNs, 'X509Certificate'));
  if (certificates.some((c) => (c.textContent ?? '').replace(/\s+/g, '').length < 200)) return 'its certificate is truncated';
  return undefined;
}
