import { Scenario } from './scenario';

export const suspendedRecipient: Scenario = {
  name: 'a recipient agency is suspended',
  proves: 'the document is recorded, the suspended recipient is refused with 02 AGENCY_SUSPENDED to the sender (EDX_SUSPENDED_RECIPIENT=reject, the default)',
  publish: (ctx) => [{ as: 'sys-a', body: ctx.signedPackage({ to: [ctx.codes.suspendedRecipient] }) }],
  expect: { rejectedRecipient: 'suspendedRecipient', code: 'AGENCY_SUSPENDED' },
};
