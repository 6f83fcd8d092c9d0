import { Observable, Subject, filter } from 'rxjs';

export interface GatewayEvent {
  /** The hosted agency the event concerns. */
  readonly agencyCode: string;
  readonly type: 'document' | 'status';
  readonly data: Record<string, unknown>;
}

/** In-process fan-out of new documents and statuses to the live streams (SSE) of each agency. */
export class GatewayEvents {
  private readonly subject = new Subject<GatewayEvent>();

  emit(event: GatewayEvent): void {
    this.subject.next(event);
  }

  forAgency(agencyCode: string): Observable<GatewayEvent> {
    return this.subject.pipe(filter((e) => e.agencyCode === agencyCode));
  }

  /** Ends every live stream (its client reconnects elsewhere): an open stream must not hold a shutdown forever. */
  close(): void {
    this.subject.complete();
  }
}
