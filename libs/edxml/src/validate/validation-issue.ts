import { EdxError, ErrorCode } from '@edx/common';

export interface ValidationIssue {
  code: ErrorCode;
  /** Where, e.g. /edXML/edXMLEnvelope/edXMLHeader/MessageHeader/To[2]/OrganId */
  path: string;
  /** A sentence a person understands. */
  message: string;
  severity: 'error' | 'warning';
}

/** Returns when no issue is an error; throws EdxError(first error's code, summary, { issues }). */
export function assertValid(issues: ValidationIssue[]): void {
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length === 0) return;
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
  throw new EdxError(first.code, `${first.message} At ${first.path}${more}.`, { issues });
}
