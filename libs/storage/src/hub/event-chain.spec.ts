import { randomUUID } from 'node:crypto';
import { ChainedEventFields, GENESIS_HASH, eventHash, findChainBreak } from './event-chain';

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
