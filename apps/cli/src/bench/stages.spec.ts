import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readStageMarks, stageBreakdown } from './stages';

describe('the bench\'s per-stage breakdown', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'edx-stages-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every process\'s marks, keeps the last recipient\'s time of a stage, and times each hop', () => {
    writeFileSync(path.join(dir, 'gateway-1.log'), ['1010.000 gateway:package-published p1', '2010.000 gateway:package-published p2', ''].join('\n'));
    writeFileSync(path.join(dir, 'hub-2.log'), ['1012.500 hub:package-in p1', '1020.000 hub:package-committed p1', ''].join('\n'));
    // Two receiving gateways: the later one counts.
    writeFileSync(path.join(dir, 'gateway-3.log'), '1030.000 gateway:package-stored p1\n');
    writeFileSync(path.join(dir, 'gateway-4.log'), '1034.000 gateway:package-stored p1\n');
    const marks = readStageMarks(dir);
    expect(marks.get('p1')?.get('gateway:package-stored')).toBe(1034);
    const hops = stageBreakdown(marks, [{ id: 'p1', acceptedAt: 1000, seenAt: 1100 }, { id: 'p2', acceptedAt: 2000, seenAt: 2080 }]);
    expect(hops).toEqual([
      { from: 'accepted', to: 'gateway:package-published', p50Ms: 10, p95Ms: 10 },
      { from: 'gateway:package-published', to: 'hub:package-in', p50Ms: 2.5, p95Ms: 2.5 },
      { from: 'hub:package-in', to: 'hub:package-committed', p50Ms: 7.5, p95Ms: 7.5 },
    ]);
  });
});
