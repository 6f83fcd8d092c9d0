import { makePdf, signPdf } from '@edx/trust';
import { Scenario } from './scenario';
import { tamperedPdf } from './pdf-forgeries';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export const pdfBehindJunk: Scenario = {
  name: 'a tampered PDF travels as a second attachment behind a byte-order mark, labelled octet-stream',
  proves: 'every file a reader opens as a PDF (%PDF- within the first KiB) is checked: DIGEST_MISMATCH',
  publish: (ctx) => {
    // Signed with the mark in place (its ByteRange covers it), then altered.
    const hidden = tamperedPdf(signPdf(Buffer.concat([BOM, makePdf('Phu luc')]), ctx.identities.organisationOfA.identity));
    return [{ as: 'sys-a', body: ctx.signedPackage({ files: [{ name: 'phu-luc.bin', contentType: 'application/octet-stream', bytes: hidden }] }) }];
  },
  expect: { deadLetter: 'DIGEST_MISMATCH', senderTold: true },
};
