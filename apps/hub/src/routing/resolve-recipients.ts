import type { ErrorCode } from '@edx/common';
import { Directory } from '../directory/directory';

export interface ResolvedRecipients {
  /** Recipients of record the package goes to (each once). */
  readonly routed: string[];
  readonly rejected: Array<{ recipientCode: string; code: ErrorCode; reason: string }>;
  /** Recipient of record -> the retired code the sender addressed, for each successor reached that way. */
  readonly addressedTo: Record<string, string>;
}

/**
 * Who receives a package addressed to `codes`. A retired code is replaced by the end of its chain of
 * successors, which becomes the recipient of record (its delivery, its statuses) while the code the
 * sender wrote is kept beside it; a code retired without a successor is refused. A recipient reached
 * both directly and through a retired code, or through two, gets one copy (addressed directly, if
 * the sender named it, else through the first retired code named).
 */
export function resolveRecipients(codes: readonly string[], directory: Directory): ResolvedRecipients {
  const routed: string[] = [];
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
    else if (recipient.status !== 'active') rejected.push({ recipientCode: code, code: 'ROUTING_RECIPIENT_SUSPENDED', reason: `Agency ${code} is suspended${via}.` });
    else if (!recipient.systemId) rejected.push({ recipientCode: code, code: 'ROUTING_RECIPIENT_UNROUTABLE', reason: `No connected system hosts agency ${code}${via}.` });
    else routed.push(code);
  }
  return { routed, rejected, addressedTo };
}
