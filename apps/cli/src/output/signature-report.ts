import type { PdfSignatureReport, SignatureVerdict } from '@edx/trust';

/** One line per signature: verdict, signer, agency, kind, time, validity now. */
export function describeSignature(label: string, s: SignatureVerdict | PdfSignatureReport): string {
  const verdict = s.ok ? 'VALID' : `INVALID ${s.code}`;
  const signer = s.signer ? `${s.signer.subject} [${s.signer.agencyCode ?? 'no agency code'}, ${s.signer.kind}]` : 'unknown signer';
  const time = s.signingTime ? ` signed ${s.signingTime.toISOString()}` : '';
  const now = s.ok ? (s.validNow ? '; certificate valid now' : '; certificate NOT valid now (it was when signed)') : '';
  return `${label}: ${verdict} — ${signer}${time}${now}\n    ${s.message}`;
}
