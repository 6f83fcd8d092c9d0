import { randomUUID } from 'node:crypto';
import { TestDatabase, createTestDatabase } from '@edx/testing';
import { DocumentSearch } from './document-search.query';
import { DocumentsRepository } from './documents.repository';
import { DocumentsService } from './documents.service';

const MINUTE = 60_000;
const NOW = new Date('2026-12-01T10:00:00Z');

describe('DocumentsService (real PostgreSQL)', () => {
  let db: TestDatabase;
  let service: DocumentsService;
  beforeAll(async () => {
    db = await createTestDatabase('hub');
    service = new DocumentsService(new DocumentsRepository(db.dataSource), { arrivalWithinMs: 15 * MINUTE }, () => NOW);
  });
  afterAll(async () => db?.drop());

  /** A document as the hub records it, with one delivery per recipient in the given state. */
  async function aDocument(input: { sender?: string; receivedAt: Date; dueDate?: Date; deliveries: Record<string, string>; subject?: string }): Promise<string> {
    const id = randomUUID();
    await db.dataSource.query(
      `INSERT INTO documents (id, edxml_document_id, sender_code, sender_system, subject, code_number, code_notation, business_type, sha256, size, received_at, due_date, last_event_hash)
       VALUES ($1, 'x', $2, 'sys-a', $3, '12', 'UBND', 0, 'ab', 10, $4, $5, 'h')`,
      [id, input.sender ?? 'G01', input.subject ?? 'Báo cáo', input.receivedAt, input.dueDate ?? null],
    );
    for (const [code, state] of Object.entries(input.deliveries)) {
      await db.dataSource.query('INSERT INTO deliveries (document_id, recipient_code, state, updated_at) VALUES ($1, $2, $3, $4)', [id, code, state, input.receivedAt]);
    }
    return id;
  }
  const ids = async (query: Record<string, string>) => (await service.search(DocumentSearch.parse({ sender: 'G09', ...query }))).items.map((d) => d.id);

  it('flags a delivery with no 01 within the configured time, and not one still within it', async () => {
    const late = await aDocument({ sender: 'G09', receivedAt: new Date(NOW.getTime() - 16 * MINUTE), deliveries: { H41: 'routed', H42: 'arrived' } });
    const fresh = await aDocument({ sender: 'G09', receivedAt: new Date(NOW.getTime() - 14 * MINUTE), deliveries: { H41: 'routed' } });
    expect(await ids({ overdue: 'true' })).toContain(late);
    expect(await ids({ overdue: 'true' })).not.toContain(fresh);
    expect(await ids({ overdue: 'false' })).toContain(fresh);
    const view = await service.get(late);
    expect(view.recipients.find((r) => r.code === 'H41')?.overdue).toMatch(/no 01/);
    expect(view.recipients.find((r) => r.code === 'H42')?.overdue).toBeNull();
  });

  it('flags a DueDate passed without 06, but not a completed or rejected delivery', async () => {
    const due = new Date(NOW.getTime() - 24 * 60 * MINUTE);
    const open = await aDocument({ sender: 'G09', receivedAt: new Date(NOW.getTime() - 3 * 24 * 60 * MINUTE), dueDate: due, deliveries: { H41: 'processing' } });
    const finished = await aDocument({ sender: 'G09', receivedAt: new Date(NOW.getTime() - 3 * 24 * 60 * MINUTE), dueDate: due, deliveries: { H41: 'completed', H42: 'rejected' } });
    expect(await ids({ overdue: 'true' })).toContain(open);
    expect(await ids({ overdue: 'true' })).not.toContain(finished);
    expect((await service.get(open)).recipients[0].overdue).toMatch(/due/);
  });

  it('pages newest first with a cursor, every document once, and the total of all pages', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push(await aDocument({ sender: 'G07', receivedAt: new Date(NOW.getTime() - i * MINUTE), deliveries: { H41: 'arrived' } }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<DocumentsService['search']>> = await service.search(DocumentSearch.parse({ sender: 'G07', limit: '2', ...(cursor ? { cursor } : {}) }));
      expect(page.total).toBe(5);
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made);
  });

  it('matches text in the number/notation as written on the document', async () => {
    const id = await aDocument({ sender: 'G06', receivedAt: NOW, deliveries: { H41: 'arrived' }, subject: 'Kế hoạch 100%' });
    expect((await service.search(DocumentSearch.parse({ q: '12/UBND', sender: 'G06' }))).items.map((d) => d.id)).toEqual([id]);
    // LIKE wildcards in the text are literal.
    expect((await service.search(DocumentSearch.parse({ q: '100%', sender: 'G06' }))).total).toBe(1);
    expect((await service.search(DocumentSearch.parse({ q: '_', sender: 'G06' }))).total).toBe(0);
  });
});
