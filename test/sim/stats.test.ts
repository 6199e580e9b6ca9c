import { describe, expect, it } from 'vitest';
import { percentileSorted, summarize } from '../../src/sim/stats.js';

describe('summarize', () => {
  it('gives mean and interpolated percentiles', () => {
    const values = Array.from({ length: 101 }, (_, i) => 100 - i); // 0..100, unsorted
    const s = summarize(values);
    expect(s).toEqual({ count: 101, mean: 50, p50: 50, p95: 95, p99: 99 });
  });

  it('interpolates between ranks', () => {
    expect(percentileSorted([1, 2], 0.5)).toBe(1.5);
    expect(percentileSorted([10], 0.99)).toBe(10);
  });

  it('reports zeros for nothing measured', () => {
    expect(summarize([])).toEqual({ count: 0, mean: 0, p50: 0, p95: 0, p99: 0 });
  });
});
