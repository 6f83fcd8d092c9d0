import { readStandardsSample } from '@edx/testing';
import { Scenario } from './scenario';

export const placeholderSignature: Scenario = {
  name: "the reference SDK's placeholder signature",
  proves: 'the SDK example Signature block (same in every file) is recognised and never taken as valid',
  publish: (ctx) => {
    const sample = readStandardsSample('vpcp-sdk_edoc_new_REDACTED.edxml').toString('utf8');
    const placeholder = /<Signature>[\s\S]*?<\/Signature>/.exec(sample)![0];
    const text = ctx.signedPackage().toString('utf8').replace(/<ds:Signature [\s\S]*?<\/ds:Signature>/, placeholder);
    return [{ as: 'sys-a', body: Buffer.from(text) }];
  },
  expect: { deadLetter: 'SIGNATURE_PLACEHOLDER', senderTold: true },
};
