import { EdxError, isUuid } from '@edx/common';
import { findChainBreak } from '@edx/storage';
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
}

const PAGE = 200;

/**
 * Walks the hash chain of every document's events (or of one): each event must follow the one before
 * it (seq without gaps), point at its hash and hash to what it holds; and the last one must be the
 * head the document row keeps (so removing the newest events is caught too).
 */
export class ChainAuditService {
  constructor(private readonly documents: DocumentsRepository) {}

  /** Resolves with what it found; NOT_FOUND for an unknown document, REQUEST_INVALID for a bad id. */
  async verify(documentId?: string): Promise<ChainAudit> {
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
    return { ok: broken.length === 0, documents, events, broken };
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
