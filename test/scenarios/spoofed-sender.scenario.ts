import { Scenario } from './scenario';

export const spoofedSender: Scenario = {
  name: 'a system publishing for an agency it does not host',
  proves: "the broker's user_id names the real system; sys-b cannot send as A, and A is not bothered",
  publish: (ctx) => [{ as: 'sys-b', body: ctx.signedPackage({ to: [ctx.codes.C] }) }],
  expect: { deadLetter: 'ROUTING_SENDER_NOT_HOSTED', senderTold: false },
};
