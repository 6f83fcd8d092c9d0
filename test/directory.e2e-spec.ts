import { ExchangeHarness } from './support/exchange.harness';

const NGHE_AN = '000.00.00.H41';
const NGHE_AN_EDUCATION = '000.01.00.H41';
const NGHE_AN_HEALTH = '000.02.00.H41';
const VINH = '000.02.41.H41';
const HA_NOI = '000.00.00.H26';
const DA_NANG = '000.00.00.H17';

describe('the searchable agency directory and its hierarchy (real exchange)', () => {
  const exchange = new ExchangeHarness();
  let systemId: string;

  beforeAll(async () => {
    await exchange.start([{ id: 'sys-dir', agencies: [{ code: NGHE_AN, name: 'UBND tỉnh Nghệ An' }] }]);
    systemId = exchange.systemId('sys-dir');
    const c = exchange.console();
    await c.addAgency({ code: HA_NOI, name: 'UBND thành phố Hà Nội', systemId });
    await c.addAgency({ code: DA_NANG, name: 'Sở Giáo dục và Đào tạo Đà Nẵng', systemId });
    await c.addAgency({ code: NGHE_AN_EDUCATION, name: 'Sở Giáo dục và Đào tạo tỉnh Nghệ An', systemId, parentCode: NGHE_AN });
    await c.addAgency({ code: NGHE_AN_HEALTH, name: 'Sở Y tế tỉnh Nghệ An', systemId, parentCode: NGHE_AN });
    await c.addAgency({ code: VINH, name: 'Bệnh viện Đa khoa Vinh', systemId, parentCode: NGHE_AN_HEALTH });
    await c.setAgencyStatus(NGHE_AN_HEALTH, 'suspended');
  });
  afterAll(() => exchange.stop());

  const codes = async (query: string) => {
    const res = await exchange.operator<{ items: Array<{ code: string }>; total: number }>(`/v1/agencies?${query}`);
    expect(res.status).toBe(200);
    return res.body.items.map((a) => a.code);
  };

  it('finds a name whatever its accents and case: "Nghe An", "nghệ an", "HA NOI", "dao tao da nang"', async () => {
    const ngheAn = [NGHE_AN_EDUCATION, NGHE_AN, NGHE_AN_HEALTH].sort();
    expect((await codes('q=Nghe%20An')).sort()).toEqual(ngheAn);
    expect((await codes(`q=${encodeURIComponent('nghệ an')}`)).sort()).toEqual(ngheAn);
    expect(await codes('q=HA%20NOI')).toEqual([HA_NOI]);
    expect(await codes('q=dao%20tao%20da%20nang')).toEqual([DA_NANG]);
  });

  it('finds codes by prefix, and treats % and _ in the text literally', async () => {
    expect((await codes('q=000.02')).sort()).toEqual([NGHE_AN_HEALTH, VINH].sort());
    expect(await codes('q=%25')).toEqual([]);
    expect(await codes('q=000_00')).toEqual([]);
  });

  it('filters by status and by parent, together with the text', async () => {
    expect(await codes('status=suspended')).toEqual([NGHE_AN_HEALTH]);
    expect((await codes(`parent=${NGHE_AN}`)).sort()).toEqual([NGHE_AN_EDUCATION, NGHE_AN_HEALTH].sort());
    expect(await codes(`parent=${NGHE_AN}&status=active`)).toEqual([NGHE_AN_EDUCATION]);
    expect(await codes(`parent=${NGHE_AN}&q=y%20te`)).toEqual([NGHE_AN_HEALTH]);
  });

  it('pages in code order with a cursor, and counts every match in total', async () => {
    const everyone = await exchange.console().listAgencies({ limit: '500' });
    expect(everyone.total).toBe(6);
    const walked: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await exchange.console().listAgencies({ limit: '2', cursor });
      expect(page.total).toBe(6);
      expect(page.items.length).toBeLessThanOrEqual(2);
      walked.push(...page.items.map((a) => String(a.code)));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(walked).toEqual([...walked].sort());
    expect(walked.sort()).toEqual(everyone.items.map((a) => String(a.code)).sort());
    expect((await exchange.operator('/v1/agencies?limit=501')).status).toBe(400);
    expect((await exchange.operator('/v1/agencies?cursor=not-ours!')).body).toMatchObject({ code: 'REQUEST_INVALID' });
  });

  it('shows an agency with its parent and its children', async () => {
    const health = await exchange.console().agency(NGHE_AN_HEALTH);
    expect(health).toMatchObject({ code: NGHE_AN_HEALTH, parentCode: NGHE_AN, status: 'suspended', parent: { code: NGHE_AN, name: 'UBND tỉnh Nghệ An' } });
    expect(health.children.map((c) => c.code)).toEqual([VINH]);
    const root = await exchange.console().agency(NGHE_AN);
    expect(root.parent).toBeNull();
    expect(root.children.map((c) => c.code)).toEqual([NGHE_AN_EDUCATION, NGHE_AN_HEALTH]);
    expect((await exchange.operator('/v1/agencies/000.09.09.H99')).body).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an unknown parent and a parent that would make a cycle, changing nothing', async () => {
    const c = exchange.console();
    await expect(c.addAgency({ code: '000.03.00.H41', name: 'Sở Tài chính tỉnh Nghệ An', systemId, parentCode: '000.09.09.H99' })).rejects.toMatchObject({ code: 'DIRECTORY_PARENT_UNKNOWN' });
    await expect(c.agency('000.03.00.H41')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(c.addAgency({ code: NGHE_AN, name: 'UBND tỉnh Nghệ An', systemId, parentCode: VINH })).rejects.toMatchObject({ code: 'DIRECTORY_PARENT_CYCLE' });
    await expect(c.addAgency({ code: NGHE_AN, name: 'UBND tỉnh Nghệ An', systemId, parentCode: NGHE_AN })).rejects.toMatchObject({ code: 'DIRECTORY_PARENT_CYCLE' });
    expect((await c.agency(NGHE_AN)).parentCode).toBeNull();
  });

  it('keeps the parent when an agency is registered again without one, and records each change in the audit log', async () => {
    await exchange.console().addAgency({ code: VINH, name: 'Bệnh viện Đa khoa thành phố Vinh', systemId });
    expect(await exchange.console().agency(VINH)).toMatchObject({ parentCode: NGHE_AN_HEALTH, name: 'Bệnh viện Đa khoa thành phố Vinh' });
    expect(await codes('q=thanh%20pho%20vinh')).toEqual([VINH]);
    const res = await exchange.operator<{ items: Array<{ action: string; target: string; before: unknown; after: unknown }> }>('/v1/audit?action=agency.add&limit=500', undefined, exchange.adminToken);
    const vinh = res.body.items.filter((r) => r.target === VINH).reverse();
    expect(vinh).toMatchObject([
      { before: null, after: { parentCode: NGHE_AN_HEALTH, name: 'Bệnh viện Đa khoa Vinh' } },
      { before: { parentCode: NGHE_AN_HEALTH }, after: { parentCode: NGHE_AN_HEALTH, name: 'Bệnh viện Đa khoa thành phố Vinh' } },
    ]);
  });
});
