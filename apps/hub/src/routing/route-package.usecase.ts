import { createHash } from 'node:crypto';
import { EdxError, ErrorCode, toEdxError } from '@edx/common';
import { ParsedPackage, appendTraceHop, assertValid, parseEdxml, parseEdxmlDate, validatePackage } from '@edx/edxml';
import { BlobReader, ReceiptAttestation, VerificationPool, claimedDocuments, verifyEnvelope } from '@edx/trust';
import { Directory } from '../directory/directory';
import { PackageRecord } from '../records/exchange-records';
import { resolveRecipients } from './resolve-recipients';
import { HubTrust } from './hub-trust';
import { InboundEnvelope } from './inbound-envelope';

/** A package the hub accepted: what to record and what to send to each recipient. */
export interface AcceptedPackage {
  readonly kind: 'accepted';
  /** The receipt attestation (signed by the caller) completes it. */
  readonly record: Omit<PackageRecord, 'delivered'>;
  /** The package with the hub's TraceHeader hop, as every recipient receives it. */
  readonly deliveryBody: Buffer;
  readonly parsed: ParsedPackage;
  /** Who signed what, as the hub judged it at `record.receivedAt` (for its receipt attestation). */
  readonly signatures: ReceiptAttestation['signatures'];
}

/** A package refused as a whole. `sender` is set when the refusal can be told to a known sender. */
export interface RefusedPackage {
  readonly kind: 'refused';
  readonly code: ErrorCode;
  readonly reason: string;
  readonly sender?: { code: string; parsed: ParsedPackage };
}

export type PackageDecision = AcceptedPackage | RefusedPackage;

/** The claim-check store as routing uses it: who uploaded a blob, and its bytes. */
export interface ClaimStore extends BlobReader {
  uploadedBy(sha256: string, systemId: string): Promise<boolean>;
}

/**
 * Decides what the hub does with one package message: parse and validate the edXML, check that the
 * connected system that published it (AMQP user_id) hosts the active From agency, verify the envelope
 * signature (an agency certificate registered for From) and the PDF signatures per policy, and
 * resolve every recipient (routed now, held for a suspended one, or rejected). Pure decision: nothing is written or sent here (heavy documents are
 * verified in the pool's worker threads).
 */
export class RoutePackageUseCase {
  constructor(
    private readonly trust: HubTrust,
    private readonly hubOrganId: string,
    /** Where heavy documents are verified (worker threads); small ones stay on the event loop. */
    private readonly verifier: VerificationPool = new VerificationPool({ workers: 0, budgetMs: 60_000, inlineBelowBytes: 0 }),
    /** A recipient that is suspended: `reject` (02 AGENCY_SUSPENDED to the sender) or `hold` (recorded, sent on resume). */
    private readonly suspendedRecipient: 'hold' | 'reject' = 'reject',
    /** Where claim-checked attachments are (none: a package with one is refused), and how large a claimed PDF or zip may be read to verify it. */
    private readonly claims?: { readonly store: ClaimStore; readonly maxOpenBytes: number },
  ) {}

  async decide(message: InboundEnvelope, directory: Directory, now: Date): Promise<PackageDecision> {
    const system = directory.systemByAmqpUser(message.userId);
    if (!system || system.status !== 'active') {
      return refuse('ROUTING_SENDER_NOT_HOSTED', `The broker user "${message.userId ?? '(none)'}" is not an active connected system.`);
    }
    let parsed: ParsedPackage;
    try {
      const result = parseEdxml(message.body, undefined, { claims: true });
      if (result.kind !== 'package') return refuse('EDXML_NOT_EDXML', 'A status message was published with the routing key of a package.');
      parsed = result;
    } catch (error) {
      const e = error instanceof EdxError ? error : new EdxError('EDXML_MALFORMED', String(error));
      return refuse(e.code, e.message);
    }
    const pkg = parsed.package;
    const senderCode = pkg.from.organId ?? '';
    const sender = directory.agency(senderCode);
    // A system may speak only for the agencies it hosts: anything else is a spoofed sender, and
    // the claimed sender is not told (it did not send it).
    if (!sender) return refuse('ROUTING_SENDER_UNKNOWN', `The sending agency ${senderCode} is not registered.`);
    if (sender.systemId !== system.id) {
      return refuse('ROUTING_SENDER_NOT_HOSTED', `Connected system ${system.id} does not host agency ${senderCode}; the package was refused as a spoofed sender.`);
    }
    const told = (code: ErrorCode, reason: string): RefusedPackage => ({ kind: 'refused', code, reason, sender: { code: senderCode, parsed } });
    if (sender.retired) {
      const current = directory.current(senderCode);
      const into = current && current.code !== senderCode && !current.retired ? ` into ${current.code}` : '';
      return told('ROUTING_SENDER_RETIRED', `The agency code ${senderCode} was retired${into}; send under the agency's current code.`);
    }
    if (sender.status !== 'active') return told('AGENCY_SUSPENDED', `The sending agency ${senderCode} is suspended: it may not send documents until an administrator resumes it.`);

    try {
      assertValid(validatePackage(parsed));
    } catch (error) {
      const e = error as EdxError;
      return told(e.code, e.message);
    }

    const options = this.trust.verifyOptions(directory, senderCode, now);
    // The signature must bind the id the package travels under: a signed package re-published under another id is refused.
    const envelope = verifyEnvelope(parsed, { ...options, messageId: message.messageId });
    if (!envelope.ok) return told(envelope.code ?? 'SIGNATURE_INVALID', `Envelope signature: ${envelope.message}`);
    const claimed = parsed.attachments.filter((a) => a.claim);
    // A claim check names bytes by digest: only bytes its own system uploaded (proved it holds), never another system's that it learnt the digest of.
    for (const a of claimed) {
      if (!this.claims || !(await this.claims.store.uploadedBy(a.sha256, system.id))) {
        return told('ATTACHMENT_MISSING', `Attachment "${a.name}" names blob ${a.sha256}, which connected system ${system.id} did not upload to the blob store.`);
      }
    }
    let inputs;
    try {
      inputs = await claimedDocuments(parsed.attachments, this.claims?.store, { maxOpenBytes: this.claims?.maxOpenBytes ?? 0, checkDigests: false });
    } catch (error) {
      const e = toEdxError(error);
      if (e.isTransient) throw e;
      return told(e.code, e.message);
    }
    const documents = await this.verifier.verifyDocuments(inputs, { ...options, policy: this.trust.policy });
    if (!documents.ok) return told(documents.code ?? 'SIGNATURE_INVALID', `Document signature: ${documents.message}`);

    const { routed, held, rejected, addressedTo } = resolveRecipients(pkg.to.map((t) => t.organId ?? ''), directory, this.suspendedRecipient);

    const deliveryBody = appendTraceHop(message.body, { organId: this.hubOrganId, timestamp: now }, parsed);
    const judged = (what: string, signer: { subject: string; serialNumber: string }, revocation: ReceiptAttestation['signatures'][number]['revocation']) => ({ what, signer: signer.subject, serialNumber: signer.serialNumber, revocation });
    const signatures = [
      ...(envelope.signer ? [judged('envelope', envelope.signer, envelope.revocation)] : []),
      ...documents.reports.flatMap((r) => r.signatures.flatMap((sig) => (sig.signer ? [judged(`${r.document} #${sig.index}`, sig.signer, sig.revocation)] : []))),
    ];
    return {
      kind: 'accepted',
      parsed,
      deliveryBody,
      signatures,
      record: {
        packageId: message.messageId,
        edxmlDocumentId: pkg.documentId ?? '',
        senderCode,
        senderSystem: system.id,
        subject: pkg.subject ?? '',
        codeNumber: pkg.code?.codeNumber ?? '',
        codeNotation: pkg.code?.codeNotation ?? '',
        businessType: Number(pkg.business?.docType ?? 0),
        sha256: createHash('sha256').update(message.body).digest('hex'),
        size: message.body.length,
        receivedAt: now,
        dueDate: dueDateOf(pkg.dueDate),
        sentAt: pkg.traces[0]?.timestamp ?? null,
        signatures,
        routed,
        held,
        rejected,
        addressedTo,
        blobs: claimed.map((a) => a.sha256),
      },
    };
  }
}

function refuse(code: ErrorCode, reason: string): RefusedPackage {
  return { kind: 'refused', code, reason };
}

/** The DueDate as a time, or null when absent (validation has already refused one that is not a date). */
function dueDateOf(text: string | undefined): Date | null {
  if (!text?.trim()) return null;
  try {
    return parseEdxmlDate(text);
  } catch {
    return null;
  }
}
