import { EdxError } from '@edx/common';

/**
 * edXML dates carry no zone; the axis runs on Vietnam time (UTC+7, no daylight saving), so dates are
 * formatted and read in UTC+7 whatever the machine's zone.
 */
const VN_OFFSET_MS = 7 * 3600 * 1000;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function vn(d: Date): Date {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) {
    throw new EdxError('EDXML_DATE', 'Cannot format an invalid date.');
  }
  return new Date(d.getTime() + VN_OFFSET_MS);
}

/** yyyy/MM/dd in Vietnam time. */
export function formatEdxmlDate(d: Date): string {
  const v = vn(d);
  return `${pad(v.getUTCFullYear(), 4)}/${pad(v.getUTCMonth() + 1)}/${pad(v.getUTCDate())}`;
}

/** yyyy/MM/dd HH:mm:ss in Vietnam time. */
export function formatEdxmlTimestamp(d: Date): string {
  const v = vn(d);
  return `${formatEdxmlDate(d)} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}`;
}

export const EDXML_DATE_RE = /^(\d{4})\/(\d{2})\/(\d{2})$/;
export const EDXML_DATE_DMY_RE = /^(\d{2})\/(\d{2})\/(\d{4})$/;
export const EDXML_TIMESTAMP_RE = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function build(y: number, mo: number, d: number, h = 0, mi = 0, s = 0): Date | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(t);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return undefined; // 2019/02/30
  return new Date(t - VN_OFFSET_MS);
}

/** How a date text reads: 'standard' (yyyy/MM/dd), 'dmy' (dd/MM/yyyy, tolerated) or undefined. */
export function readEdxmlDate(text: string): { date: Date; form: 'standard' | 'dmy' } | undefined {
  let m = EDXML_DATE_RE.exec(text);
  if (m) {
    const date = build(+m[1], +m[2], +m[3]);
    return date && { date, form: 'standard' };
  }
  m = EDXML_DATE_DMY_RE.exec(text);
  if (m) {
    const date = build(+m[3], +m[2], +m[1]);
    return date && { date, form: 'dmy' };
  }
  return undefined;
}

/** A timestamp yyyy/MM/dd HH:mm:ss, or undefined. */
export function readEdxmlTimestamp(text: string): Date | undefined {
  const m = EDXML_TIMESTAMP_RE.exec(text);
  return m ? build(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]) : undefined;
}

/** Reads yyyy/MM/dd or dd/MM/yyyy (Vietnam time midnight); throws EdxError EDXML_DATE otherwise. */
export function parseEdxmlDate(text: string): Date {
  const r = typeof text === 'string' ? readEdxmlDate(text.trim()) : undefined;
  if (!r) {
    throw new EdxError('EDXML_DATE', `"${String(text).slice(0, 40)}" is not a date in yyyy/MM/dd form.`, {
      value: String(text).slice(0, 40),
    });
  }
  return r.date;
}
