import { Scenario } from './scenario';

export const suspendedSender: Scenario = {
  name: 'the sending agency is suspended',
  proves: 'a suspended agency cannot send, and is told why',
  publish: (ctx) => [
    { as: 'sys-a', body: ctx.signedPackage({ from: ctx.codes.suspendedSender, envelopeSigner: ctx.identities.envelopeOfSuspended, pdf: ctx.unsignedPdf() }) },
  ],
  expect: { deadLetter: 'AGENCY_SUSPENDED', senderTold: true },
};
