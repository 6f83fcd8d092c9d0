import { Scenario } from './scenario';

export const suspendedRecipient: Scenario = {
  name: 'a recipient agency is suspended',
  proves: 'the document is recorded, the suspended recipient is refused with 02 to the sender',
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ to: [ctx.codes.suspendedRecipient] }) }],
  expect: { rejectedRecipient: 'suspendedRecipient', code: 'ROUTING_RECIPIENT_SUSPENDED' },
};
