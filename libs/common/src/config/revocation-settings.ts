import { setting } from './settings';

/**
 * The revocation settings every verifier (hub, gateway) reads, spread into its settings schema:
 * what to do when a certificate's published status cannot be had, and how hard to try.
 */
export const revocationSettingsShape = {
  /** `refuse` (REVOCATION_UNKNOWN) or `warn` (accept, keep the warning with the verdict). */
  EDX_REVOCATION_UNKNOWN: setting.oneOf(['refuse', 'warn'], 'refuse'),
  /** How long one OCSP or CRL request may take. */
  EDX_REVOCATION_TIMEOUT_MS: setting.int(5000, 100),
  /** After a failed fetch, how long it stands before the responder is asked again. */
  EDX_REVOCATION_RETRY_AFTER_MS: setting.int(30_000, 0),
  /** How often a gateway re-reads the console's published CRLs (its configuration's trust.crlSources). */
  EDX_REVOCATION_CRL_REFRESH_MS: setting.int(300_000, 100),
};

export interface RevocationSettings {
  readonly unknown: 'refuse' | 'warn';
  readonly timeoutMs: number;
  readonly retryAfterMs: number;
  readonly crlRefreshMs: number;
}

export function revocationSettingsOf(env: {
  EDX_REVOCATION_UNKNOWN: 'refuse' | 'warn';
  EDX_REVOCATION_TIMEOUT_MS: number;
  EDX_REVOCATION_RETRY_AFTER_MS: number;
  EDX_REVOCATION_CRL_REFRESH_MS: number;
}): RevocationSettings {
  return { unknown: env.EDX_REVOCATION_UNKNOWN, timeoutMs: env.EDX_REVOCATION_TIMEOUT_MS, retryAfterMs: env.EDX_REVOCATION_RETRY_AFTER_MS, crlRefreshMs: env.EDX_REVOCATION_CRL_REFRESH_MS };
}
