import { signPdf } from '@edx/trust';
import { Scenario } from './scenario';
import { withAddedPageText } from './pdf-forgeries';

export const pdfChangedBetweenSignatures: Scenario = {
  name: "text is added to the PDF after the person's signature, then the organisation signs it all",
  proves: 'each signature answers for what follows it: the newer signature does not hide a change after the first (PDF_MODIFIED_AFTER_SIGNING)',
  publish: (ctx) => {
    const byPerson = ctx.signedPdf(ctx.identities.personOfA);
    const changed = withAddedPageText(byPerson, 'Van ban nay khong con hieu luc');
    return [{ as: 'sys-a', body: ctx.signedPackage({ pdf: signPdf(changed, ctx.identities.organisationOfA.identity) }) }];
  },
  expect: { deadLetter: 'PDF_MODIFIED_AFTER_SIGNING', senderTold: true },
};
