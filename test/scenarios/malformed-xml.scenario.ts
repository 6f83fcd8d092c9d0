import { Scenario } from './scenario';

export const malformedXml: Scenario = {
  name: 'malformed XML (a package cut in half)',
  proves: 'a truncated package is refused with EDXML_MALFORMED and never reaches a recipient',
  publish: (ctx) => {
    const whole = ctx.signedPackage();
    return [{ as: 'sys-a', body: whole.subarray(0, Math.floor(whole.length / 2)) }];
  },
  expect: { deadLetter: 'EDXML_MALFORMED', senderTold: false },
};
