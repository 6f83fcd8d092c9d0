import { availableParallelism } from 'node:os';
import { setting, z } from './settings';

/**
 * The settings every signature verifier (hub, gateway) reads, spread into its settings schema: the
 * SHA-1 cut-off of the algorithm policy, what to do when a certificate's published revocation status
 * cannot be had, and how hard to try.
 */
export const verificationSettingsShape = {
  /** SHA-1 is accepted only in signatures provably made before this instant (ISO 8601). */
  EDX_SHA1_ALLOWED_BEFORE: z.coerce.date().default(new Date('2020-01-01T00:00:00Z')),
  /** `refuse` (REVOCATION_UNKNOWN) or `warn` (accept, keep the warning with the verdict). */
  EDX_REVOCATION_UNKNOWN: setting.oneOf(['refuse', 'warn'], 'refuse'),
  /** How long one OCSP or CRL request may take. */
  EDX_REVOCATION_TIMEOUT_MS: setting.int(5000, 100),
  /** After a failed fetch, how long it stands before the responder is asked again. */
  EDX_REVOCATION_RETRY_AFTER_MS: setting.int(30_000, 0),
  /** How often a gateway re-reads the console's published CRLs (its configuration's trust.crlSources). */
  EDX_REVOCATION_CRL_REFRESH_MS: setting.int(300_000, 100),
  /** Worker threads that verify large or zipped documents (0: all on the event loop). Default: the cores but one, 1 to 4. */
  EDX_VERIFY_WORKERS: setting.int(Math.max(1, Math.min(4, availableParallelism() - 1)), 0),
  /** How long verifying one package's documents may take in a worker before they are refused (VERIFICATION_ABORTED). */
  EDX_VERIFY_BUDGET_MS: setting.int(60_000, 1),
  /** Documents under this size in all, with no zip among them, are verified on the event loop (a hand-over costs more). */
  EDX_VERIFY_INLINE_BELOW_BYTES: setting.int(1024 * 1024, 0),
  /** A claim-checked attachment that opens as a PDF or a zip is read whole to check its signatures, up to this size (larger: ATTACHMENT_TOO_LARGE). */
  EDX_VERIFY_MAX_BYTES: setting.int(256 * 1024 * 1024, 1),
};

export interface RevocationSettings {
  readonly unknown: 'refuse' | 'warn';
  readonly timeoutMs: number;
  readonly retryAfterMs: number;
  readonly crlRefreshMs: number;
}

export interface VerificationSettings {
  readonly sha1AllowedBefore: Date;
  readonly revocation: RevocationSettings;
  readonly workers: { readonly workers: number; readonly budgetMs: number; readonly inlineBelowBytes: number };
  /** EDX_VERIFY_MAX_BYTES. */
  readonly maxOpenBytes: number;
}

export function verificationSettingsOf(env: {
  EDX_SHA1_ALLOWED_BEFORE: Date;
  EDX_REVOCATION_UNKNOWN: 'refuse' | 'warn';
  EDX_REVOCATION_TIMEOUT_MS: number;
  EDX_REVOCATION_RETRY_AFTER_MS: number;
  EDX_REVOCATION_CRL_REFRESH_MS: number;
  EDX_VERIFY_WORKERS: number;
  EDX_VERIFY_BUDGET_MS: number;
  EDX_VERIFY_INLINE_BELOW_BYTES: number;
  EDX_VERIFY_MAX_BYTES: number;
}): VerificationSettings {
  return {
    sha1AllowedBefore: env.EDX_SHA1_ALLOWED_BEFORE,
    revocation: { unknown: env.EDX_REVOCATION_UNKNOWN, timeoutMs: env.EDX_REVOCATION_TIMEOUT_MS, retryAfterMs: env.EDX_REVOCATION_RETRY_AFTER_MS, crlRefreshMs: env.EDX_REVOCATION_CRL_REFRESH_MS },
    workers: { workers: env.EDX_VERIFY_WORKERS, budgetMs: env.EDX_VERIFY_BUDGET_MS, inlineBelowBytes: env.EDX_VERIFY_INLINE_BELOW_BYTES },
    maxOpenBytes: env.EDX_VERIFY_MAX_BYTES,
  };
}
