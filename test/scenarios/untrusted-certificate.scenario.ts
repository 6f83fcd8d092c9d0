import { Scenario } from './scenario';

export const untrustedCertificate: Scenario = {
  name: 'envelope signed by a CA the exchange does not trust',
  proves: 'a certificate from another PKI, even with the right agency code, is CERT_UNTRUSTED',
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ envelopeSigner: ctx.identities.fromAnotherPki.identity }) }],
  expect: { deadLetter: 'CERT_UNTRUSTED', senderTold: true },
};
