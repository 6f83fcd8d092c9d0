/** Business statuses (QCVN 102 / the axis SDK). Unknown two-digit codes are kept as given. */
export const STATUS_CODES = {
  '01': { meaning: 'Arrived in the receiver system, not yet handled by the clerk', sentBy: 'receiver' },
  '02': { meaning: 'Rejected (wrong recipient, invalid signature or format); reason in Description', sentBy: 'receiver' },
  '03': { meaning: 'Accepted and entered in the incoming register', sentBy: 'receiver' },
  '04': { meaning: 'Assigned by a leader', sentBy: 'receiver' },
  '05': { meaning: 'Being processed', sentBy: 'receiver' },
  '06': { meaning: 'Finished', sentBy: 'receiver' },
  '13': { meaning: 'Request to take the document back (recall or update)', sentBy: 'sender' },
  '15': { meaning: 'Agrees to the update or recall', sentBy: 'receiver' },
  '16': { meaning: 'Refuses the update or recall', sentBy: 'receiver' },
} as const satisfies Record<string, { meaning: string; sentBy: 'sender' | 'receiver' }>;

export type KnownStatusCode = keyof typeof STATUS_CODES;
/** A known code, or any other text kept as given (validation reports what is not two digits). */
export type StatusCode = KnownStatusCode | (string & { readonly __unknownStatus?: never });

export function isKnownStatusCode(code: string): code is KnownStatusCode {
  return Object.prototype.hasOwnProperty.call(STATUS_CODES, code);
}

export function isTwoDigitStatusCode(code: string): boolean {
  return /^\d{2}$/.test(code);
}
