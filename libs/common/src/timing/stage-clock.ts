import { WriteStream, createWriteStream } from 'node:fs';
import path from 'node:path';

/** Milliseconds since the epoch, to the microsecond, on the clock every process of one machine shares. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Per-stage timestamps of documents on their way through the exchange (the bench's `--stages`).
 * With a folder (EDX_STAGE_LOG_DIR), each mark is a line `at stage id` in this process's own file
 * there; without one, marking costs nothing (the default). Ids are package ids, so the bench can
 * put one document's marks from every process in order.
 */
export class StageClock {
  private readonly out: WriteStream | undefined;

  constructor(dir?: string, name = 'app') {
    this.out = dir ? createWriteStream(path.join(dir, `${name}-${process.pid}.log`), { flags: 'a' }) : undefined;
  }

  get enabled(): boolean {
    return this.out !== undefined;
  }

  mark(stage: string, ids: Iterable<string | undefined>): void {
    if (!this.out) return;
    const at = epochMs().toFixed(3);
    let lines = '';
    for (const id of ids) if (id) lines += `${at} ${stage} ${id}\n`;
    if (lines) this.out.write(lines);
  }
}

/** No stage marks: what every process uses unless the bench asked for them. */
export const NO_STAGE_CLOCK = new StageClock();
