import { EdxError } from '@edx/common';

/** An agency's contact details in the directory; each one optional. */
export interface AgencyContacts {
  readonly contactPerson: string | null;
  readonly mail: string | null;
  readonly phone: string | null;
  readonly address: string | null;
}

export type ContactField = keyof AgencyContacts;
export const CONTACT_FIELDS: readonly ContactField[] = ['contactPerson', 'mail', 'phone', 'address'];

const LIMITS: Record<ContactField, number> = { contactPerson: 200, mail: 254, phone: 40, address: 500 };
const MAIL = /^[^\s@"<>(),;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
/** Digits with the separators people write (+84 24 3823 4567, (024) 3823.4567, ext. 12). */
const PHONE = /^\+?[0-9 ().\-/]{6,}(?:\s*(?:ext\.?|x|máy lẻ)\s*[0-9]{1,6})?$/i;

/**
 * One contact detail as stored: trimmed text, or null to clear it ("" clears too). Throws
 * DIRECTORY_CONTACT_INVALID naming the field for a wrong type, a value past its bound, a malformed
 * e-mail or a phone number that is not digits and separators.
 */
export function contactValue(field: ContactField, value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw new EdxError('DIRECTORY_CONTACT_INVALID', `"${field}" must be text or null.`, { field });
  const text = value.trim().replace(/\s+/g, ' ');
  if (!text) return null;
  if (text.length > LIMITS[field]) throw new EdxError('DIRECTORY_CONTACT_INVALID', `"${field}" is longer than ${LIMITS[field]} characters.`, { field });
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new EdxError('DIRECTORY_CONTACT_INVALID', `"${field}" holds control characters.`, { field });
  if (field === 'mail' && !MAIL.test(text)) throw new EdxError('DIRECTORY_CONTACT_INVALID', `"${text}" is not an e-mail address (name@example.gov.vn).`, { field });
  if (field === 'phone' && (!PHONE.test(text) || (text.match(/[0-9]/g) ?? []).length > 20)) {
    throw new EdxError('DIRECTORY_CONTACT_INVALID', `"${text}" is not a phone number: digits, with +, spaces, dots, dashes or brackets between them.`, { field });
  }
  return text;
}

/**
 * The contact fields a request sets: those present in `body` (null or "" clears one); absent ones
 * are kept. Validated as `contactValue` says.
 */
export function contactChanges(body: Record<string, unknown>): Partial<Record<ContactField, string | null>> {
  const changes: Partial<Record<ContactField, string | null>> = {};
  for (const field of CONTACT_FIELDS) if (body[field] !== undefined) changes[field] = contactValue(field, body[field]);
  return changes;
}
