import { Scenario } from './scenario';

export const unregisteredSigner: Scenario = {
  name: "envelope signed with another agency's key",
  proves: "a valid certificate that is not registered for the From agency is SIGNER_NOT_SENDER",
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ envelopeSigner: ctx.identities.organisationOfB.identity }) }],
  expect: { deadLetter: 'SIGNER_NOT_SENDER', senderTold: true },
};
