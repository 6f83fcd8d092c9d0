import { Scenario } from './scenario';

export const md5Certificate: Scenario = {
  name: 'envelope signed with a certificate its CA signed with MD5',
  proves: 'an MD5 certificate signature is SIGNATURE_ALGORITHM_WEAK, whatever its date',
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ envelopeSigner: ctx.identities.md5SignedOfA.identity }) }],
  expect: { deadLetter: 'SIGNATURE_ALGORITHM_WEAK', senderTold: true },
};
