import { Scenario } from './scenario';

export const pathLengthExceeded: Scenario = {
  name: 'envelope signed under a sub-CA of a pathLen 0 CA',
  proves: "a chain longer than a CA's pathLenConstraint allows is CERT_CHAIN_INVALID",
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ envelopeSigner: ctx.identities.beyondPathLength.identity }) }],
  expect: { deadLetter: 'CERT_CHAIN_INVALID', senderTold: true },
};
