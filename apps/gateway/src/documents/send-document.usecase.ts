import { Readable } from 'node:stream';
import { createHash, randomUUID } from 'node:crypto';
import { EdxError } from '@edx/common';
import { AttachmentInput, Package, assertValid, buildPackage, parseEdxml, validatePackage } from '@edx/edxml';
import { BlobReader, attachmentsOf, claimedDocuments, verifyEnvelope, withFreshRevocation, writeSignedPackage } from '@edx/trust';
import { HubBlobClient } from '../blobs/hub-blob-client';
import { GatewayTrust } from '../config/gateway-trust';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { GatewayStore } from '../outbox/gateway.store';
import { SendDocumentCommand } from './send-document.command';

/** How a gateway sends large attachments: by claim check, through the hub's blob store. */
export interface ClaimCheckOptions {
  readonly blobs: HubBlobClient;
  /** An attachment larger than this goes into the store, and the package names it by digest (EDX_CLAIM_CHECK_ABOVE_BYTES). */
  readonly aboveBytes: number;
  /** EDX_VERIFY_MAX_BYTES: a claimed PDF or zip up to this size is read back to check its signatures. */
  readonly maxOpenBytes: number;
}

export interface SentDocument {
  readonly id: string;
  readonly documentId: string;
  readonly recipients: string[];
  readonly sha256: string;
  readonly size: number;
}

/**
 * Sends a document: build or read the package, check the PDF signatures the policy requires, sign
 * the envelope with the agency key, check the result exactly as a receiver will, and store it with
 * its outbox row. Resolves when the package is durably queued (the broker may be away: the relay
 * publishes it when it is back); rejects with the check that failed.
 */
export class SendDocumentUseCase {
  constructor(
    private readonly store: GatewayStore,
    private readonly trust: GatewayTrust,
    private readonly onQueued: () => void,
    /** The largest package the broker takes (EDX_MAX_PACKAGE_BYTES, below the broker's max_message_size). */
    private readonly maxPackageBytes: number,
    private readonly metrics?: GatewayMetrics,
    private readonly claims?: ClaimCheckOptions,
  ) {}

  async execute(command: SendDocumentCommand): Promise<SentDocument> {
    const { agency } = command;
    const { package: model, attachments } = command.edxml ? this.readPackage(command) : this.buildFromFields(command);
    if (model.from.organId !== agency.code) {
      throw new EdxError('AUTH_FORBIDDEN', `This API key sends as ${agency.code}; the package says From ${model.from.organId ?? '(none)'}.`);
    }
    // Large attachments travel by claim check; the ones held here are kept to read back below.
    const held = new Map<string, Buffer>();
    const sent = await Promise.all(attachments.map((a) => this.claimIfLarge(a, held)));
    // The id is assigned before signing: the signature binds the id the package travels under.
    const id = randomUUID();
    const bytes = writeSignedPackage(model, sent, agency.identity, id);
    if (bytes.length > this.maxPackageBytes) {
      throw new EdxError('EDXML_TOO_LARGE', `The signed package is ${bytes.length} bytes; this gateway sends at most ${this.maxPackageBytes} (EDX_MAX_PACKAGE_BYTES).`);
    }

    // The outgoing check: what leaves is read back and verified as the hub and receivers will.
    const parsed = parseEdxml(bytes, undefined, { claims: true });
    if (parsed.kind !== 'package') throw new EdxError('EDXML_NOT_EDXML', 'The package did not read back as a package.');
    assertValid(validatePackage(parsed));
    const { envelope, documents } = await withFreshRevocation(this.trust.revocation, async () => {
      const options = this.trust.options(agency.code);
      const inputs = await claimedDocuments(parsed.attachments, this.reader(held), { maxOpenBytes: this.claims?.maxOpenBytes ?? 0, checkDigests: false });
      const documentsVerdict = this.trust.verifier.verifyDocuments(inputs, { ...options, policy: this.trust.policy });
      return { envelope: verifyEnvelope(parsed, { ...options, messageId: id }), documents: await documentsVerdict };
    });
    if (!envelope.ok) throw new EdxError(envelope.code ?? 'SIGNATURE_INVALID', `Envelope signature: ${envelope.message}`);
    if (!documents.ok) throw new EdxError(documents.code ?? 'SIGNATURE_MISSING', `Document signature: ${documents.message}`, { signatures: documents.reports });

    const recipients = [...new Set(model.to.map((t) => t.organId ?? ''))];
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await this.store.saveOutgoing(
      { id, agencyCode: agency.code, edxmlDocumentId: model.documentId ?? '', subject: model.subject ?? '', recipients, package: bytes, sha256, createdAt: new Date(), publishedAt: null },
      { messageId: id, type: 'package', routingKey: 'package', headers: {}, body: null, documentId: id },
    );
    this.onQueued();
    this.metrics?.sent();
    return { id, documentId: model.documentId ?? '', recipients, sha256, size: bytes.length };
  }

  /** An attachment as it is sent: itself, or (over the claim-check size, or claimed already by the upload) its claim in the store. */
  private async claimIfLarge(a: AttachmentInput, held: Map<string, Buffer>): Promise<AttachmentInput> {
    if (a.claim) return a;
    if (!this.claims || a.bytes.length <= this.claims.aboveBytes) return a;
    const claim = await this.claims.blobs.upload(Readable.from([a.bytes]));
    held.set(claim.sha256, a.bytes);
    return { ...a, bytes: Buffer.alloc(0), claim };
  }

  /** Claimed bytes still in memory are read from there; the rest from the hub. */
  private reader(held: ReadonlyMap<string, Buffer>): BlobReader | undefined {
    const blobs = this.claims?.blobs;
    return {
      read: async (sha256, range) => {
        const bytes = held.get(sha256);
        if (bytes) return Readable.from([bytes.subarray(range?.start ?? 0)]);
        if (!blobs) throw new EdxError('INTERNAL_ERROR', 'This gateway sends no claim checks.');
        return blobs.read(sha256, range);
      },
    };
  }

  private readPackage(command: SendDocumentCommand): { package: Package; attachments: AttachmentInput[] } {
    const parsed = parseEdxml(command.edxml!);
    if (parsed.kind !== 'package') throw new EdxError('EDXML_NOT_EDXML', 'This is a status message; send statuses to /v1/documents/:id/statuses.');
    assertValid(validatePackage(parsed));
    // The DMS's own envelope signature (often the SDK placeholder) is replaced by the agency's.
    return { package: parsed.package, attachments: attachmentsOf(parsed) };
  }

  private buildFromFields(command: SendDocumentCommand): { package: Package; attachments: AttachmentInput[] } {
    const { agency } = command;
    const f = command.fields!;
    const built = buildPackage({
      from: { organId: agency.code, organName: agency.name },
      to: f.to.map((t) => ({ organId: t.organId, ...(t.organName ? { organName: t.organName } : {}) })),
      subject: f.subject,
      codeNumber: f.codeNumber,
      codeNotation: f.codeNotation,
      typeName: f.typeName ?? 'Công văn',
      content: f.content,
      place: f.place,
      promulgationDate: f.promulgationDate,
      signer: f.signer,
      dueDate: f.dueDate,
      files: f.files.map((file) => ({ name: file.name, contentType: file.contentType, bytes: file.bytes, description: file.description })),
    });
    // A file the upload put into the claim-check store already travels as its claim.
    return { package: built.package, attachments: built.attachments.map((a, i) => (f.files[i].claim ? { ...a, claim: f.files[i].claim } : a)) };
  }
}
