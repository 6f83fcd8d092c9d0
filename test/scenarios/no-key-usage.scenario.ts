import { Scenario } from './scenario';

export const noKeyUsage: Scenario = {
  name: 'envelope signed with a certificate that has no KeyUsage extension',
  proves: 'a certificate that nothing allows to sign is CERT_KEY_USAGE, not accepted by default',
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ envelopeSigner: ctx.identities.withoutKeyUsageOfA.identity }) }],
  expect: { deadLetter: 'CERT_KEY_USAGE', senderTold: true },
};
