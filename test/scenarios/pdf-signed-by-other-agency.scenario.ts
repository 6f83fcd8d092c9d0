import { Scenario } from './scenario';

export const pdfSignedByOtherAgency: Scenario = {
  name: "the PDF carries another organisation's signature",
  proves: "a document sealed by B cannot be sent as A's: SIGNER_NOT_SENDER",
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ pdf: ctx.signedPdf(ctx.identities.organisationOfB) }) }],
  expect: { deadLetter: 'SIGNER_NOT_SENDER', senderTold: true },
};
