import { Scenario } from './scenario';

export const expiredCertificate: Scenario = {
  name: 'envelope signed with an expired certificate',
  proves: 'a signer certificate past its validity is CERT_EXPIRED',
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ envelopeSigner: ctx.identities.expiredOfA.identity }) }],
  expect: { deadLetter: 'CERT_EXPIRED', senderTold: true },
};
