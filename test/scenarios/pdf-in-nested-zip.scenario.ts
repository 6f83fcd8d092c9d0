import { Scenario } from './scenario';
import { tamperedPdf, zipOf } from './pdf-forgeries';

export const pdfInNestedZip: Scenario = {
  name: 'a tampered PDF inside a zip inside the zipped attachment',
  proves: 'PDFs in nested zips are checked too: DIGEST_MISMATCH',
  publish: (ctx) => {
    const nested = zipOf({ 'ho-so/phu-luc.zip': zipOf({ 'quyet-dinh.pdf': tamperedPdf(ctx.signedPdf(ctx.identities.organisationOfA)) }) });
    return [{ as: 'sys-a', body: ctx.signedPackage({ files: [{ name: 'ho-so.zip', contentType: 'application/zip', bytes: nested }] }) }];
  },
  expect: { deadLetter: 'DIGEST_MISMATCH', senderTold: true },
};
