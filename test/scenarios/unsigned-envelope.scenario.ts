import { Scenario } from './scenario';

export const unsignedEnvelope: Scenario = {
  name: 'no envelope signature',
  proves: 'a package without the envelope signature is refused with SIGNATURE_MISSING',
  publish: (ctx) => [{ as: 'sys-a', body: Buffer.from(ctx.signedPackage().toString('utf8').replace(/<ds:Signature [\s\S]*?<\/ds:Signature>/, '')) }],
  expect: { deadLetter: 'SIGNATURE_MISSING', senderTold: true },
};
