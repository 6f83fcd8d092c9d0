import { Scenario } from './scenario';

export const badSignatureValue: Scenario = {
  name: 'forged signature value',
  proves: 'digests that match but a signature value that does not is SIGNATURE_INVALID',
  publish: (ctx) => {
    const text = ctx.signedPackage().toString('utf8');
    return [{ as: 'sys-a', body: Buffer.from(text.replace(/<ds:SignatureValue>(.)/, (_m, c: string) => `<ds:SignatureValue>${c === 'A' ? 'B' : 'A'}`)) }];
  },
  expect: { deadLetter: 'SIGNATURE_INVALID', senderTold: true },
};
