import { Scenario } from './scenario';

export const unsignedPdf: Scenario = {
  name: 'the document (PDF) is not signed',
  proves: "the policy requires the issuing organisation's signature on the main PDF: SIGNATURE_MISSING",
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ pdf: ctx.unsignedPdf() }) }],
  expect: { deadLetter: 'SIGNATURE_MISSING', senderTold: true },
};
