import { Scenario } from './scenario';

const DAY = 24 * 3600 * 1000;

export const backdatedExpiredPdfSignature: Scenario = {
  name: 'the PDF is signed with an expired certificate and a signing time backdated into its validity',
  proves: 'a PDF signature is judged at a provable time, not at the signingTime its signer wrote: CERT_EXPIRED',
  // expiredOfA was valid from 400 to 370 days ago; the signature claims 390 days ago.
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ pdf: ctx.signedPdf(ctx.identities.expiredOfA, { signingTime: new Date(Date.now() - 390 * DAY) }) }) }],
  expect: { deadLetter: 'CERT_EXPIRED', senderTold: true },
};
