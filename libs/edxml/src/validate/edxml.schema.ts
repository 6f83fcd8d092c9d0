/**
 * Rules that are our best understanding, not confirmed normative text (docs/edxml.md, "Other value
 * sets"): kept here so they are easy to change.
 */

/** Length limits used by one provincial hub (unconfirmed): reported as warnings. */
export const LENGTH_LIMITS = {
  OrganName: 200,
  OrganAdd: 500,
  Email: 100,
  Telephone: 20,
  Fax: 20,
  CodeNumber: 11,
  CodeNotation: 30,
  Place: 50,
  TypeName: 100,
  Subject: 500,
  Content: 500,
  ToPlace: 150,
} as const;

/** BussinessDocType: 0 new, 1 revoke, 2 update, 3 replace. */
export const BUSINESS_DOC_TYPES = ['0', '1', '2', '3'] as const;
/** SteeringType: 0 none, 1 steering, 2 steering report. */
export const STEERING_TYPES = ['0', '1', '2'] as const;
/** OtherInfo/Priority: 0 normal .. 4 flash with deadline. */
export const PRIORITIES = ['0', '1', '2', '3', '4'] as const;

/**
 * A TraceHeader's OrganId names whichever system relayed the package, in that system's own
 * numbering (agency codes, system ids, centre codes...): not checked as a code, only bounded.
 */
export const TRACE_ORGAN_ID_MAX_LENGTH = 100;
