import { isKnownStatusCode, isTwoDigitStatusCode } from '../model/status-codes';
import type { ParsedStatus } from '../parse/edxml.parser';
import { IssueCollector } from './issue-collector';
import type { ValidationIssue } from './validation-issue';

const MH = '/edXML/edXMLEnvelope/edXMLHeader/MessageHeader';

/** Every problem of a status message (errors and warnings); never throws. */
export function validateStatus(parsed: ParsedStatus): ValidationIssue[] {
  const c = new IssueCollector();
  c.issues.push(...parsed.parseIssues);
  const s = parsed.status;
  c.agencyCode(s.from.organId, `${MH}/From/OrganId`, 'The reporting agency (From) OrganId');
  const rf = s.responseFor;
  if (!rf) c.add('EDXML_REQUIRED', `${MH}/ResponseFor`, 'ResponseFor (the document this status answers) is missing.');
  else {
    c.agencyCode(rf.organId, `${MH}/ResponseFor/OrganId`, 'ResponseFor OrganId');
    c.required(rf.documentId, `${MH}/ResponseFor/DocumentId`, 'ResponseFor DocumentId');
    c.date(rf.promulgationDate, `${MH}/ResponseFor/PromulgationDate`, 'ResponseFor PromulgationDate');
  }
  if (c.required(s.statusCode, `${MH}/StatusCode`, 'StatusCode')) {
    if (!isTwoDigitStatusCode(s.statusCode)) {
      c.add('EDXML_STATUS_CODE', `${MH}/StatusCode`, `StatusCode "${s.statusCode}" is not a two-digit code such as 01 or 06.`);
    } else if (!isKnownStatusCode(s.statusCode)) {
      c.add('EDXML_STATUS_CODE', `${MH}/StatusCode`, `StatusCode ${s.statusCode} is not one of the known codes; it is kept as given.`, 'warning');
    }
  }
  if (c.required(s.timestamp, `${MH}/Timestamp`, 'Timestamp')) c.timestamp(s.timestamp, `${MH}/Timestamp`, 'Timestamp');
  return c.issues;
}
