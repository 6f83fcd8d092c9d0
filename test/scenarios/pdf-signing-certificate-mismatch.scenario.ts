import { Certificate } from '@edx/trust';
import { Scenario } from './scenario';

export const pdfSigningCertificateMismatch: Scenario = {
  name: "the PDF signature's signed signing-certificate attribute names another certificate",
  proves: 'the signer is the certificate the CMS binds (ESS signing-certificate-v2), not whichever carried one verifies: SIGNATURE_INVALID',
  publish: (ctx) => [{
    as: 'sys-a',
    body: ctx.signedPackage({ pdf: ctx.signedPdf(ctx.identities.organisationOfA, { signingCertificate: { certificate: Certificate.from(ctx.identities.organisationOfB.certificatePem) } }) }),
  }],
  expect: { deadLetter: 'SIGNATURE_INVALID', senderTold: true },
};
