import { Scenario } from './scenario';

export const weakRsaKey: Scenario = {
  name: 'envelope signed with a 1024-bit RSA key',
  proves: 'an RSA key under 2048 bits is SIGNATURE_ALGORITHM_WEAK, even in a valid chain',
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ envelopeSigner: ctx.identities.weakKeyOfA.identity }) }],
  expect: { deadLetter: 'SIGNATURE_ALGORITHM_WEAK', senderTold: true },
};
