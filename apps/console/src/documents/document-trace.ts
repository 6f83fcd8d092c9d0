import { STATUS_CODES, isKnownStatusCode, readEdxmlTimestamp } from '@edx/edxml';
import { DeadLetterSummary, EventRow } from './documents.repository';

/** One step of a document's journey, as a person reads it on a timeline. */
export interface TraceEntry {
  readonly at: string;
  /** Stable key of what happened (the dashboard words it in the reader's language). */
  readonly kind: 'sent' | 'verified' | 'routed' | 'held' | 'released' | 'refused' | 'status' | 'dead-letter';
  /** Who did it: a connected system, the hub, or the recipient agency. */
  readonly by: string;
  readonly recipient?: string;
  readonly statusCode?: string;
  /** The sentence the timeline shows. */
  readonly summary: string;
  readonly detail?: Record<string, unknown>;
  /** The event's place in the document's hash chain (absent for dead letters, which are outside it). */
  readonly seq?: number;
}

const STATUS_WORDS: Readonly<Record<string, string>> = {
  '01': 'arrived at the recipient gateway (01)',
  '02': 'rejected (02)',
  '03': 'accepted into the incoming register (03)',
  '04': 'assigned by a leader (04)',
  '05': 'being processed (05)',
  '06': 'completed (06)',
  '13': 'asked to recall the document (13)',
  '15': 'agreed to the recall (15)',
  '16': 'refused the recall (16)',
};

function statusSummary(e: EventRow): string {
  const code = e.statusCode ?? '';
  const words = STATUS_WORDS[code] ?? (isKnownStatusCode(code) ? STATUS_CODES[code].meaning : `status ${code}`);
  const description = typeof e.detail.description === 'string' && e.detail.description ? `: ${e.detail.description}` : '';
  const moved = e.detail.moved === false ? ' (recorded; it did not move the delivery: late or repeated)' : '';
  return `${e.recipientCode ?? 'unknown'} ${words}${code === '02' || code === '16' ? description : ''}${moved}`;
}

function entriesOf(e: EventRow): TraceEntry[] {
  const base = { at: new Date(e.at).toISOString(), seq: e.seq };
  switch (e.type) {
    case 'received': {
      const signatures = Array.isArray(e.detail.signatures) ? (e.detail.signatures as Array<Record<string, string>>) : [];
      const sentAt = typeof e.detail.sentAt === 'string' ? readEdxmlTimestamp(e.detail.sentAt) : undefined;
      const sent: TraceEntry[] = sentAt
        ? [{ at: sentAt.toISOString(), kind: 'sent', by: e.actor, summary: `Sent by connected system ${e.actor} (time as its gateway reported it)`, detail: { reportedAt: e.detail.sentAt } }]
        : [];
      const verdicts = signatures.map((s) => `${s.what}: ${s.verdict ?? 'valid'} (${s.signer})`).join('; ');
      return [
        ...sent,
        {
          ...base,
          kind: 'verified',
          by: 'hub',
          summary: `Received from ${e.actor} and verified at the hub${verdicts ? `: ${verdicts}` : ''}`,
          detail: { sha256: e.detail.sha256, size: e.detail.size, signatures },
        },
      ];
    }
    case 'routed':
      return [{
        ...base, kind: 'routed', by: 'hub', recipient: e.recipientCode ?? undefined,
        summary: `Routed to ${e.recipientCode}${typeof e.detail.addressedTo === 'string' ? ` (addressed to ${e.detail.addressedTo}, retired into it)` : ''}`,
      }];
    case 'held':
      return [{ ...base, kind: 'held', by: 'hub', recipient: e.recipientCode ?? undefined, summary: `Held for ${e.recipientCode}: [${String(e.detail.code)}] ${String(e.detail.reason)}`, detail: { code: e.detail.code, reason: e.detail.reason } }];
    case 'released':
      return [{ ...base, kind: 'released', by: 'hub', recipient: e.recipientCode ?? undefined, summary: `Sent on to ${e.recipientCode}, active again` }];
    case 'rejected':
      return [
        {
          ...base, kind: 'refused', by: 'hub', recipient: e.recipientCode ?? undefined, statusCode: '02',
          summary: `Not delivered to ${e.recipientCode}: [${String(e.detail.code)}] ${String(e.detail.reason)}`, detail: { code: e.detail.code, reason: e.detail.reason },
        },
      ];
    case 'status':
      return [
        {
          ...base, kind: 'status', by: e.actor, recipient: e.recipientCode ?? undefined, statusCode: e.statusCode ?? undefined,
          summary: statusSummary(e), detail: { description: e.detail.description, moved: e.detail.moved, state: e.detail.state },
        },
      ];
    default:
      return [{ ...base, kind: 'status', by: e.actor, summary: `${e.type}`, detail: e.detail }];
  }
}

/**
 * The journey of a document in time order: sent (as the sending gateway reported), received and
 * verified at the hub with each signature's verdict, routed, each status from each recipient, each
 * refusal with its reason, and every dead letter under the package id.
 */
export function documentTrace(events: readonly EventRow[], deadLetters: readonly DeadLetterSummary[]): TraceEntry[] {
  const entries = events.flatMap(entriesOf);
  for (const d of deadLetters) {
    entries.push({
      at: new Date(d.failedAt).toISOString(), kind: 'dead-letter', by: d.sourceQueue, summary: `Dead-lettered from ${d.sourceQueue}: [${d.code}] ${d.reason}`,
      detail: { deadLetterId: d.id, code: d.code, userId: d.userId },
    });
  }
  // Stable: entries at the same instant keep chain order.
  return entries.map((e, i) => ({ e, i })).sort((a, b) => a.e.at.localeCompare(b.e.at) || a.i - b.i).map(({ e }) => e);
}
