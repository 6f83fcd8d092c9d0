import { X509Certificate, createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BrowserContext, Page, chromium } from 'playwright-core';
import { IssuedIdentity } from '@edx/trust';
import { ExchangeHarness } from './support/exchange.harness';
import { documentFields, signedPdf } from './support/documents';
import { serverFiles } from '../apps/cli/src/up/transport-files';

const A = '000.00.00.G22';
const B = '000.00.00.H41';
/** Screenshots land here (ignored by git); docs/dashboard.png in the README is one of them. */
const ARTIFACTS = path.join(__dirname, '..', 'test-artifacts', 'dashboard');
const CHROMIUM = process.env.EDX_TEST_CHROMIUM ?? '/usr/bin/chromium';

describe('dashboard in a real browser (real exchange)', () => {
  const exchange = new ExchangeHarness();
  const profile = mkdtempSync(path.join(tmpdir(), 'edx-chromium-'));
  let issuerOfA: IssuedIdentity;
  let browser: BrowserContext;
  let page: Page;
  /** Everything the page complained about: script errors, CSP violations, failed requests. */
  const complaints: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await exchange.start([
      { id: 'sys-a', agencies: [{ code: A, name: 'Văn phòng Chính phủ' }] },
      { id: 'sys-b', agencies: [{ code: B, name: 'UBND tỉnh Nghệ An' }] },
    ]);
    issuerOfA = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ' });
    await exchange.console().addAgency({ code: A, name: 'Văn phòng Chính phủ', systemId: exchange.systemId('sys-a'), certificatePem: issuerOfA.certificatePem });
    // The console serves HTTPS with a certificate of the exchange's transport CA, which no browser
    // knows. Chromium is told to accept that one server key (its SPKI hash, the pin an operator's
    // browser would get by installing the CA) and HTTPS errors are not ignored: any other
    // certificate, or none, fails the page.
    const consoleKey = new X509Certificate(readFileSync(serverFiles(exchange.dir, 'console').cert)).publicKey.export({ type: 'spki', format: 'der' });
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--no-first-run', '--disable-component-update', '--disable-sync', `--ignore-certificate-errors-spki-list=${createHash('sha256').update(consoleKey).digest('base64')}`],
      ignoreHTTPSErrors: false,
      viewport: { width: 1280, height: 860 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (error) => complaints.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of 40[14]/.test(message.text())) complaints.push(`console: ${message.text()}`);
    });
    // The one refusal expected is the wrong token's sign-in; anything else that fails is a complaint.
    page.on('response', (response) => {
      if (response.status() >= 400 && !(response.status() === 401 && response.url().endsWith('/v1/alarms'))) complaints.push(`${response.status()} ${response.url()}`);
    });
    // The page may talk to its own console only: a request elsewhere would mean a CDN or a leak.
    page.on('request', (request) => {
      if (!request.url().startsWith(exchange.consoleUrl)) complaints.push(`request elsewhere: ${request.url()}`);
    });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    await exchange.stop();
  });

  const send = async (to: string[], subject: string) => {
    const sent = await exchange.api<{ id: string }>(`${exchange.gateway('sys-a').url}/v1/documents`, exchange.apiKey(A), { body: documentFields(to, signedPdf(issuerOfA), subject) });
    expect(sent.status).toBe(202);
    return sent.body.id;
  };
  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  const navigate = (hash: string) => page.locator(`nav a[href="#${hash}"]`).click();

  it('serves the dashboard with a policy that runs only its own scripts, and streams events only to a signed-in operator', async () => {
    const res = await exchange.fetch(`${exchange.consoleUrl}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await res.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect((await exchange.fetch(`${exchange.consoleUrl}/assets/../console.env.ts`)).status).toBe(404);
    const docs = await exchange.fetch(`${exchange.consoleUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toBeNull();
    expect(docs.headers.get('x-content-type-options')).toBe('nosniff');
    const stranger = await exchange.fetch(`${exchange.consoleUrl}/v1/events`);
    expect(stranger.status).toBe(401);
    expect(await stranger.json()).toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it('is refused by the browser on a server of the same CA it was not told to trust', async () => {
    const other = await browser.newPage();
    try {
      await expect(other.goto(`${exchange.hubUrl}/health`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await other.close();
    }
  });

  it('signs in with the operator token, refuses a wrong one, and speaks Vietnamese and English from two complete tables', async () => {
    await page.goto(exchange.consoleUrl);
    await page.locator('input[name="token"]').fill('not-a-token');
    await page.locator('form.signin button[type="submit"]').click();
    await page.locator('form.signin [role="alert"]').waitFor();
    await page.locator('input[name="token"]').fill(exchange.operatorToken);
    await page.locator('form.signin button[type="submit"]').click();
    await page.locator('[data-testid="live"][data-state="live"]').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);

    await page.locator('select[name="lang"]').selectOption('en');
    await page.locator('nav a[href="#documents"]', { hasText: 'Documents' }).waitFor();
    await page.locator('select[name="lang"]').selectOption('vi');
    await page.locator('nav a[href="#documents"]', { hasText: 'Văn bản' }).waitFor();
    // The page's language follows after the render (an effect): wait for it rather than race it.
    await page.waitForFunction(() => document.documentElement.lang === 'vi');
    // A string, so the test's compiler leaves the browser's import() alone.
    const tables = await page.evaluate<Record<string, string[]>>(
      "import('/assets/i18n.js').then(({ STRINGS }) => Object.fromEntries(Object.entries(STRINGS).map(([lang, words]) => [lang, Object.keys(words).sort()])))",
    );
    expect(Object.keys(tables).sort()).toEqual(['en', 'vi']);
    expect(tables.vi).toEqual(tables.en);
  });

  it('shows a document sent through a gateway as it happens, without a reload, and opens its timeline', async () => {
    await navigate('documents');
    await page.locator('[data-testid="documents-total"]').waitFor();
    const id = await send([B], 'V/v thử nghiệm bảng điều khiển');
    const row = page.locator(`[data-testid="document"][data-id="${id}"]`);
    await row.waitFor();
    await row.locator(`[data-testid="recipient"][data-code="${B}"][data-state="arrived"]`).waitFor();
    await row.click();
    const timeline = page.locator('[data-testid="timeline"]');
    for (const kind of ['verified', 'routed', 'status']) await timeline.locator(`[data-testid="step"][data-kind="${kind}"]`).first().waitFor();
    expect(await timeline.locator('[data-testid="step"][data-kind="status"]').innerText()).toContain('01');
    await shot('document-timeline');
  });

  it('replays a dead letter from the dashboard once its cause is fixed, and the document arrives', async () => {
    await exchange.console().setAgencyStatus(A, 'suspended');
    const id = await send([B], 'V/v thư lỗi gửi lại');
    await navigate('dead-letters');
    const letter = page.locator(`[data-testid="dead-letter"][data-message-id="${id}"]`);
    await page.locator(`[data-testid="dead-letter"][data-message-id="${id}"][data-state="open"]`).waitFor();
    expect(await letter.innerText()).toContain('AGENCY_SUSPENDED');
    await shot('dead-letter-open');

    await exchange.console().setAgencyStatus(A, 'active');
    await letter.locator('[data-testid="replay"]').click();
    await page.locator(`[data-testid="dead-letter"][data-message-id="${id}"][data-state="replayed"]`).waitFor();
    expect(await letter.locator('[data-testid="last-action"]').innerText()).toContain('operator');
    expect(await letter.locator('[data-testid="replay"]').count()).toBe(0);

    await navigate('documents');
    await page.locator(`[data-testid="document"][data-id="${id}"] [data-testid="recipient"][data-code="${B}"][data-state="arrived"]`).waitFor();
  });

  it('shows throughput, backlog per queue, failures by code and alarms on the overview, and the agency directory', async () => {
    await navigate('overview');
    await page.locator('[data-testid="sent"]', { hasText: '2' }).waitFor();
    await page.locator('[data-testid="queues"] td', { hasText: 'hub.inbound' }).first().waitFor();
    await page.locator('[data-testid="alarms"]').waitFor();
    await page.locator('select[name="lang"]').selectOption('en');
    await page.locator('h2', { hasText: 'Backlog per queue' }).waitFor();
    await shot('overview');
    await navigate('agencies');
    await page.locator(`[data-testid="agency"][data-code="${B}"]`).waitFor();
    expect(await page.locator(`[data-testid="agency"][data-code="${A}"]`).innerText()).toContain('Văn phòng Chính phủ');
    await shot('agencies');
    expect(complaints).toEqual([]);
  });

  it('searches the directory, opens an agency with its certificates and code history, lists the systems and every certificate soonest expiry first', async () => {
    const soon = exchange.pki.issue({ code: A, name: 'Văn phòng Chính phủ', validDays: 10 });
    await exchange.console().addCertificate(A, soon.certificatePem);
    // A merger: an old district code retired into B, which its history then shows.
    const OLD = '000.00.00.H42';
    await exchange.console().addAgency({ code: OLD, name: 'Huyện cũ', systemId: exchange.systemId('sys-b') });
    expect((await exchange.operator(`/v1/agencies/${OLD}/retire`, { successor: B }, exchange.adminToken)).status).toBe(200);
    await navigate('agencies');
    await page.locator('input[name="q"]').fill('nghe an');
    await page.locator('form.filters button[type="submit"]').click();
    await page.locator('[data-testid="agencies-total"]', { hasText: /^1 / }).waitFor();
    expect(await page.locator('[data-testid="agency"]').count()).toBe(1);
    await page.locator(`[data-testid="agency"][data-code="${B}"]`).click();
    const detail = page.locator('[data-testid="agency-detail"]');
    await detail.locator('[data-testid="certificate"]').first().waitFor();
    expect(await detail.innerText()).toContain('UBND tỉnh Nghệ An');
    const merged = detail.locator('[data-testid="code-history"] li[data-kind="merged"]');
    await merged.waitFor();
    expect(await merged.innerText()).toMatch(new RegExp(`${OLD.replace(/\./g, '\\.')} merged into → ${B.replace(/\./g, '\\.')}`));

    await navigate('systems');
    const sysA = page.locator(`[data-testid="system"][data-id="${exchange.systemId('sys-a')}"]`);
    await sysA.locator(`[data-testid="system-agency"][data-code="${A}"]`).waitFor();

    await navigate('certificates');
    const expiring = page.locator(`[data-testid="certificate"][data-fingerprint="${soon.identity.certificate.fingerprint}"]`);
    await expiring.waitFor();
    expect(await expiring.getAttribute('data-expiry')).toBe('expiring');
    expect(await expiring.innerText()).toContain('Expiring soon');
    const notAfter = expiring.locator('[data-testid="not-after"]');
    expect(Date.parse(String(await notAfter.getAttribute('data-at')))).toBe(soon.identity.certificate.notAfter.getTime());
    expect(await notAfter.innerText()).toContain(String(soon.identity.certificate.notAfter.getFullYear()));
    // Soonest first: the certificate due in ten days heads the list.
    expect(await page.locator('[data-testid="certificate"]').first().getAttribute('data-fingerprint')).toBe(soon.identity.certificate.fingerprint);
    await shot('certificates');
    expect(complaints).toEqual([]);
  });

  it('shows an administrator the audit log: who changed what, before and after', async () => {
    await exchange.console().setAgencyStatus(B, 'suspended');
    await page.locator('header button', { hasText: /Sign out|Đăng xuất/ }).click();
    await page.locator('input[name="token"]').fill(exchange.adminToken);
    await page.locator('form.signin button[type="submit"]').click();
    await navigate('audit');
    const row = page.locator(`[data-testid="audit-row"][data-action="agency.status"][data-target="${B}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/bootstrap admin[\s\S]*status: active → suspended/);
    await shot('audit');
    expect(complaints).toEqual([]);
  });
});
