import { SDK_PLACEHOLDER_SIGNATURE_XML } from '@edx/testing';
import { Scenario } from './scenario';

export const placeholderSignature: Scenario = {
  name: "the reference SDK's placeholder signature",
  proves: 'the SDK example Signature block (same in every file) is recognised and never taken as valid',
  publish: (ctx) => {
    const text = ctx.signedPackage().toString('utf8').replace(/<ds:Signature [\s\S]*?<\/ds:Signature>/, SDK_PLACEHOLDER_SIGNATURE_XML);
    return [{ as: 'sys-a', body: Buffer.from(text) }];
  },
  expect: { deadLetter: 'SIGNATURE_PLACEHOLDER', senderTold: true },
};
