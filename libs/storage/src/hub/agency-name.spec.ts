import { foldAgencyName } from './agency-name';

describe('foldAgencyName', () => {
  it('drops Vietnamese tone and vowel marks and lower-cases', () => {
    expect(foldAgencyName('UBND tỉnh Nghệ An')).toBe('ubnd tinh nghe an');
    expect(foldAgencyName('Hà Nội')).toBe('ha noi');
    expect(foldAgencyName('Thừa Thiên Huế')).toBe('thua thien hue');
  });

  it('folds đ and Đ to d, which Unicode does not decompose', () => {
    expect(foldAgencyName('Sở Giáo dục và Đào tạo Đà Nẵng')).toBe('so giao duc va dao tao da nang');
  });

  it('folds precomposed and decomposed input alike and collapses spaces', () => {
    expect(foldAgencyName('  Nghe\u0323\u0302   An ')).toBe('nghe an');
    expect(foldAgencyName('NGHỆ AN')).toBe(foldAgencyName('nghệ an'));
  });
});
