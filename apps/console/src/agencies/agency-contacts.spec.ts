import { contactChanges, contactValue } from './agency-contacts';

describe("an agency's contact details", () => {
  it('takes trimmed text, and null or "" to clear a field', () => {
    expect(contactValue('contactPerson', '  Nguyễn   Văn A ')).toBe('Nguyễn Văn A');
    expect(contactValue('mail', 'vanthu@nghean.gov.vn')).toBe('vanthu@nghean.gov.vn');
    expect(contactValue('phone', '+84 238 3844 555')).toBe('+84 238 3844 555');
    expect(contactValue('phone', '(0238) 3844.555 máy lẻ 12')).toBe('(0238) 3844.555 máy lẻ 12');
    expect(contactValue('address', '')).toBeNull();
    expect(contactValue('mail', null)).toBeNull();
  });

  it('refuses a malformed e-mail or phone, a wrong type, control characters and text past its bound (DIRECTORY_CONTACT_INVALID)', () => {
    const refused = { code: 'DIRECTORY_CONTACT_INVALID' };
    expect(() => contactValue('mail', 'vanthu@')).toThrow(expect.objectContaining(refused));
    expect(() => contactValue('mail', 'a b@c.vn')).toThrow(expect.objectContaining(refused));
    expect(() => contactValue('phone', 'call me')).toThrow(expect.objectContaining(refused));
    expect(() => contactValue('phone', '1'.repeat(25))).toThrow(expect.objectContaining(refused));
    expect(() => contactValue('address', 42)).toThrow(expect.objectContaining(refused));
    expect(() => contactValue('contactPerson', 'a\u0007b')).toThrow(expect.objectContaining(refused));
    expect(() => contactValue('address', 'x'.repeat(501))).toThrow(expect.objectContaining({ ...refused, message: expect.stringContaining('500') }));
  });

  it('changes only the fields a request names', () => {
    expect(contactChanges({ mail: 'a@b.vn', phone: null, status: 'active' })).toEqual({ mail: 'a@b.vn', phone: null });
    expect(contactChanges({})).toEqual({});
  });
});
