import { alteredAttachment } from './altered-attachment.scenario';
import { backdatedExpiredPdfSignature } from './backdated-expired-pdf-signature.scenario';
import { backdatedRevokedPdfSignature } from './backdated-revoked-pdf-signature.scenario';
import { badSignatureValue } from './bad-signature-value.scenario';
import { caWithoutKeyCertSign } from './ca-without-key-cert-sign.scenario';
import { deepNesting } from './deep-nesting.scenario';
import { entityBomb } from './entity-bomb.scenario';
import { expiredCertificate } from './expired-certificate.scenario';
import { foreignTraceHop } from './foreign-trace-hop.scenario';
import { malformedXml } from './malformed-xml.scenario';
import { md5Certificate } from './md5-certificate.scenario';
import { noKeyUsage } from './no-key-usage.scenario';
import { notEdxml } from './not-edxml.scenario';
import { pathLengthExceeded } from './path-length-exceeded.scenario';
import { pdfBehindJunk } from './pdf-behind-junk.scenario';
import { pdfChangedBetweenSignatures } from './pdf-changed-between-signatures.scenario';
import { pdfInNestedZip } from './pdf-in-nested-zip.scenario';
import { pdfSignedByOtherAgency } from './pdf-signed-by-other-agency.scenario';
import { pdfSigningCertificateMismatch } from './pdf-signing-certificate-mismatch.scenario';
import { placeholderSignature } from './placeholder-signature.scenario';
import { renamedAttachment } from './renamed-attachment.scenario';
import { reorderedAttachments } from './reordered-attachments.scenario';
import { replayedPackageId } from './replayed-package-id.scenario';
import { republishedPackage } from './republished-package.scenario';
import { revokedCertificate } from './revoked-certificate.scenario';
import { Scenario } from './scenario';
import { smuggledAttachment } from './smuggled-attachment.scenario';
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
import { weakRsaKey } from './weak-rsa-key.scenario';
import { wrongEncoding } from './wrong-encoding.scenario';
import { xxe } from './xxe.scenario';
import { zipBombAttachment } from './zip-bomb-attachment.scenario';

/** The hostile-input catalogue: every case an agency's integration can also be tested against. */
export const SCENARIOS: readonly Scenario[] = [
  malformedXml, xxe, entityBomb, deepNesting, tooManyElements, wrongEncoding, notEdxml,
  alteredAttachment, badSignatureValue, placeholderSignature, unsignedEnvelope,
  expiredCertificate, revokedCertificate, untrustedCertificate, unregisteredSigner,
  caWithoutKeyCertSign, pathLengthExceeded, weakRsaKey, noKeyUsage, md5Certificate,
  unsignedPdf, pdfSignedByOtherAgency,
  backdatedExpiredPdfSignature, backdatedRevokedPdfSignature, pdfSigningCertificateMismatch, pdfChangedBetweenSignatures,
  pdfBehindJunk, pdfInNestedZip, zipBombAttachment,
  spoofedSender, unknownSender, suspendedSender, suspendedRecipient,
  statusAsPackage, replayedPackageId,
  smuggledAttachment, renamedAttachment, reorderedAttachments, republishedPackage, foreignTraceHop,
];
