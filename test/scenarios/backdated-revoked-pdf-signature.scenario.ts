import { Scenario } from './scenario';

export const backdatedRevokedPdfSignature: Scenario = {
  name: 'the PDF is signed with a revoked certificate and a signing time backdated to before the revocation',
  proves: 'a certificate revoked before the provable time is CERT_REVOKED, whatever signing time the signature claims',
  // revokedOfA was revoked an hour ago; the signature claims two hours ago.
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ pdf: ctx.signedPdf(ctx.identities.revokedOfA, { signingTime: new Date(Date.now() - 2 * 3600_000) }) }) }],
  expect: { deadLetter: 'CERT_REVOKED', senderTold: true },
};
