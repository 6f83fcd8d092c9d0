import { randomUUID } from 'node:crypto';
import { ChainedEventFields, GENESIS_HASH, checkpointHead, eventHash, findChainBreak } from './event-chain';

function chain(length: number) {
  const documentId = randomUUID();
  const events: Array<ChainedEventFields & { hash: string }> = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq++) {
    const fields: ChainedEventFields = {
      id: randomUUID(), documentId, seq, recipientCode: 'H41', type: 'status', statusCode: '0' + seq,
      actor: 'system.b', detail: { b: 2, a: 1 }, at: new Date(Date.UTC(2026, 0, seq)), prevHash,
    };
    const hash = eventHash(fields);
    events.push({ ...fields, hash });
    prevHash = hash;
  }
  return events;
}

describe('the event chain', () => {
  it('accepts an untouched chain', () => {
    expect(findChainBreak(chain(4))).toBeUndefined();
  });

  it('does not depend on the key order of the detail (jsonb reorders keys)', () => {
    const [event] = chain(1);
    expect(eventHash({ ...event, detail: { a: 1, b: 2 } })).toBe(event.hash);
  });

  it('finds an edited event', () => {
    const events = chain(3);
    events[1] = { ...events[1], statusCode: '06' };
    expect(findChainBreak(events)).toEqual({ seq: 2, reason: expect.stringContaining('changed') });
  });

  it('finds a removed event', () => {
    const events = chain(3);
    events.splice(1, 1);
    expect(findChainBreak(events)?.seq).toBe(3);
  });
});

describe('checkpointHead', () => {
  const entries = [
    { documentId: 'b0000000-0000-4000-8000-000000000000', count: 3, hash: '1'.repeat(64) },
    { documentId: 'a0000000-0000-4000-8000-000000000000', count: 5, hash: '2'.repeat(64) },
  ];

  it('does not depend on the order entries come in, and chains on the previous head', () => {
    const head = checkpointHead(GENESIS_HASH, entries);
    expect(checkpointHead(GENESIS_HASH, [...entries].reverse())).toBe(head);
    expect(checkpointHead(head, [])).not.toBe(head);
  });

  it('changes with any entry: a count, a hash, one removed', () => {
    const head = checkpointHead(GENESIS_HASH, entries);
    expect(checkpointHead(GENESIS_HASH, [{ ...entries[0], count: 4 }, entries[1]])).not.toBe(head);
    expect(checkpointHead(GENESIS_HASH, [{ ...entries[0], hash: '3'.repeat(64) }, entries[1]])).not.toBe(head);
    expect(checkpointHead(GENESIS_HASH, [entries[0]])).not.toBe(head);
  });
});
