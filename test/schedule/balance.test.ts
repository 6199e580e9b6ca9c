import { describe, expect, it } from 'vitest';
import { balancedFlow, type BalanceProblem } from '../../src/schedule/balance.js';

// Graphs by hand: vertex 0 is the source, 1 the sink; edges as [from, to, capacity].
function problem(vertexCount: number, edges: [number, number, number][], value: number, work?: number): BalanceProblem {
  return {
    vertexCount,
    source: 0,
    sink: 1,
    from: Int32Array.from(edges, (e) => e[0]),
    to: Int32Array.from(edges, (e) => e[1]),
    capacity: Float64Array.from(edges, (e) => e[2]),
    value,
    work,
  };
}

const rounded = (xs: Float64Array) => Array.from(xs, (x) => Number(x.toFixed(6)));

describe('balancedFlow', () => {
  it('splits two equal parallel edges 1:1', () => {
    const r = balancedFlow(problem(2, [[0, 1, 10], [0, 1, 10]], 8));
    expect(rounded(r.flow)).toEqual([4, 4]);
    expect(r.value).toBeCloseTo(8, 9);
  });

  it('splits parallel edges in proportion to capacity (3:1 carrying 2 -> 1.5 and 0.5, both at 50%)', () => {
    const r = balancedFlow(problem(2, [[0, 1, 3], [0, 1, 1]], 2));
    expect(rounded(r.flow)).toEqual([1.5, 0.5]);
    expect(r.level[0]).toBeCloseTo(0.5, 9);
    expect(r.level[1]).toBeCloseTo(0.5, 9);
  });

  it('fixes the bottleneck first, then balances what is left (lexicographic)', () => {
    // 0 -> 2 (cap 4) must carry all 4: utilisation 1, found in round 1. Then 2 -> 1 over caps 2 and
    // 6: 8t = 4, t = 0.5, flows 1 and 3.
    const r = balancedFlow(problem(3, [[0, 2, 4], [2, 1, 2], [2, 1, 6]], 4));
    expect(rounded(r.flow)).toEqual([4, 1, 3]);
    expect(r.level[0]).toBeCloseTo(1, 9);
    expect(r.level[1]).toBeCloseTo(0.5, 9);
    expect(r.rounds).toBe(2);
  });

  it('does not let a saturated branch drag its parallel branch up: caps 1 and 10 carrying 6 -> 1 and 5', () => {
    // min-max alone would stop at t = 6/11 on both (0.545 and 5.45); but two branches in series
    // with a tight first hop: 0 -> 2 cap 1 -> 1 cap 100, and 0 -> 1 cap 10. Carrying 6: the path
    // through 2 can take at most 1, and equal utilisation (6/11 each on 0->2 and 0->1) is best.
    const r = balancedFlow(problem(3, [[0, 2, 1], [2, 1, 100], [0, 1, 10]], 6));
    expect(r.flow[0]).toBeCloseTo(6 / 11, 6);
    expect(r.flow[1]).toBeCloseTo(6 / 11, 6);
    expect(r.flow[2]).toBeCloseTo(60 / 11, 6);
  });

  it('balances every stage of a two-stage diamond, crossing links included', () => {
    // Stage 1: a (2) and b (3) both 0 -> ..; stage 2: c (4) and d (5) -> 1. All links a/b -> c/d
    // cap 100; node caps are the source and sink edges: a 10, b 30, c 20, d 20. Carrying 20:
    // stage 1 splits 5:15 (t = 0.5), stage 2 splits 10:10 (t = 0.5); the four links carry the
    // rest at equal utilisation: 2.5, 2.5, 7.5, 7.5 (a->c, a->d, b->c, b->d).
    const r = balancedFlow(
      problem(
        6,
        [
          [0, 2, 10],
          [0, 3, 30],
          [2, 4, 100],
          [2, 5, 100],
          [3, 4, 100],
          [3, 5, 100],
          [4, 1, 20],
          [5, 1, 20],
        ],
        20,
      ),
    );
    expect(rounded(r.flow)).toEqual([5, 15, 2.5, 2.5, 7.5, 7.5, 10, 10]);
  });

  it('clamps the value to the max flow', () => {
    const r = balancedFlow(problem(2, [[0, 1, 3], [0, 1, 1]], 100));
    expect(r.value).toBeCloseTo(4, 6);
    expect(rounded(r.flow)).toEqual([3, 1]);
  });

  it('carries nothing when the sink cannot be reached', () => {
    const r = balancedFlow(problem(3, [[0, 2, 5]], 5));
    expect(r.value).toBe(0);
    expect(Array.from(r.flow)).toEqual([0]);
  });

  it('still carries the value when the work budget stops it early', () => {
    const r = balancedFlow(problem(3, [[0, 2, 4], [2, 1, 2], [2, 1, 6]], 4, 1));
    expect(r.truncated).toBe(true);
    expect(r.value).toBeCloseTo(4, 6);
    expect(r.flow[1] + r.flow[2]).toBeCloseTo(4, 6);
    expect(r.flow[1]).toBeLessThanOrEqual(2 + 1e-6);
  });
});
