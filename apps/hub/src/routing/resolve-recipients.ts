import type { ErrorCode } from '@edx/common';
import { Directory } from '../directory/directory';

export interface ResolvedRecipients {
  /** Recipients of record the package goes to (each once). */
  readonly routed: string[];
  /** Suspended recipients whose copy the hub keeps until they are resumed (EDX_SUSPENDED_RECIPIENT=hold). */
  readonly held: string[];
  readonly rejected: Array<{ recipientCode: string; code: ErrorCode; reason: string }>;
  /** Recipient of record -> the retired code the sender addressed, for each successor reached that way. */
  readonly addressedTo: Record<string, string>;
}

/**
 * Who receives a package addressed to `codes`. A retired code is replaced by the end of its chain of
 * successors, which becomes the recipient of record (its delivery, its statuses) while the code the
 * sender wrote is kept beside it; a code retired without a successor is refused. A recipient reached
 * both directly and through a retired code, or through two, gets one copy (addressed directly, if
 * the sender named it, else through the first retired code named). A suspended recipient is held
 * or refused (AGENCY_SUSPENDED), as `suspended` says.
 */
export function resolveRecipients(codes: readonly string[], directory: Directory, suspended: 'hold' | 'reject' = 'reject'): ResolvedRecipients {
  const routed: string[] = [];
  const held: string[] = [];
  const rejected: ResolvedRecipients['rejected'] = [];
  const addressedTo: Record<string, string> = {};
  const unique = [...new Set(codes)];
  const named = new Set(unique.filter((code) => directory.agency(code) && !directory.agency(code)!.retired));
  const seen = new Set<string>();
  for (const to of unique) {
    const addressed = directory.agency(to);
    const recipient = addressed?.retired ? directory.current(to) : addressed;
    const code = recipient?.code ?? to;
    if (seen.has(code)) continue;
    seen.add(code);
    if (to !== code && !named.has(code)) addressedTo[code] = to;
    const via = to === code ? '' : ` (${to} was retired into it)`;
    if (!recipient) rejected.push({ recipientCode: to, code: 'ROUTING_RECIPIENT_UNKNOWN', reason: `Agency ${to} is not registered.` });
    else if (recipient.retired) rejected.push({ recipientCode: code, code: 'ROUTING_RECIPIENT_RETIRED', reason: `The agency code ${code} was retired without a successor${via}.` });
    else if (recipient.status !== 'active' && suspended === 'hold') held.push(code);
    else if (recipient.status !== 'active') rejected.push({ recipientCode: code, code: 'AGENCY_SUSPENDED', reason: `The recipient agency ${code} is suspended${via}: it receives nothing until an administrator resumes it; send again then.` });
    else if (!recipient.systemId) rejected.push({ recipientCode: code, code: 'ROUTING_RECIPIENT_UNROUTABLE', reason: `No connected system hosts agency ${code}${via}.` });
    else routed.push(code);
  }
  return { routed, held, rejected, addressedTo };
}
