import { EdxError, isUuid } from '@edx/common';
import { AuditActor, GENESIS_HASH, checkpointHead, findChainBreak } from '@edx/storage';
import { DocumentsRepository } from '../documents/documents.repository';

export interface BrokenLink {
  readonly documentId: string;
  /** The first event that does not hold (its seq), or the chain head. */
  readonly seq: number;
  readonly reason: string;
}

export interface ChainAudit {
  readonly ok: boolean;
  readonly documents: number;
  readonly events: number;
  /** The first broken link of each broken document, in document order. */
  readonly broken: BrokenLink[];
  /** When a checkpoint was given: whether the hub's records still make its signed head. */
  readonly checkpoint?: CheckpointComparison;
}

export interface CheckpointComparison {
  readonly seq: number;
  readonly head: string;
  readonly ok: boolean;
  /** Why the records do not make the head (rewritten or removed checkpoint records), when they do not. */
  readonly reason?: string;
  /** How many document chain heads the checkpoints up to `seq` name. */
  readonly entries: number;
}

const PAGE = 200;

/**
 * Walks the hash chain of every document's events (or of one): each event must follow the one before
 * it (seq without gaps), point at its hash and hash to what it holds; and the last one must be the
 * head the document row keeps (so removing the newest events is caught too).
 */
export class ChainAuditService {
  constructor(private readonly documents: DocumentsRepository) {}

  /**
   * Resolves with what it found; NOT_FOUND for an unknown document, REQUEST_INVALID for a bad id or
   * checkpoint. With `checkpoint` (a signed checkpoint's number and head, as a gateway holds it), also
   * replays the hub's checkpoint records up to it: each must name an event that still has the hash it
   * had (else that document is broken), and together they must make the signed head (else the
   * checkpoint records themselves were rewritten).
   */
  async verify(documentId?: string, checkpoint?: { seq: number; head: string }): Promise<ChainAudit> {
    if (checkpoint && (!Number.isInteger(checkpoint.seq) || checkpoint.seq < 1 || !/^[0-9a-f]{64}$/.test(checkpoint.head))) {
      throw new EdxError('REQUEST_INVALID', 'A checkpoint is its number (1 or more) and its head (64 hex digits).');
    }
    if (documentId !== undefined) {
      if (!isUuid(documentId)) throw new EdxError('REQUEST_INVALID', `"${String(documentId).slice(0, 60)}" is not a package id (a UUID).`);
      if (!(await this.documents.chainHead(documentId))) throw new EdxError('NOT_FOUND', `The hub has no document ${documentId}.`);
    }
    const broken: BrokenLink[] = [];
    let documents = 0;
    let events = 0;
    const check = async (id: string) => {
      const chain = await this.documents.events(id);
      documents++;
      events += chain.length;
      const found = this.breakOf(chain, await this.documents.chainHead(id));
      if (found) broken.push({ documentId: id, ...found });
    };
    if (documentId) await check(documentId);
    else {
      let after: string | undefined;
      for (;;) {
        const ids = await this.documents.documentIds(after, PAGE);
        for (const id of ids) await check(id);
        if (ids.length < PAGE) break;
        after = ids[ids.length - 1];
      }
    }
    const compared = checkpoint ? await this.compare(checkpoint, broken, documentId) : undefined;
    return { ok: broken.length === 0 && (compared?.ok ?? true), documents, events, broken, ...(compared ? { checkpoint: compared } : {}) };
  }

  private async compare(checkpoint: { seq: number; head: string }, broken: BrokenLink[], only?: string): Promise<CheckpointComparison> {
    let head = GENESIS_HASH;
    let entries = 0;
    let missing: number | undefined;
    for (let from = 1; from <= checkpoint.seq; from += PAGE) {
      const to = Math.min(checkpoint.seq, from + PAGE - 1);
      const known = new Set(await this.documents.checkpointSeqs(from, to));
      const rows = await this.documents.checkpointEntries(from, to);
      for (let seq = from; seq <= to; seq++) {
        if (!known.has(seq)) missing ??= seq;
        const of = rows.filter((r) => r.checkpointSeq === seq);
        head = checkpointHead(head, of);
        entries += of.length;
        for (const r of of) {
          if (r.current === r.hash || (only && r.documentId !== only) || broken.some((b) => b.documentId === r.documentId)) continue;
          broken.push({ documentId: r.documentId, seq: r.count, reason: r.current === null ? `is gone, and checkpoint #${seq} covered it` : `is not the event checkpoint #${seq} covered: history was rewritten after it` });
        }
      }
    }
    if (head === checkpoint.head) return { seq: checkpoint.seq, head: checkpoint.head, ok: true, entries };
    const reason = missing !== undefined
      ? `the hub has no record of checkpoint #${missing}: its checkpoint records were removed`
      : `the hub's checkpoint records up to #${checkpoint.seq} make head ${head}, not the signed ${checkpoint.head}: they were rewritten`;
    return { seq: checkpoint.seq, head: checkpoint.head, ok: false, reason, entries };
  }

  /** Asks the hub for a checkpoint now; resolves with the request to follow. */
  requestCheckpoint(by: AuditActor) {
    return this.documents.requestCheckpoint(by, new Date()).then((id) => this.checkpointRequest(id));
  }

  /** A checkpoint request and the checkpoint that answered it (null until the hub took it); NOT_FOUND for an unknown one. */
  async checkpointRequest(id: string) {
    if (!/^[0-9]{1,18}$/.test(id)) throw new EdxError('REQUEST_INVALID', `"${String(id).slice(0, 40)}" is not a checkpoint request id.`);
    const request = await this.documents.checkpointRequest(id);
    if (!request) throw new EdxError('NOT_FOUND', `There is no checkpoint request ${id}.`);
    const c = request.checkpoint;
    return {
      id: request.id, requestedAt: new Date(request.requestedAt).toISOString(),
      checkpoint: c && { seq: c.seq, at: new Date(c.at).toISOString(), head: c.head, token: c.token, publishedAt: c.publishedAt ? new Date(c.publishedAt).toISOString() : null },
    };
  }

  private breakOf(chain: Awaited<ReturnType<DocumentsRepository['events']>>, head: { hash: string; count: number } | undefined): { seq: number; reason: string } | undefined {
    const inChain = findChainBreak(chain.map((e) => ({ ...e, at: new Date(e.at) })));
    if (inChain) return inChain;
    const last = chain[chain.length - 1];
    if (head && (head.count !== chain.length || (last?.hash ?? head.hash) !== head.hash)) {
      return { seq: chain.length + 1, reason: `the document's chain head says ${head.count} event(s), ${chain.length} remain: the newest were removed or the head was rewritten` };
    }
    return undefined;
  }
}
