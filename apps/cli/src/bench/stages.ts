import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { percentile } from './stats';

/**
 * The stages of one document, in the order it passes them (the bench's --stages): accepted (the 202
 * at the client), the sending gateway's relay publishes the package, the hub takes, commits and sends
 * it, each receiving gateway takes and stores it and its relay publishes the 01, the hub takes,
 * commits and sends the 01s, the sending gateway takes and stores them, and the client sees the last
 * 01 on its live stream. Where a stage happens once per recipient, its time is the last recipient's.
 */
export const DOCUMENT_STAGES = [
  'accepted',
  'gateway:package-published',
  'hub:package-in', 'hub:package-committed', 'hub:package-out',
  'gateway:package-in', 'gateway:package-stored', 'gateway:status-published',
  'hub:status-in', 'hub:status-committed', 'hub:status-out',
  'gateway:status-in', 'gateway:status-stored',
  '01 seen',
] as const;

/** Per package id, the latest time (ms since the epoch) of each stage, from every process's file in `dir`. */
export function readStageMarks(dir: string): Map<string, Map<string, number>> {
  const marks = new Map<string, Map<string, number>>();
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const [at, stage, id] = line.split(' ');
      if (!id) continue;
      const stages = marks.get(id) ?? new Map<string, number>();
      stages.set(stage, Math.max(stages.get(stage) ?? 0, Number(at)));
      marks.set(id, stages);
    }
  }
  return marks;
}

export interface StageHop {
  readonly from: string;
  readonly to: string;
  readonly p50Ms: number;
  readonly p95Ms: number;
}

/**
 * The time each document spent between consecutive stages, as p50 and p95 over the documents that
 * passed both. `documents` gives each one's accepted and last-01-seen times (the client's clock,
 * in ms since the epoch, the same clock as the marks on one machine).
 */
export function stageBreakdown(marks: ReadonlyMap<string, ReadonlyMap<string, number>>, documents: ReadonlyArray<{ id: string; acceptedAt: number; seenAt: number }>): StageHop[] {
  const hops: StageHop[] = [];
  for (let i = 1; i < DOCUMENT_STAGES.length; i++) {
    const [from, to] = [DOCUMENT_STAGES[i - 1], DOCUMENT_STAGES[i]];
    const samples: number[] = [];
    for (const d of documents) {
      const at = (stage: string) => (stage === 'accepted' ? d.acceptedAt : stage === '01 seen' ? d.seenAt : marks.get(d.id)?.get(stage));
      const [a, b] = [at(from), at(to)];
      if (a !== undefined && b !== undefined) samples.push(b - a);
    }
    if (samples.length > 0) hops.push({ from, to, p50Ms: round(percentile(samples, 50)), p95Ms: round(percentile(samples, 95)) });
  }
  return hops;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
