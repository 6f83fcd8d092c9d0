import type { PdfSignatureReport, SignatureVerdict } from '@edx/trust';

/** One line per signature: verdict, signer, agency, kind, time (a PDF's claimed one, and the one it is judged at), validity now. */
export function describeSignature(label: string, s: SignatureVerdict | PdfSignatureReport): string {
  const verdict = s.ok ? 'VALID' : `INVALID ${s.code}`;
  const signer = s.signer ? `${s.signer.subject} [${s.signer.agencyCode ?? 'no agency code'}, ${s.signer.kind}]` : 'unknown signer';
  const time = 'judgedBy' in s ? pdfTimes(s) : s.signingTime ? ` signed ${s.signingTime.toISOString()}` : '';
  const now = s.ok ? (s.validNow ? '; certificate valid now' : '; certificate NOT valid now (it was at the judged time)') : '';
  return `${label}: ${verdict} — ${signer}${time}${now}\n    ${s.message}`;
}

/** A PDF signature's claimed signing time is shown as a claim; the verdict's time says what proves it. */
function pdfTimes(s: PdfSignatureReport): string {
  const claimed = s.claimedSigningTime ? ` claims ${s.claimedSigningTime.toISOString()};` : '';
  return `${claimed} judged at ${s.judgedAt.toISOString()} (${s.judgedBy === 'timestamp' ? `time-stamp of ${s.timestampAuthority}` : 'the verifier\'s time'})`;
}
