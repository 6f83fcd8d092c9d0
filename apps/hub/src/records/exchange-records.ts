import type { AnsweredDocument } from '@edx/edxml';
import type { ChainedEventFields, DeliveryState } from '@edx/storage';

/** What the hub decided about an accepted package, ready to be committed. */
export interface PackageRecord {
  readonly packageId: string;
  readonly edxmlDocumentId: string;
  readonly senderCode: string;
  readonly senderSystem: string;
  readonly subject: string;
  readonly codeNumber: string;
  readonly codeNotation: string;
  readonly businessType: number;
  readonly sha256: string;
  readonly size: number;
  readonly receivedAt: Date;
  /** edXML DueDate, when the sender set one (Vietnam-time midnight). */
  readonly dueDate: Date | null;
  /** When the sending gateway says it sent the package (its TraceHeader hop, as reported, unverified). */
  readonly sentAt: string | null;
  /** Each signature the hub verified, with its signer (all valid: a package with an invalid one is refused). */
  readonly signatures: ReadonlyArray<{ readonly what: string; readonly signer: string; readonly serialNumber: string }>;
  readonly routed: readonly string[];
  /** Recipients suspended when it arrived (EDX_SUSPENDED_RECIPIENT=hold): recorded now, published when they are active again. */
  readonly held: readonly string[];
  readonly rejected: ReadonlyArray<{ recipientCode: string; code: string; reason: string }>;
  /** Recipient of record -> the code the sender addressed, for recipients that are a retired code's successor. */
  readonly addressedTo?: Readonly<Record<string, string>>;
  /** What a proof of delivery needs: the bytes every recipient receives and the hub's signed receipt attestation about them. */
  readonly delivered: DeliveredCopy;
  /** SHA-256 of each claim-checked attachment: the sender's and recipients' systems may read those blobs. */
  readonly blobs?: readonly string[];
}

export interface DeliveredCopy {
  /** The package with the hub's TraceHeader hop, as every recipient receives it. */
  readonly body: Buffer;
  /** The hub's signed receipt attestation (JWS) of these bytes. */
  readonly attestation: string;
}

/** Where a recorded document's event chain and deliveries stood when it was read. */
export interface DocumentHead {
  readonly hash: string;
  readonly count: number;
  /** Recipient -> its delivery's state. */
  readonly states: ReadonlyMap<string, DeliveryState>;
}

/** A recorded document, as statuses about it are judged (libs/edxml status-authorship.ts) and routed. */
export interface KnownDocument extends AnsweredDocument {
  /** As read from the database (absent for a package of the batch at hand): statuses about it may then commit in one statement. */
  readonly head?: DocumentHead;
  /** Recipients whose delivery is not rejected: a recall (13) goes to them. */
  readonly liveRecipients: readonly string[];
  /** Recipient of record -> the code the sender addressed, where the hub routed to a retired code's successor. */
  readonly addressedTo: ReadonlyMap<string, string>;
}

/** A verified status message about a known document. */
export interface StatusRecord {
  readonly messageId: string;
  readonly packageId: string;
  readonly fromCode: string;
  readonly statusCode: string;
  readonly description: string;
  readonly at: Date;
  readonly actor: string;
  /** The status message's signed bytes (a signed receipt), kept for proofs; absent for what the hub itself notes. */
  readonly signed?: Buffer;
}

/**
 * What deduplicates a status: its author and the id the author gave it. Another agency's message
 * under the same id is another status, so nobody can make a genuine receipt look like a duplicate by
 * publishing first under the id it will have (gateways derive 01/02 ids from public values so that
 * a re-issue after a crash keeps its id; that id is only unique per author).
 */
export function statusKey(s: Pick<StatusRecord, 'fromCode' | 'messageId'>): string {
  return `${s.fromCode}|${s.messageId}`;
}

export interface StatusResult {
  readonly duplicate: boolean;
  /** The delivery's state after the status (undefined when the reporter is not a recipient). */
  readonly state?: DeliveryState;
}

/** An event before it is chained: the hashed fields its chain position (id, seq, prevHash) does not give. */
export type EventInput = Pick<ChainedEventFields, 'recipientCode' | 'type' | 'statusCode' | 'actor' | 'detail' | 'at'>;
