import { Scenario } from './scenario';

export const caWithoutKeyCertSign: Scenario = {
  name: 'envelope signed under a CA whose KeyUsage lacks keyCertSign',
  proves: 'a chain through a CA not allowed to issue certificates is CERT_CHAIN_INVALID, even under the trusted root',
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ envelopeSigner: ctx.identities.underCaWithoutKeyCertSign.identity }) }],
  expect: { deadLetter: 'CERT_CHAIN_INVALID', senderTold: true },
};
