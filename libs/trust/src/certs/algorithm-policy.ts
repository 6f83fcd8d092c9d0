import { KeyObject } from 'node:crypto';
import { EdxError } from '@edx/common';
import { knownAlgorithm } from './signature-algorithms';

/**
 * Which algorithms a signature may rest on, in one place: certificate and CRL signatures here
 * (TrustStore), CMS and XML-DSig digests and signatures in their verifiers.
 *   - MD5 (and MD2, MD4): never, whatever the date;
 *   - SHA-1: only for a signature made before `sha1AllowedBefore`, which must be shown (a CA's
 *     signature by the certificate's notBefore or the CRL's thisUpdate; a document signature by
 *     the time the caller can vouch for). Collisions became practical after that date;
 *   - keys: RSA of at least `minRsaBits`, or EC on one of `ecCurves`; nothing else.
 * Algorithms it does not know are left to the verifiers, which refuse what they cannot compute.
 */
export interface AlgorithmPolicy {
  readonly sha1AllowedBefore: Date;
  readonly minRsaBits: number;
  /** Curve names as Node reports them (P-256 is prime256v1, P-384 secp384r1). */
  readonly ecCurves: readonly string[];
}

export const DEFAULT_ALGORITHM_POLICY: AlgorithmPolicy = Object.freeze({
  sha1AllowedBefore: new Date('2020-01-01T00:00:00Z'),
  minRsaBits: 2048,
  ecCurves: Object.freeze(['prime256v1', 'secp384r1']),
});

const CURVE_NAMES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384' };

export interface AlgorithmContext {
  /** When the signature was made, as far as it can be shown; without it SHA-1 is refused. */
  readonly signedAt?: Date;
  /** What carries it, for the message: "the certificate of CN=…", "the CMS digest of signature 1". */
  readonly what?: string;
  readonly policy?: AlgorithmPolicy;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Why the policy refuses the digest or signature algorithm `oidOrName`, or undefined when it does not. */
export function algorithmRefusal(kind: 'digest' | 'signature', oidOrName: string, context: AlgorithmContext = {}): string | undefined {
  const algorithm = knownAlgorithm(oidOrName);
  if (!algorithm) return undefined;
  const policy = context.policy ?? DEFAULT_ALGORITHM_POLICY;
  const where = context.what ? ` in ${context.what}` : '';
  if (algorithm.family === 'md5' || algorithm.family === 'md2' || algorithm.family === 'md4') {
    return `The ${kind} algorithm ${algorithm.name}${where} is refused: MD5 (and MD2, MD4) is never accepted.`;
  }
  if (algorithm.family !== 'sha1') return undefined;
  const cutOff = day(policy.sha1AllowedBefore);
  if (!context.signedAt) return `The ${kind} algorithm ${algorithm.name}${where} is refused: SHA-1 is accepted only for signatures shown to be made before ${cutOff}, and nothing dates this one.`;
  if (context.signedAt >= policy.sha1AllowedBefore) {
    return `The ${kind} algorithm ${algorithm.name}${where} is refused: SHA-1 is accepted only for signatures made before ${cutOff}, and this one dates from ${day(context.signedAt)}.`;
  }
  return undefined;
}

/** Why the policy refuses `key`, or undefined when it does not. */
export function keyRefusal(key: KeyObject, context: Pick<AlgorithmContext, 'what' | 'policy'> = {}): string | undefined {
  const policy = context.policy ?? DEFAULT_ALGORITHM_POLICY;
  const whose = context.what ? `The key of ${context.what}` : 'The key';
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss': {
      const bits = details.modulusLength ?? 0;
      return bits >= policy.minRsaBits ? undefined : `${whose} is refused: RSA with ${bits} bits, and RSA keys need at least ${policy.minRsaBits}.`;
    }
    case 'ec': {
      const curve = details.namedCurve ?? 'unknown';
      const accepted = policy.ecCurves.map((c) => CURVE_NAMES[c] ?? c).join(', ');
      return policy.ecCurves.includes(curve) ? undefined : `${whose} is refused: EC on curve ${CURVE_NAMES[curve] ?? curve}; accepted curves are ${accepted}.`;
    }
    default:
      return `${whose} is refused: ${key.asymmetricKeyType ?? 'an unknown'} key; edx accepts RSA (at least ${policy.minRsaBits} bits) and EC keys.`;
  }
}

/**
 * For the CMS and XML-DSig verifiers: throws SIGNATURE_ALGORITHM_WEAK, naming the algorithm and the
 * rule, when the policy refuses `oidOrName` (an OID, an XML-DSig URI or a name such as "sha1").
 */
export function assertAlgorithmAllowed(kind: 'digest' | 'signature', oidOrName: string, context: AlgorithmContext = {}): void {
  const refusal = algorithmRefusal(kind, oidOrName, context);
  if (refusal) throw new EdxError('SIGNATURE_ALGORITHM_WEAK', refusal, { algorithm: oidOrName });
}

/** Throws SIGNATURE_ALGORITHM_WEAK when the policy refuses the signer's public `key` (size or curve). */
export function assertKeyAllowed(key: KeyObject, context: Pick<AlgorithmContext, 'what' | 'policy'> = {}): void {
  const refusal = keyRefusal(key, context);
  if (refusal) throw new EdxError('SIGNATURE_ALGORITHM_WEAK', refusal);
}
