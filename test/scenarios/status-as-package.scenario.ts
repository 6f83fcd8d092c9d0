import { Scenario } from './scenario';

export const statusAsPackage: Scenario = {
  name: 'a status message published as a package',
  proves: 'the routing key and the content must agree',
  publish: (ctx) => {
    const text = ctx.signedPackage().toString('utf8');
    return [{ as: 'sys-a', body: Buffer.from(text), routingKey: 'status' }];
  },
  expect: { deadLetter: 'MESSAGING_BAD_MESSAGE', senderTold: false },
};
