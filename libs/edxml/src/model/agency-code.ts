import { EdxError } from '@edx/common';

/** An agency identifier that passed the syntax check. Made only by `parseAgencyCode`. */
export type AgencyCode = string & { readonly __brand: 'AgencyCode' };

export type AgencyCodeForm = 'legacy' | 'centre' | 'new' | 'enterprise' | 'system';

/**
 * The forms seen on the axis (docs/edxml.md, "Agency codes"). Whether a code exists and is active
 * is the directory's business, not this check's. Kept in one table so a newly seen form is one line.
 */
const FORMS: ReadonlyArray<readonly [AgencyCodeForm, RegExp]> = [
  ['legacy', /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/], // 000.00.00.G22
  ['centre', /^\d{2,3}(\.\d{2,3}){0,3}\.[A-Z]\d{2}$/], // 02.29.W00
  ['new', /^[A-Z]\d{2}(\.[A-Z0-9]{1,10}){0,4}$/], // G12, H37.DN.001
  ['enterprise', /^\d{9,14}$/], // 020100107370
  ['system', /^[a-z][a-z0-9_-]{0,30}(\.[a-z0-9_-]{1,30}){1,5}$/], // vxp.saas.03
];

/** Which form a code has, or undefined when it has none of them. */
export function agencyCodeForm(text: string): AgencyCodeForm | undefined {
  if (text.length > 64) return undefined;
  for (const [form, re] of FORMS) if (re.test(text)) return form;
  return undefined;
}

/** Returns the code when it has a recognised form; throws EdxError EDXML_AGENCY_CODE otherwise. */
export function parseAgencyCode(text: string): AgencyCode {
  if (typeof text !== 'string' || agencyCodeForm(text) === undefined) {
    throw new EdxError(
      'EDXML_AGENCY_CODE',
      `"${String(text).slice(0, 80)}" is not an agency code: expected a form like 000.00.00.G22, G12, H37.DN.001, 02.29.W00, a 12-digit enterprise code or a system id like vxp.saas.03.`,
      { value: String(text).slice(0, 80) },
    );
  }
  return text as AgencyCode;
}

export function isAgencyCode(text: string): text is AgencyCode {
  return agencyCodeForm(text) !== undefined;
}
