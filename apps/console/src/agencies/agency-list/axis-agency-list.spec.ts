import { MAX_IMPORT_ROWS, checkListRow, readAgencyList, toAxisAgency, writeAgencyListCsv } from './axis-agency-list';

describe("the national axis's agency-list shape", () => {
  it('reads a JSON array: numbers as text, empty and null as null, absent fields absent', () => {
    const rows = readAgencyList([{ id: 12, pid: 0, code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An', mail: '', code102: 'H41' }, { code: 'G22', name: 'x', oldCode: null }], 'json');
    expect(rows).toEqual([
      { row: 1, fields: { id: '12', pid: '0', code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An', mail: null, code102: 'H41' } },
      { row: 2, fields: { code: 'G22', name: 'x', oldCode: null } },
    ]);
  });

  it('reads CSV by its header names (any case, any order, unknown columns ignored) and needs code and name', () => {
    const rows = readAgencyList('\uFEFFName,CODE,note,pid\r\n"Sở Y tế, Nghệ An",000.02.00.H41,x,12\r\n', 'csv');
    expect(rows).toEqual([{ row: 1, fields: { name: 'Sở Y tế, Nghệ An', code: '000.02.00.H41', pid: '12' } }]);
    expect(() => readAgencyList('id,title\n1,x\n', 'csv')).toThrow(expect.objectContaining({ code: 'DIRECTORY_IMPORT_INVALID' }));
    expect(() => readAgencyList('', 'csv')).toThrow(expect.objectContaining({ code: 'DIRECTORY_IMPORT_INVALID' }));
    expect(() => readAgencyList({ rows: [] }, 'json')).toThrow(expect.objectContaining({ code: 'DIRECTORY_IMPORT_INVALID' }));
  });

  it('refuses a file with more rows than one import takes (DIRECTORY_IMPORT_TOO_LARGE)', () => {
    const many = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => ({ code: `H${String(i % 100).padStart(2, '0')}`, name: 'x' }));
    expect(() => readAgencyList(many, 'json')).toThrow(expect.objectContaining({ code: 'DIRECTORY_IMPORT_TOO_LARGE' }));
    expect(() => readAgencyList(`code,name\n${'H41,x\n'.repeat(MAX_IMPORT_ROWS + 1)}`, 'csv')).toThrow(expect.objectContaining({ code: 'DIRECTORY_IMPORT_TOO_LARGE' }));
  });

  it('checks each row: code form, name, mail, oldCode, types and lengths, with a code and a sentence', () => {
    const check = (fields: Record<string, string | null>) => checkListRow({ row: 3, fields });
    expect(check({ id: '7', pid: '0', code: '000.00.00.H41', name: '  UBND   tỉnh Nghệ An ', mail: 'vanthu@nghean.gov.vn', oldCode: null, code102: ' H41 ' })).toEqual({
      ok: true,
      agency: { row: 3, id: '7', pid: null, code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An', mail: 'vanthu@nghean.gov.vn', oldCode: null, code102: 'H41' },
    });
    // Without an id the code is the id; fields the file does not have stay undefined (kept on import).
    expect(check({ code: 'G22', name: 'x' })).toEqual({ ok: true, agency: { row: 3, id: 'G22', pid: undefined, code: 'G22', name: 'x', mail: undefined, oldCode: undefined, code102: undefined } });
    expect(check({ code: 'not a code', name: 'x' })).toMatchObject({ ok: false, code: 'DIRECTORY_ROW_INVALID', message: expect.stringContaining('not an agency code') });
    expect(check({ code: 'G22', name: ' ' })).toMatchObject({ ok: false, code: 'DIRECTORY_ROW_INVALID', message: expect.stringContaining('no name') });
    expect(check({ code: 'G22', name: 'x', mail: 'not-mail' })).toMatchObject({ ok: false, code: 'DIRECTORY_CONTACT_INVALID' });
    expect(check({ code: 'G22', name: 'x', oldCode: 'G22' })).toMatchObject({ ok: false, code: 'DIRECTORY_ROW_INVALID' });
    expect(check({ code: 'G22', name: 'x', oldCode: '??' })).toMatchObject({ ok: false, code: 'DIRECTORY_ROW_INVALID' });
    expect(check({ id: '5', pid: '5', code: 'G22', name: 'x' })).toMatchObject({ ok: false, code: 'DIRECTORY_ROW_INVALID', message: expect.stringContaining('itself') });
    expect(check({ code: 'G22', name: 'x'.repeat(501) })).toMatchObject({ ok: false, code: 'DIRECTORY_ROW_INVALID', message: expect.stringContaining('longer') });
    const [object] = readAgencyList([{ code: 'G22', name: { vi: 'x' } }], 'json');
    expect(checkListRow(object)).toMatchObject({ ok: false, code: 'DIRECTORY_ROW_INVALID', message: expect.stringContaining('not object') });
  });

  it('maps a directory entry to the shape: the axis id when it has one (a number when it is one), else the code', () => {
    expect(toAxisAgency({ code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An', axisId: '12', parentId: null, mail: null, oldCode: '000.00.00.H40', code102: 'H41' }))
      .toEqual({ id: 12, pid: null, code: '000.00.00.H41', name: 'UBND tỉnh Nghệ An', mail: null, oldCode: '000.00.00.H40', code102: 'H41' });
    expect(toAxisAgency({ code: '000.02.00.H41', name: 'Sở Y tế', axisId: null, parentId: '000.00.00.H41', mail: 'syt@nghean.gov.vn', oldCode: null, code102: null }))
      .toEqual({ id: '000.02.00.H41', pid: '000.00.00.H41', code: '000.02.00.H41', name: 'Sở Y tế', mail: 'syt@nghean.gov.vn', oldCode: null, code102: null });
  });

  it('writes CSV that reads back as the same rows', () => {
    const agencies = [
      toAxisAgency({ code: '000.00.00.H41', name: 'UBND tỉnh "Nghệ An", Việt Nam', axisId: '12', parentId: null, mail: null, oldCode: null, code102: 'H41' }),
      toAxisAgency({ code: '000.02.00.H41', name: 'Sở Y tế\nNghệ An', axisId: null, parentId: '12', mail: 'syt@nghean.gov.vn', oldCode: '000.02.00.H40', code102: null }),
    ];
    const csv = writeAgencyListCsv(agencies);
    expect(csv.split('\r\n')[0]).toBe('\uFEFFid,pid,code,name,mail,oldCode,code102');
    const back = readAgencyList(csv, 'csv').map((r) => checkListRow(r));
    expect(back.map((r) => r.ok && r.agency)).toEqual([
      { row: 1, id: '12', pid: null, code: '000.00.00.H41', name: 'UBND tỉnh "Nghệ An", Việt Nam', mail: null, oldCode: null, code102: 'H41' },
      { row: 2, id: '000.02.00.H41', pid: '12', code: '000.02.00.H41', name: 'Sở Y tế Nghệ An', mail: 'syt@nghean.gov.vn', oldCode: '000.02.00.H40', code102: null },
    ]);
  });
});
