import { DataSource } from 'typeorm';
import { Observable, share } from 'rxjs';
import type { Logger } from '@edx/common';

/** What the dashboard is told: something it shows changed, read again. */
export interface ChangeTick {
  readonly at: string;
  /** The watermark that moved: documents (the event log) and/or dead letters (letters and their actions). */
  readonly changed: ReadonlyArray<'documents' | 'dead-letters'>;
}

/**
 * Watches the hub database for changes the dashboard shows, with one cheap query per interval
 * (index-backed maxima, no table scans), shared by every listener and only while someone listens.
 * Every journey step is an event row, so the newest event's time moves whenever a document does;
 * dead letters move by a new letter or a new or finished action.
 */
export class ChangeFeed {
  private readonly ticks: Observable<ChangeTick>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
  ) {
    this.ticks = new Observable<ChangeTick>((subscriber) => {
      let last: Watermarks | undefined;
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      const look = async () => {
        try {
          const now = await this.watermarks();
          if (last) {
            const changed = [
              ...(now.documents !== last.documents ? (['documents'] as const) : []),
              ...(now.deadLetters !== last.deadLetters ? (['dead-letters'] as const) : []),
            ];
            if (changed.length) subscriber.next({ at: new Date().toISOString(), changed });
          }
          last = now;
        } catch (error) {
          // The database is away: say nothing, look again; the dashboard's own reads show the error.
          this.logger.warn({ err: error }, 'change feed: the hub database did not answer');
        }
        if (!stopped) timer = setTimeout(() => void look(), this.intervalMs);
      };
      void look();
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    }).pipe(share());
  }

  /** Ticks from now on (the first look sets the watermark, so a new listener gets no stale tick). */
  changes(): Observable<ChangeTick> {
    return this.ticks;
  }

  private async watermarks(): Promise<Watermarks> {
    const [row] = await this.dataSource.query(
      `SELECT (SELECT max(at) FROM events)::text AS events,
              (SELECT max(id) FROM dead_letters)::text AS letters,
              (SELECT max(id) FROM dead_letter_actions)::text AS actions,
              (SELECT count(*) FROM dead_letter_actions WHERE done_at IS NULL)::text AS pending`,
    );
    return { documents: String(row.events), deadLetters: `${row.letters}|${row.actions}|${row.pending}` };
  }
}

interface Watermarks {
  readonly documents: string;
  readonly deadLetters: string;
}

