import { agencyCodeForm, formatEdxmlDate, formatEdxmlTimestamp, parseAgencyCode, parseEdxmlDate, STATUS_CODES } from '@edx/edxml';

describe('agency codes', () => {
  it.each([
    ['000.00.00.G22', 'legacy'],
    ['000.00.13.H53', 'legacy'],
    ['28.22.H17', 'centre'],
    ['02.29.W00', 'centre'],
    ['G12', 'new'],
    ['H37.DN.001', 'new'],
    ['020100107370', 'enterprise'],
    ['vxp.saas.03', 'system'],
  ])('accepts %s as %s', (code, form) => {
    expect(agencyCodeForm(code)).toBe(form);
    expect(parseAgencyCode(code)).toBe(code);
  });
  it.each(['', ' 000.00.00.G22', '000.00.00.g22', 'G1', 'hello', '000.00.00.G22;DROP', 'a'.repeat(80)])('refuses %j', (code) => {
    expect(() => parseAgencyCode(code)).toThrow(expect.objectContaining({ code: 'EDXML_AGENCY_CODE' }));
  });
});

describe('edXML dates (Vietnam time)', () => {
  it('formats and reads dates and timestamps in UTC+7', () => {
    const d = new Date('2018-09-28T17:30:05Z');
    expect(formatEdxmlDate(d)).toBe('2018/09/29');
    expect(formatEdxmlTimestamp(d)).toBe('2018/09/29 00:30:05');
    expect(parseEdxmlDate('2018/09/29').toISOString()).toBe('2018-09-28T17:00:00.000Z');
    expect(parseEdxmlDate('29/09/2018').toISOString()).toBe('2018-09-28T17:00:00.000Z');
  });
  it.each(['2018-09-29', '2018/02/30', '31/13/2018', ''])('refuses %j', (t) => {
    expect(() => parseEdxmlDate(t)).toThrow(expect.objectContaining({ code: 'EDXML_DATE' }));
  });
});

it('knows the nine status codes', () => {
  expect(Object.keys(STATUS_CODES).sort()).toEqual(['01', '02', '03', '04', '05', '06', '13', '15', '16']);
});
