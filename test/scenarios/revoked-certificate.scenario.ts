import { Scenario } from './scenario';

export const revokedCertificate: Scenario = {
  name: 'envelope signed with a revoked certificate',
  proves: 'a certificate on the CRL the console registered is CERT_REVOKED',
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ envelopeSigner: ctx.identities.revokedOfA.identity }) }],
  expect: { deadLetter: 'CERT_REVOKED', senderTold: true },
};
