import { bindingResource, efficiency, percentile, perSecond } from './stats';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles of unsorted samples', () => {
    const samples = [9, 1, 5, 3, 7, 2, 8, 4, 10, 6];
    expect(percentile(samples, 50)).toBe(5);
    expect(percentile(samples, 99)).toBe(10);
    expect(percentile(samples, 100)).toBe(10);
    expect(percentile([], 99)).toBe(0);
  });

  it('counts 1 + 3R broker messages per document against the raw rate', () => {
    expect(efficiency(100, 2, 7000)).toBeCloseTo(0.1);
    expect(efficiency(100, 1, 0)).toBe(0);
  });

  it('buckets completions by second since the start, empty seconds included', () => {
    const buckets = perSecond([{ at: 1100, latencyMs: 10 }, { at: 1900, latencyMs: 30 }, { at: 3500, latencyMs: 20 }], 1000);
    expect(buckets.map((b) => b.completed)).toEqual([2, 0, 1]);
    expect(buckets[0]).toMatchObject({ p50: 10, p99: 30 });
  });

  it('names what binds: the CPU, a saturated server, or nothing', () => {
    expect(bindingResource({ hub: 40, gateway: 45, rabbitmq: 5 }, 50, 2)).toMatch(/^CPU: 1\.80 of 2 cores/);
    expect(bindingResource({ hub: 5, rabbitmq: 45 }, 50, 4)).toMatch(/^rabbitmq: 0\.90 cores/);
    expect(bindingResource({ hub: 5, rabbitmq: 5 }, 50, 2)).toMatch(/^nothing saturated/);
  });
});
