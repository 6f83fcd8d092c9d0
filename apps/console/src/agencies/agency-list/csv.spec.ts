import { readCsv, writeCsv } from './csv';

const fields = (text: string) => readCsv(text).map((r) => r.fields);

describe('CSV (RFC 4180)', () => {
  it('reads plain fields with CRLF or LF line ends, and skips blank lines', () => {
    expect(fields('a,b,c\r\n1,2,3\r\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
    expect(fields('a,b\n1,2\n\n3,4')).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
    expect(fields('a,,c\n,,\n')).toEqual([['a', '', 'c'], ['', '', '']]);
  });

  it('reads quoted fields holding commas, doubled quotes and line breaks, and numbers records by their first line', () => {
    const text = 'code,name\r\nG22,"Văn phòng Chính phủ, Hà Nội"\r\nH41,"Sở ""Y tế""\r\nNghệ An"\r\nH42,""\r\n';
    expect(readCsv(text)).toEqual([
      { line: 1, fields: ['code', 'name'] },
      { line: 2, fields: ['G22', 'Văn phòng Chính phủ, Hà Nội'] },
      { line: 3, fields: ['H41', 'Sở "Y tế"\r\nNghệ An'] },
      { line: 5, fields: ['H42', ''] },
    ]);
  });

  it('drops a leading UTF-8 byte order mark (spreadsheet exports), and only that', () => {
    expect(fields('\uFEFFcode,name\nG22,Văn phòng')).toEqual([['code', 'name'], ['G22', 'Văn phòng']]);
    expect(fields('code,name\n\uFEFFG22,x')[1][0]).toBe('\uFEFFG22');
  });

  it('refuses a quote left open and text after a closing quote, naming the line (DIRECTORY_IMPORT_INVALID)', () => {
    expect(() => readCsv('code,name\nG22,"open\n')).toThrow(expect.objectContaining({ code: 'DIRECTORY_IMPORT_INVALID', message: expect.stringContaining('line 2') }));
    expect(() => readCsv('code,name\nG22,"x"y\n')).toThrow(expect.objectContaining({ code: 'DIRECTORY_IMPORT_INVALID', message: expect.stringContaining('line 2') }));
  });

  it('writes with a byte order mark and CRLF, quoting only what needs it, and reads back what it wrote', () => {
    const records = [['id', 'name', 'mail'], ['1', 'Sở "Tư pháp", Huế', ''], ['2', 'line\nbreak', ' edge '], ['3', 'Ủy ban nhân dân', 'a@b.vn']];
    const text = writeCsv(records);
    expect(text.startsWith('\uFEFFid,name,mail\r\n')).toBe(true);
    expect(text).toContain('1,"Sở ""Tư pháp"", Huế",\r\n');
    expect(text).toContain('3,Ủy ban nhân dân,a@b.vn\r\n');
    expect(fields(text)).toEqual(records);
  });
});
