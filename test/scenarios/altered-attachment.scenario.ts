import { alterAttachment } from '../support/packages';
import { Scenario } from './scenario';

export const alteredAttachment: Scenario = {
  name: 'attachment altered after signing',
  proves: 'one changed byte in an attachment breaks the envelope signature (DIGEST_MISMATCH) and the sender is told',
  publish: (ctx) => [{ as: 'sys-a', body: alterAttachment(ctx.signedPackage()) }],
  expect: { deadLetter: 'DIGEST_MISMATCH', senderTold: true },
};
