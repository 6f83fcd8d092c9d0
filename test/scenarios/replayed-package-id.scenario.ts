import { randomUUID } from 'node:crypto';
import { Scenario } from './scenario';

const id = randomUUID();

export const replayedPackageId: Scenario = {
  name: 'a package id replayed with other content',
  proves: 'a redelivery is idempotent, but a known id carrying a different package is refused (CONFLICT)',
  publish: (ctx) => [
    { as: 'sys-a', body: ctx.signedPackage(), messageId: id },
    { as: 'sys-a', body: ctx.signedPackage({ to: [ctx.codes.C] }), messageId: id },
  ],
  expect: { deadLetter: 'CONFLICT', senderTold: false },
};
