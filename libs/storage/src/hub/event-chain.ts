import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that its hash covers. */
export interface ChainedEventFields {
  readonly id: string;
  readonly documentId: string;
  readonly seq: number;
  readonly recipientCode: string | null;
  readonly type: string;
  readonly statusCode: string | null;
  readonly actor: string;
  readonly detail: Record<string, unknown>;
  readonly at: Date;
  readonly prevHash: string;
}

/** JSON with sorted keys, so the hash does not depend on property order (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function eventHash(e: ChainedEventFields): string {
  const covered = {
    id: e.id, documentId: e.documentId, seq: e.seq, recipientCode: e.recipientCode, type: e.type,
    statusCode: e.statusCode, actor: e.actor, detail: e.detail, at: e.at.toISOString(), prevHash: e.prevHash,
  };
  return createHash('sha256').update(canonicalJson(covered)).digest('hex');
}

export interface ChainBreak {
  readonly seq: number;
  readonly reason: string;
}

/** Checks a document's events in seq order; returns the first break, or undefined when intact. */
export function findChainBreak(events: ReadonlyArray<ChainedEventFields & { hash: string }>): ChainBreak | undefined {
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    if (event.seq !== i + 1) return { seq: event.seq, reason: `expected event #${i + 1}, found #${event.seq} (an event was removed)` };
    if (event.prevHash !== prev) return { seq: event.seq, reason: 'does not point at the previous event' };
    if (eventHash(event) !== event.hash) return { seq: event.seq, reason: 'its content was changed after it was written' };
    prev = event.hash;
  }
  return undefined;
}

/** A document's chain head as a checkpoint covers it. */
export interface CheckpointEntry {
  readonly documentId: string;
  readonly count: number;
  readonly hash: string;
}

/**
 * The head of checkpoint n: SHA-256 over the head of checkpoint n-1 (GENESIS_HASH for the first)
 * and the chain head of every document whose chain grew since, in document id order. The chain of
 * checkpoint heads covers every event ever checkpointed, so one signed head fixes all of history.
 */
export function checkpointHead(previousHead: string, entries: readonly CheckpointEntry[]): string {
  const hash = createHash('sha256').update(previousHead);
  for (const e of [...entries].sort((a, b) => (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0))) hash.update(`\n${e.documentId} ${e.count} ${e.hash}`);
  return hash.digest('hex');
}
