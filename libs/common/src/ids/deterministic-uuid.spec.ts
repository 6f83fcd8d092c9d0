import { deterministicUuid, isUuid } from '@edx/common';

describe('deterministicUuid', () => {
  it('gives the same valid UUID for the same parts, and another for other parts', () => {
    const a = deterministicUuid('pkg', 'H41');
    expect(isUuid(a)).toBe(true);
    expect(deterministicUuid('pkg', 'H41')).toBe(a);
    expect(deterministicUuid('pkgH', '41')).not.toBe(a);
  });
});
