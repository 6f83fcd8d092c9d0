import { DataSource } from 'typeorm';
import { EdxError } from '@edx/common';
import { parseAgencyCode } from '@edx/edxml';
import { AmqpConnection, declareSystemInbox } from '@edx/messaging';
import { AuditActor, appendAudit } from '@edx/storage';
import { lockHierarchy } from './agency-hierarchy';

export type CodeEventKind = 'retired' | 'renamed' | 'merged';

export interface CodeEvent {
  readonly code: string;
  readonly kind: CodeEventKind;
  readonly successor: string | null;
  readonly at: Date;
  readonly by: string;
}

/** The end of a code's chain of successors (the code itself when it is current); null when the code is not registered. */
const CURRENT_SQL = `WITH RECURSIVE fwd (code, depth) AS (
    SELECT code, 0 FROM agencies WHERE code = $1
    UNION ALL SELECT a.successor_code, f.depth + 1 FROM agencies a JOIN fwd f ON a.code = f.code WHERE a.successor_code IS NOT NULL AND f.depth < 1000
  ) SELECT code FROM fwd ORDER BY depth DESC LIMIT 1`;

/** Reads the current code of `code` with any query runner. */
export async function currentCodeOf(db: { query(sql: string, params?: unknown[]): Promise<unknown> }, code: string): Promise<string | null> {
  const rows = (await db.query(CURRENT_SQL, [code])) as Array<{ code: string }>;
  return rows[0]?.code ?? null;
}

/**
 * Codes with history. A code is retired into a successor: `merged` when the successor is an agency
 * already registered (a merger), `renamed` when it is a new code for the same agency (the successor
 * is registered then, as a copy of the agency: name, host, parent, contacts, axis id); `retired` when
 * there is no successor (the code is closed). A retired code keeps its row, sends nothing, hosts no
 * new certificates and is nobody's parent (its children move to the successor); what is addressed
 * to it goes to the end of its chain of successors. Each retirement writes one history row and one
 * audit row in the transaction that makes it.
 */
export class CodeHistoryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly amqp: AmqpConnection,
  ) {}

  /**
   * Retires `code` into `successor` (or closes it, without one). Retiring it again into the same
   * successor changes nothing and answers the same. Throws NOT_FOUND for an unknown code,
   * DIRECTORY_CODE_RETIRED for a code retired already (into another successor),
   * DIRECTORY_SUCCESSOR_CYCLE for a successor that is the code or whose chain leads back to it.
   */
  async retire(codeInput: string, successorInput: string | undefined, by: AuditActor): Promise<{ code: string; kind: CodeEventKind; successor: string | null; current: string; changed: boolean }> {
    const code = parseAgencyCode(codeInput);
    const successor = successorInput === undefined ? null : parseAgencyCode(successorInput);
    if (successor === code) throw new EdxError('DIRECTORY_SUCCESSOR_CYCLE', `${code} cannot be retired into itself.`, { code, successor });
    let hostedSuccessor: { systemId: string; code: string } | undefined;
    const result = await this.dataSource.transaction(async (em) => {
      // Retirements and the hierarchy change one at a time: two retirements cannot close a cycle between them.
      await lockHierarchy(em);
      const [agency]: Array<{ code: string; successor_code: string | null; retired_at: Date | null; system_id: string | null }> = await em.query(
        'SELECT code, successor_code, retired_at, system_id FROM agencies WHERE code = $1 FOR UPDATE', [code],
      );
      if (!agency) throw new EdxError('NOT_FOUND', `Agency ${code} is not registered.`);
      if (agency.retired_at) {
        const current = (await currentCodeOf(em, code)) ?? code;
        const [event]: Array<{ kind: CodeEventKind }> = await em.query('SELECT kind FROM agency_code_history WHERE code = $1 ORDER BY id DESC LIMIT 1', [code]);
        if (agency.successor_code === successor) return { code, kind: event?.kind ?? 'retired', successor, current, changed: false };
        throw new EdxError('DIRECTORY_CODE_RETIRED', `${code} was retired already${agency.successor_code ? ` into ${agency.successor_code} (now ${current})` : ''}.`, { code, successor: agency.successor_code, current });
      }
      let kind: CodeEventKind = 'retired';
      if (successor) {
        const [existing]: Array<{ code: string }> = await em.query('SELECT code FROM agencies WHERE code = $1', [successor]);
        if (existing) {
          kind = 'merged';
          const end = await currentCodeOf(em, successor);
          if (end === code) throw new EdxError('DIRECTORY_SUCCESSOR_CYCLE', `${successor} was itself retired into ${code}: retiring ${code} into it would make a cycle.`, { code, successor });
        } else {
          kind = 'renamed';
          // The axis id follows the agency to its new code (the national list keeps the id).
          await em.query(
            `INSERT INTO agencies (code, name, name_folded, status, system_id, parent_code, contact_person, mail, phone, address, axis_id, code102, old_code)
             SELECT $2, name, name_folded, status, system_id, parent_code, contact_person, mail, phone, address, NULL, code102, code FROM agencies WHERE code = $1`,
            [code, successor],
          );
          await em.query('UPDATE agencies SET axis_id = (SELECT axis_id FROM agencies WHERE code = $1) WHERE code = $2', [code, successor]);
          await em.query('UPDATE agencies SET axis_id = NULL WHERE code = $1', [code]);
          if (agency.system_id) hostedSuccessor = { systemId: agency.system_id, code: successor };
        }
      }
      const children: Array<{ code: string }> = successor
        ? await em.query('UPDATE agencies SET parent_code = $2, updated_at = now() WHERE parent_code = $1 AND code <> $2 RETURNING code', [code, successor])
        : [];
      await em.query('UPDATE agencies SET successor_code = $2, retired_at = now(), updated_at = now() WHERE code = $1', [code, successor]);
      await em.query('INSERT INTO agency_code_history (code, kind, successor_code, actor) VALUES ($1, $2, $3, $4)', [code, kind, successor, by.name]);
      const current = (await currentCodeOf(em, code)) ?? code;
      await appendAudit(em, {
        actor: by, action: 'agency.retire', target: code,
        before: { retired: false },
        after: { retired: true, kind, successor, current, childrenMoved: children.map((c) => c.code).sort() },
      });
      return { code, kind, successor, current, changed: true };
    });
    // The renamed agency's system receives for its new code too (a binding; idempotent, so safe to redo).
    if (hostedSuccessor) {
      const ch = await this.amqp.createChannel();
      try {
        await declareSystemInbox(ch, hostedSuccessor.systemId, [hostedSuccessor.code]);
      } finally {
        await ch.close().catch(() => undefined);
      }
    }
    return result;
  }

  /**
   * The history of a code: its own retirement, those of the codes retired into it (and into them),
   * and those along its chain of successors, in time order, with the code it stands for now.
   * Throws NOT_FOUND for a code never registered.
   */
  async history(codeInput: string): Promise<{ code: string; current: string; retired: boolean; events: CodeEvent[] }> {
    const code = codeInput.trim();
    const [agency]: Array<{ retired: boolean }> = await this.dataSource.query('SELECT retired_at IS NOT NULL AS retired FROM agencies WHERE code = $1', [code]);
    if (!agency) throw new EdxError('NOT_FOUND', `Agency ${code} is not registered.`);
    const events: CodeEvent[] = await this.dataSource.query(
      `WITH RECURSIVE back (code) AS (
         SELECT $1::text UNION SELECT h.code FROM agency_code_history h JOIN back b ON h.successor_code = b.code
       ), fwd (code) AS (
         SELECT $1::text UNION SELECT a.successor_code FROM agencies a JOIN fwd f ON a.code = f.code WHERE a.successor_code IS NOT NULL
       )
       SELECT h.code, h.kind, h.successor_code AS successor, h.at, h.actor AS by FROM agency_code_history h
       WHERE h.code IN (SELECT code FROM back UNION SELECT code FROM fwd) ORDER BY h.at, h.id`,
      [code],
    );
    return { code, current: (await currentCodeOf(this.dataSource, code)) ?? code, retired: agency.retired, events };
  }

  /** Throws DIRECTORY_CODE_RETIRED when `code` is retired (naming its current code); resolves for a current or unknown code. */
  async assertCurrent(code: string, what: string): Promise<void> {
    const [agency]: Array<{ retired: boolean }> = await this.dataSource.query('SELECT retired_at IS NOT NULL AS retired FROM agencies WHERE code = $1', [code]);
    if (!agency?.retired) return;
    const current = await currentCodeOf(this.dataSource, code);
    throw new EdxError('DIRECTORY_CODE_RETIRED', `${code} is retired${current && current !== code ? ` (its current code is ${current})` : ''}; ${what}.`, { code, current });
  }
}
