import { Scenario } from './scenario';
import { zipOf } from './pdf-forgeries';

export const zipBombAttachment: Scenario = {
  name: 'a zipped attachment whose "PDF" inflates a thousandfold (64 MiB of zeros in 64 KiB)',
  proves: 'what cannot be opened within the limits is refused, not skipped, and stops early: ATTACHMENT_UNREADABLE',
  publish: (ctx) => {
    const bomb = zipOf({ 'van-ban-goc.pdf': Buffer.alloc(64 * 1024 * 1024) });
    return [{ as: 'sys-a', body: ctx.signedPackage({ files: [{ name: 'ho-so.zip', contentType: 'application/zip', bytes: bomb }] }) }];
  },
  expect: { deadLetter: 'ATTACHMENT_UNREADABLE', senderTold: true },
};
