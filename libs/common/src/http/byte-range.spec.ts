import { requestedRange } from './byte-range';

describe('requestedRange', () => {
  it('reads the one range a resuming client asks for, cut to the resource', () => {
    expect(requestedRange(undefined, 100)).toBeUndefined();
    expect(requestedRange('bytes=0-9', 100)).toEqual({ start: 0, end: 10 });
    expect(requestedRange('bytes=90-', 100)).toEqual({ start: 90, end: 100 });
    expect(requestedRange('bytes=90-1000', 100)).toEqual({ start: 90, end: 100 });
    expect(requestedRange('bytes=-10', 100)).toEqual({ start: 90, end: 100 });
    expect(requestedRange('bytes=-1000', 100)).toEqual({ start: 0, end: 100 });
  });

  it.each(['bytes=100-', 'bytes=5-4', 'bytes=-0', 'bytes=-', 'bytes=0-1,5-6', 'items=0-1', 'bytes=x-1'])('refuses %s with RANGE_NOT_SATISFIABLE', (header) => {
    expect(() => requestedRange(header, 100)).toThrow(expect.objectContaining({ code: 'RANGE_NOT_SATISFIABLE' }));
  });
});
