import { Counter, Registry } from 'prom-client';
import { createMetricsRegistry } from '@edx/common';
import type { Outcome } from '@edx/messaging';

/** Codes that say a signature, certificate or document did not hold (the rest are routing and format). */
const VERIFICATION_CODE = /^(SIGNATURE_|CERT_|CRL_|REVOCATION_|DIGEST_|PDF_|ATTACHMENT_|SIGNER_|VERIFICATION_)/;

/**
 * The hub's business counters on its /metrics: packages in by outcome, verification failures by
 * code, copies out to recipients and recipients refused. Counted once per message handled (a
 * redelivered message counts again: these count work, the event chain counts documents).
 */
export class HubMetrics {
  readonly registry: Registry = createMetricsRegistry('hub');
  private readonly documents = new Counter({ name: 'edx_documents_total', help: 'Packages the hub handled, by direction and outcome', labelNames: ['direction', 'outcome'], registers: [this.registry] });
  private readonly failures = new Counter({ name: 'edx_verification_failures_total', help: 'Packages refused because a signature, certificate or document did not hold, by code', labelNames: ['code'], registers: [this.registry] });
  private readonly refusals = new Counter({ name: 'edx_refusals_total', help: 'Packages and statuses the hub refused, by code', labelNames: ['code'], registers: [this.registry] });

  /** One inbound package's outcome; `routed`/`rejected`: its recipients sent a copy and refused. */
  package(outcome: Outcome, recipients?: { routed: number; rejected: number }): void {
    if (outcome.kind === 'ack') {
      this.documents.inc({ direction: 'in', outcome: 'accepted' });
      if (recipients?.routed) this.documents.inc({ direction: 'out', outcome: 'delivered' }, recipients.routed);
      if (recipients?.rejected) this.documents.inc({ direction: 'out', outcome: 'rejected' }, recipients.rejected);
    } else if (outcome.kind === 'dead-letter') {
      this.documents.inc({ direction: 'in', outcome: 'refused' });
      this.refused(outcome.code);
    }
  }

  /** A status (or anything else) the hub refused. */
  refused(code: string): void {
    this.refusals.inc({ code });
    if (VERIFICATION_CODE.test(code)) this.failures.inc({ code });
  }
}
