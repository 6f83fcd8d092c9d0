import { alteredAttachment } from './altered-attachment.scenario';
import { badSignatureValue } from './bad-signature-value.scenario';
import { deepNesting } from './deep-nesting.scenario';
import { entityBomb } from './entity-bomb.scenario';
import { expiredCertificate } from './expired-certificate.scenario';
import { malformedXml } from './malformed-xml.scenario';
import { notEdxml } from './not-edxml.scenario';
import { pdfSignedByOtherAgency } from './pdf-signed-by-other-agency.scenario';
import { placeholderSignature } from './placeholder-signature.scenario';
import { replayedPackageId } from './replayed-package-id.scenario';
import { revokedCertificate } from './revoked-certificate.scenario';
import { Scenario } from './scenario';
import { spoofedSender } from './spoofed-sender.scenario';
import { statusAsPackage } from './status-as-package.scenario';
import { suspendedRecipient } from './suspended-recipient.scenario';
import { suspendedSender } from './suspended-sender.scenario';
import { tooManyElements } from './too-many-elements.scenario';
import { unknownSender } from './unknown-sender.scenario';
import { unregisteredSigner } from './unregistered-signer.scenario';
import { unsignedEnvelope } from './unsigned-envelope.scenario';
import { unsignedPdf } from './unsigned-pdf.scenario';
import { untrustedCertificate } from './untrusted-certificate.scenario';
import { wrongEncoding } from './wrong-encoding.scenario';
import { xxe } from './xxe.scenario';

/** The hostile-input catalogue: every case an agency's integration can also be tested against. */
export const SCENARIOS: readonly Scenario[] = [
  malformedXml, xxe, entityBomb, deepNesting, tooManyElements, wrongEncoding, notEdxml,
  alteredAttachment, badSignatureValue, placeholderSignature, unsignedEnvelope,
  expiredCertificate, revokedCertificate, untrustedCertificate, unregisteredSigner,
  unsignedPdf, pdfSignedByOtherAgency,
  spoofedSender, unknownSender, suspendedSender, suspendedRecipient,
  statusAsPackage, replayedPackageId,
];
