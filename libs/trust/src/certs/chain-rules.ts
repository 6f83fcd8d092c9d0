import { ErrorCode } from '@edx/common';
import { AlgorithmPolicy, algorithmRefusal, keyRefusal } from './algorithm-policy';
import { Certificate } from './certificate';

export interface ChainProblem {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * The rules a built chain (leaf first, anchor last) must meet whatever the time, so they are judged
 * once per chain: every issuer is a CA (basicConstraints cA) allowed to issue certificates
 * (keyCertSign) within its pathLenConstraint; every certificate's signature algorithm and key pass
 * the algorithm policy; the leaf may sign (a KeyUsage extension with digitalSignature or
 * nonRepudiation: without one, nothing says it may).
 */
export function chainProblem(chain: readonly Certificate[], policy: AlgorithmPolicy): ChainProblem | undefined {
  for (let i = 1; i < chain.length; i++) {
    const issuer = chain[i];
    const issued = chain[i - 1];
    if (!issuer.isCa) return invalid(`The certificate of ${issuer.subject} issued ${issued.subject} but is not a CA (its basicConstraints do not say cA).`);
    if (!issuer.keyUsage?.keyCertSign) {
      const why = issuer.keyUsage ? 'its KeyUsage lacks keyCertSign' : 'it has no KeyUsage extension with keyCertSign';
      return invalid(`The CA ${issuer.subject} may not issue certificates (${why}), yet it issued ${issued.subject}.`);
    }
    // The CA certificates between this issuer and the leaf (RFC 5280 6.1.4 (l), self-issued ones counted too).
    const casBelow = i - 1;
    if (issuer.pathLength !== undefined && casBelow > issuer.pathLength) {
      return invalid(`The CA ${issuer.subject} allows ${issuer.pathLength} CA certificate(s) below it (pathLenConstraint ${issuer.pathLength}), but this chain has ${casBelow}: ${chain.slice(1, i).map((c) => c.subject).join('; ')}.`);
    }
  }
  for (const cert of chain) {
    const what = `the certificate of ${cert.subject}`;
    // A CA's signature on a certificate is dated by the validity it gives (notBefore).
    const refusal = algorithmRefusal('signature', cert.signatureAlgorithm, { signedAt: cert.notBefore, what, policy }) ?? keyRefusal(cert.native.publicKey, { what, policy });
    if (refusal) return { code: 'SIGNATURE_ALGORITHM_WEAK', message: refusal };
  }
  const leaf = chain[0];
  if (leaf.canSign === undefined) return { code: 'CERT_KEY_USAGE', message: `The certificate of ${leaf.subject} has no KeyUsage extension, so nothing allows it to sign (digitalSignature or nonRepudiation).` };
  if (!leaf.canSign) return { code: 'CERT_KEY_USAGE', message: `The certificate of ${leaf.subject} may not be used to sign (its KeyUsage has neither digitalSignature nor nonRepudiation).` };
  return undefined;
}

function invalid(message: string): ChainProblem {
  return { code: 'CERT_CHAIN_INVALID', message };
}
