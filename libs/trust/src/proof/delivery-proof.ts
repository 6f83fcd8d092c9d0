import { createHash } from 'node:crypto';
import { EdxError, ErrorCode } from '@edx/common';
import { parseEdxml } from '@edx/edxml';
import { ChainedEventFields, GENESIS_HASH, findChainBreak } from '@edx/storage';
import { TrustStore } from '../certs/trust-store';
import { ReceiptAttestation, verifyReceiptAttestation } from '../attestation/receipt-attestation';
import { verifyDocumentSignatures } from '../pdf/document-signatures';
import { verifyEnvelope } from '../xmldsig/envelope-verification';

export const DELIVERY_PROOF_FORMAT = 'edx-delivery-proof/1';

/** One event of the document's hash chain, as the hub recorded it (`at` in ISO 8601). */
export type ProofChainEntry = Omit<ChainedEventFields, 'at'> & { readonly at: string; readonly hash: string };

/**
 * One file a recipient can be handed: the package as the hub delivered it, each signature's verdict
 * as the hub judged it, the hub's signed receipt attestation, every signed receipt (status) the hub
 * accepted, and the document's event chain. `verifyDeliveryProof` checks it with no database and
 * no network.
 */
export interface DeliveryProof {
  readonly format: typeof DELIVERY_PROOF_FORMAT;
  readonly packageId: string;
  readonly exportedAt: string;
  /** The package bytes exactly as delivered (base64) and their SHA-256 (hex). */
  readonly package: { readonly sha256: string; readonly base64: string };
  /** Each signature and its verdict as the hub judged it when it received the package. */
  readonly signatures: ReadonlyArray<Record<string, unknown>>;
  /** The hub's signed receipt attestation (JWS compact). */
  readonly attestation: string;
  /** Every signed status the hub accepted about the package: its message id and signed bytes (base64). */
  readonly receipts: ReadonlyArray<{ readonly messageId: string; readonly from: string; readonly statusCode: string; readonly base64: string }>;
  /** The document's events in chain order, and the head the hub kept for them. */
  readonly chain: { readonly entries: readonly ProofChainEntry[]; readonly head: { readonly hash: string; readonly count: number } };
}

export interface ProofCheck {
  /** What was checked: "package", "attestation", "envelope signature", "document signatures", "receipt <id>", "chain". */
  readonly item: string;
  readonly ok: boolean;
  readonly code?: ErrorCode;
  readonly message: string;
}

export interface ProofVerdict {
  readonly ok: boolean;
  readonly packageId: string;
  /** The attested receipt time every package signature was judged at. */
  readonly receivedAt?: string;
  readonly checks: ProofCheck[];
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const pass = (item: string, message: string): ProofCheck => ({ item, ok: true, message });
const fail = (item: string, code: ErrorCode, message: string): ProofCheck => ({ item, ok: false, code, message });

/**
 * Checks a delivery proof offline against `trustStore` (the anchors the verifier trusts): the
 * attestation's signature (a hub certificate chaining to the anchors at the attested time) and that
 * it names the package's bytes; the envelope and PDF signatures at the attested receipt time; every
 * receipt's signature and that it answers this package and is the one the chain recorded; and that
 * the chain entries link up to the head. Never throws for a bad proof: each check says what failed.
 */
export function verifyDeliveryProof(input: unknown, trustStore: TrustStore, now: Date = new Date()): ProofVerdict {
  const proof = input as Partial<DeliveryProof> | null;
  if (!proof || proof.format !== DELIVERY_PROOF_FORMAT || typeof proof.packageId !== 'string' || !proof.package || !proof.chain || !Array.isArray(proof.receipts)) {
    return { ok: false, packageId: String(proof?.packageId ?? ''), checks: [fail('proof', 'PROOF_INVALID', `This is not an ${DELIVERY_PROOF_FORMAT} file.`)] };
  }
  const checks: ProofCheck[] = [];
  const body = Buffer.from(proof.package.base64 ?? '', 'base64');
  checks.push(sha256(body) === proof.package.sha256 ? pass('package', `${body.length} bytes, sha256 ${proof.package.sha256}`) : fail('package', 'PROOF_INVALID', 'The package bytes do not hash to the sha256 the proof states.'));

  // The attestation: the hub's signature, its certificate at the attested time, these bytes, this package id.
  let attestation: ReceiptAttestation | undefined;
  try {
    const claimed = JSON.parse(Buffer.from(String(proof.attestation).split('.')[1] ?? '', 'base64url').toString('utf8')) as Partial<ReceiptAttestation>;
    const attestedAt = new Date(String(claimed.receivedAt));
    if (Number.isNaN(attestedAt.getTime())) throw new EdxError('ATTESTATION_INVALID', 'The receipt attestation carries no receipt time.');
    attestation = verifyReceiptAttestation(proof.attestation, { body, packageId: proof.packageId, hubCode: String(claimed.attestedBy), trustStore, now: attestedAt });
    checks.push(pass('attestation', `signed by the hub ${attestation.attestedBy}: package sha256 ${attestation.sha256} received ${attestation.receivedAt}, verdict ${attestation.verdict}`));
  } catch (error) {
    const e = error instanceof EdxError ? error : new EdxError('ATTESTATION_INVALID', 'The receipt attestation cannot be read.');
    checks.push(fail('attestation', e.code, e.message));
  }
  const at = attestation ? new Date(attestation.receivedAt) : undefined;

  let documentId: string | undefined;
  let senderCode: string | undefined;
  try {
    // The hub's own copy: a large attachment in it is a claim check, bound by its digest in the envelope signature.
    const parsed = parseEdxml(body, undefined, { claims: true });
    if (parsed.kind !== 'package') throw new EdxError('EDXML_NOT_EDXML', 'The proof holds a status message where the package should be.');
    documentId = parsed.package.documentId;
    senderCode = parsed.package.from.organId;
    if (!at) {
      checks.push(fail('signatures', 'PROOF_INVALID', 'The package signatures cannot be judged without a valid attested receipt time.'));
    } else {
      const options = { trustStore, at, now, senderCode };
      const envelope = verifyEnvelope(parsed, { ...options, messageId: proof.packageId });
      checks.push(envelope.ok ? pass('envelope signature', `${envelope.signer?.subject ?? ''}: valid at ${at.toISOString()}`) : fail('envelope signature', envelope.code ?? 'SIGNATURE_INVALID', envelope.message));
      // A claimed attachment's bytes are not in the proof: the envelope signature binds their digest, the hub's verdicts above say what it found in them.
      const claimed = parsed.attachments.filter((a) => a.claim).length;
      const documents = verifyDocumentSignatures(parsed.attachments.filter((a) => !a.claim), { ...options, policy: { requireOrganisationSignature: 'none' } });
      const count = documents.reports.reduce((n, r) => n + r.signatures.length, 0);
      const held = claimed > 0 ? `; ${claimed} attachment(s) kept in the blob store are bound by their SHA-256 in the envelope signature, their bytes are not in the proof` : '';
      checks.push(documents.ok ? pass('document signatures', `${count} PDF signature(s) valid at ${at.toISOString()}${held}`) : fail('document signatures', documents.code ?? 'SIGNATURE_INVALID', documents.message));
    }
  } catch (error) {
    const e = error instanceof EdxError ? error : new EdxError('EDXML_MALFORMED', String(error));
    checks.push(fail('signatures', e.code, `The package cannot be read: ${e.message}`));
  }

  const entries = (proof.chain.entries ?? []) as ProofChainEntry[];
  checks.push(chainCheck(entries, proof.chain.head, proof.attestation));

  for (const receipt of proof.receipts) checks.push(receiptCheck(receipt, entries, { trustStore, now, documentId, senderCode }));

  return { ok: checks.every((c) => c.ok), packageId: proof.packageId, receivedAt: attestation?.receivedAt, checks };
}

function chainCheck(entries: readonly ProofChainEntry[], head: { hash: string; count: number } | undefined, attestation: string | undefined): ProofCheck {
  const item = 'chain';
  let broken;
  try {
    broken = findChainBreak(entries.map((e) => ({ ...e, at: new Date(e.at) })));
  } catch {
    return fail(item, 'CHAIN_BROKEN', 'The chain entries cannot be read.');
  }
  if (broken) return fail(item, 'CHAIN_BROKEN', `event #${broken.seq} ${broken.reason}`);
  const last = entries[entries.length - 1]?.hash ?? GENESIS_HASH;
  if (!head || head.count !== entries.length || head.hash !== last) return fail(item, 'CHAIN_BROKEN', `the entries do not end at the head the hub kept (${head?.count ?? '?'} event(s), ${head?.hash ?? '?'})`);
  const received = entries[0];
  if (received?.type !== 'received' || received.detail.attestation !== attestation) return fail(item, 'CHAIN_BROKEN', 'the first event does not record this receipt attestation');
  return pass(item, `${entries.length} event(s) link up to the head ${head.hash}`);
}

function receiptCheck(
  receipt: DeliveryProof['receipts'][number],
  entries: readonly ProofChainEntry[],
  context: { trustStore: TrustStore; now: Date; documentId?: string; senderCode?: string },
): ProofCheck {
  const item = `receipt ${receipt.messageId}`;
  const bytes = Buffer.from(receipt.base64 ?? '', 'base64');
  // Statuses are deduplicated per author, so a message id alone may name two: the recorded hash says which.
  const recorded = entries.find((e) => e.type === 'status' && e.detail.messageId === receipt.messageId && e.detail.sha256 === sha256(bytes)) ?? entries.find((e) => e.type === 'status' && e.detail.messageId === receipt.messageId);
  if (!recorded) return fail(item, 'PROOF_INVALID', 'the chain records no status with this message id');
  if (recorded.detail.sha256 !== sha256(bytes)) return fail(item, 'PROOF_INVALID', 'these bytes are not the status the chain recorded (sha256 differs)');
  try {
    const parsed = parseEdxml(bytes);
    if (parsed.kind !== 'status') return fail(item, 'PROOF_INVALID', 'this is not a status message');
    const status = parsed.status;
    const from = status.from.organId ?? '';
    // The hub judged the status when it recorded it: that time is in the chain.
    const verdict = verifyEnvelope(parsed, { trustStore: context.trustStore, at: new Date(recorded.at), now: context.now, senderCode: from, messageId: receipt.messageId });
    if (!verdict.ok) return fail(item, verdict.code ?? 'SIGNATURE_INVALID', `${status.statusCode ?? '?'} from ${from}: ${verdict.message}`);
    const answers = status.responseFor;
    if (!answers || answers.documentId !== context.documentId || answers.organId !== context.senderCode) {
      return fail(item, 'PROOF_INVALID', `${status.statusCode ?? '?'} from ${from} answers ${answers?.documentId ?? 'no document'}, not ${context.documentId ?? 'this package'}`);
    }
    if (from !== recorded.recipientCode || (status.statusCode ?? '') !== recorded.statusCode) return fail(item, 'PROOF_INVALID', `the chain recorded ${recorded.statusCode ?? '?'} from ${recorded.recipientCode ?? '?'}, the signed status says ${status.statusCode ?? '?'} from ${from}`);
    return pass(item, `${status.statusCode} from ${from}, signed by ${verdict.signer?.subject ?? ''}, answers ${answers.documentId}`);
  } catch (error) {
    const e = error instanceof EdxError ? error : new EdxError('EDXML_MALFORMED', String(error));
    return fail(item, e.code, e.message);
  }
}
