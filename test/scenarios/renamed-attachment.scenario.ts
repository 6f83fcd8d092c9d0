import { Scenario } from './scenario';

export const renamedAttachment: Scenario = {
  name: 'a signed PDF renamed after signing',
  proves: 'attachment names are signed: renaming one in the manifest and the attachment breaks the envelope signature (DIGEST_MISMATCH)',
  publish: (ctx) => {
    const renamed = ctx.signedPackage().toString('utf8').split('<AttachmentName>van-ban.pdf</AttachmentName>').join('<AttachmentName>quyet-dinh.pdf</AttachmentName>');
    return [{ as: 'sys-a', body: Buffer.from(renamed, 'utf8') }];
  },
  expect: { deadLetter: 'DIGEST_MISMATCH', senderTold: true },
};
