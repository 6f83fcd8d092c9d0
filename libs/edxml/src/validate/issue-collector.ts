import type { ErrorCode } from '@edx/common';
import { agencyCodeForm } from '../model/agency-code';
import { readEdxmlDate, readEdxmlTimestamp } from '../model/edxml-date';
import { LENGTH_LIMITS, TRACE_ORGAN_ID_MAX_LENGTH } from './edxml.schema';

/** Markup and control, format, private-use and unassigned characters: never part of a name. */
const UNSAFE_IN_NAME = /[\p{C}<>&"']/u;
import type { ValidationIssue } from './validation-issue';

/** Collects every issue; each check is one small method named after the rule. */
export class IssueCollector {
  readonly issues: ValidationIssue[] = [];

  add(code: ErrorCode, path: string, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.issues.push({ code, path, message, severity });
  }

  /** Present and not blank. */
  required(value: string | undefined, path: string, what: string): value is string {
    if (value === undefined || value.trim() === '') {
      this.add('EDXML_REQUIRED', path, `${what} is ${value === undefined ? 'missing' : 'empty'}.`);
      return false;
    }
    return true;
  }

  agencyCode(value: string | undefined, path: string, what: string, required = true): void {
    if (required ? !this.required(value, path, what) : !value) return;
    if (value && agencyCodeForm(value) === undefined) {
      this.add('EDXML_AGENCY_CODE', path, `${what} "${value}" is not an agency code in a recognised form (e.g. 000.00.00.G22).`);
    }
  }

  /** A relay's name for itself in a TraceHeader: any printable text up to the bound; absent is tolerated. */
  hopOrganId(value: string | undefined, path: string): void {
    if (!value) return;
    if (value.length > TRACE_ORGAN_ID_MAX_LENGTH) {
      this.add('EDXML_LENGTH', path, `TraceHeader OrganId is ${value.length} characters long; at most ${TRACE_ORGAN_ID_MAX_LENGTH} are accepted.`);
    } else if (UNSAFE_IN_NAME.test(value)) {
      this.add('EDXML_VALUE', path, `TraceHeader OrganId "${value.replace(/\p{C}/gu, '?')}" holds markup or control characters.`);
    }
  }

  /** yyyy/MM/dd is right; dd/MM/yyyy is tolerated with a warning; anything else is an error. */
  date(value: string | undefined, path: string, what: string): void {
    if (value === undefined || value === '') return;
    const r = readEdxmlDate(value);
    if (!r) this.add('EDXML_DATE', path, `${what} "${value}" is not a date in yyyy/MM/dd form.`);
    else if (r.form === 'dmy') {
      this.add('EDXML_DATE', path, `${what} "${value}" is in dd/MM/yyyy form; edXML writes yyyy/MM/dd.`, 'warning');
    }
  }

  timestamp(value: string | undefined, path: string, what: string): void {
    if (value === undefined || value === '') return;
    if (!readEdxmlTimestamp(value)) {
      this.add('EDXML_DATE', path, `${what} "${value}" is not a timestamp in yyyy/MM/dd HH:mm:ss form.`);
    }
  }

  oneOf(value: string | undefined, allowed: readonly string[], path: string, what: string): void {
    if (value === undefined) return;
    if (!allowed.includes(value)) {
      this.add('EDXML_VALUE', path, `${what} is "${value}"; it must be one of ${allowed.join(', ')}.`);
    }
  }

  /** Unconfirmed limits: warnings. */
  length(value: string | undefined, limit: keyof typeof LENGTH_LIMITS, path: string): void {
    const max = LENGTH_LIMITS[limit];
    if (value !== undefined && value.length > max) {
      this.add('EDXML_LENGTH', path, `${limit} is ${value.length} characters long; the usual limit is ${max}.`, 'warning');
    }
  }
}
