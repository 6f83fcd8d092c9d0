import { Scenario } from './scenario';

export const unknownSender: Scenario = {
  name: 'From is not a registered agency',
  proves: 'an agency code missing from the directory cannot send',
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ from: '000.00.00.Z99' }) }],
  expect: { deadLetter: 'ROUTING_SENDER_UNKNOWN', senderTold: false },
};
