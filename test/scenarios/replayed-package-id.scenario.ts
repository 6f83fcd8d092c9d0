import { randomUUID } from 'node:crypto';
import { Scenario } from './scenario';

const id = randomUUID();

export const replayedPackageId: Scenario = {
  name: 'a package id replayed with other content',
  proves: 'a redelivery is idempotent, but a known id carrying a different package is refused (CONFLICT)',
  publish: (ctx) => [
    // Both signed for the id, so the replay passes the signature and meets the hub's content check.
    { as: 'sys-a', body: ctx.signedPackage({ packageId: id }), messageId: id },
    { as: 'sys-a', body: ctx.signedPackage({ to: [ctx.codes.C], packageId: id }), messageId: id },
  ],
  expect: { deadLetter: 'CONFLICT', senderTold: false },
};
