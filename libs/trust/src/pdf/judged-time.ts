import { VerifyOptions } from '../verdict';
import { CmsSignature } from './cms';
import { verifySignatureTimestamp } from './timestamp-token';

/** The time a signature's certificate is judged at, and what proves it. */
export interface JudgedTime {
  readonly at: Date;
  /** `verifier`: the caller's provable time (its now, or `at`); `timestamp`: a trusted TSA's genTime. */
  readonly by: 'verifier' | 'timestamp';
  /** The TSA whose token set the time. */
  readonly authority?: string;
  /** Why a carried time-stamp token was not used, when there is one. */
  readonly ignoredTimestamp?: string;
}

/**
 * The earliest time the verifier can prove the signature existed: the caller's provable time
 * (`options.at`, default now), or the genTime of a trusted TSA's token over this signature value
 * when that is earlier. The signer's own signingTime is a claim anyone can backdate: never used.
 */
export function judgedTime(cms: CmsSignature, options: VerifyOptions): JudgedTime {
  const verifierTime = options.at ?? new Date();
  const token = cms.timestampTokens[0];
  if (!token) return { at: verifierTime, by: 'verifier' };
  if (!options.tsaTrust) return { at: verifierTime, by: 'verifier', ignoredTimestamp: 'no TSA is trusted here' };
  const stamp = verifySignatureTimestamp(token, cms.signature, options.tsaTrust, verifierTime, options.now ?? new Date());
  if (!stamp.trusted) return { at: verifierTime, by: 'verifier', ignoredTimestamp: stamp.reason };
  if (stamp.genTime >= verifierTime) return { at: verifierTime, by: 'verifier' };
  return { at: stamp.genTime, by: 'timestamp', authority: stamp.authority };
}
