import { randomUUID } from 'node:crypto';
import { Scenario } from './scenario';

export const republishedPackage: Scenario = {
  name: 'a signed package re-published under a new message id',
  proves: 'the signature binds the package id: the same signed bytes under another id are refused (SIGNATURE_PACKAGE_ID_MISMATCH), so a relay cannot make a second document of one',
  publish: (ctx) => {
    const body = ctx.signedPackage();
    return [
      { as: 'sys-a', body },
      { as: 'sys-a', body, messageId: randomUUID() },
    ];
  },
  expect: { deadLetter: 'SIGNATURE_PACKAGE_ID_MISMATCH', senderTold: true },
};
