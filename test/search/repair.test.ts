import { describe, expect, it } from 'vitest';
import { repairGaps, uncoveredRuns } from '../../src/search/repair.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { handCluster } from './helpers.js';

const r = (start: number, end: number) => ({ start, end });

describe('gap repair for re-planning', () => {
  it('finds the layer runs nobody holds', () => {
    expect(uncoveredRuns(6, [r(0, 1), null, r(3, 4), r(2, 3)])).toEqual([[1, 2], [4, 6]]);
    expect(uncoveredRuns(2, [r(0, 2)])).toEqual([]);
  });

  it('stretches a neighbour over a one-layer gap (hand-worked: 50 tokens/s with one load)', () => {
    // L = 4; the machine on [1,2) left. A neighbour holding two layers runs at 50.
    const c = handCluster(4, [[100, 50, 30], [100, 50, 30], [100, 50]]);
    const before = [r(0, 1), r(2, 3), r(3, 4)];
    expect(evaluatePlacement(c, before).throughput).toBe(0);
    const [best] = repairGaps(c, before, 1);
    expect(evaluatePlacement(c, best).throughput).toBeCloseTo(50, 9);
  });

  it('meets in the middle when the budget allows two loads, and shares out a window (hand-worked)', () => {
    // L = 5, gap [1,3). One load: a neighbour takes three layers (30). Two: A [0,2) and C [2,4) (50).
    const c = handCluster(5, [[100, 50, 30], [100, 50, 30], [100, 50, 30]]);
    const before = [r(0, 1), r(3, 4), r(4, 5)];
    expect(evaluatePlacement(c, repairGaps(c, before, 1)[0]).throughput).toBeCloseTo(30, 9);
    const [two] = repairGaps(c, before, 2);
    expect(evaluatePlacement(c, two).throughput).toBeCloseTo(50, 9);
    const loads = two.filter((x, i) => x && (!before[i] || x.start < before[i]!.start || x.end > before[i]!.end)).length;
    expect(loads).toBeLessThanOrEqual(2);
  });

  it('closes every gap or none, and a larger budget never does worse (two gaps, hand-worked)', () => {
    // L = 6, a chain of one-layer machines (100; 60 on two layers, 40 on three) missing [1,2) and [4,5).
    const c = handCluster(6, Array.from({ length: 4 }, () => [100, 60, 40]));
    const before = [r(0, 1), r(2, 3), r(3, 4), r(5, 6)];
    expect(repairGaps(c, before, 1)).toEqual([]); // one load closes one gap only: no flow
    let last = 0;
    for (let budget = 2; budget <= 5; budget++) {
      const got = evaluatePlacement(c, repairGaps(c, before, budget)[0]).throughput;
      expect(got).toBeGreaterThanOrEqual(last - 1e-9);
      last = got;
    }
    expect(last).toBeCloseTo(60, 9); // each gap needs a machine on two layers: 60 at best
  });

  it('a parallel copy can leave its place to share a gap with an idle machine, but never both copies', () => {
    // L = 10, gap [2,6). Every machine holds at most two layers (100 on one, 60 on two), and A and
    // B already hold two, so neither neighbour can stretch and the idle G cannot take four layers
    // alone. E and F both hold [8,10): one of them can leave it and share the gap with G.
    const c = handCluster(10, Array.from({ length: 5 }, () => [100, 60]));
    const before = [r(0, 2), r(6, 8), r(8, 10), r(8, 10), null];
    expect(evaluatePlacement(c, before).throughput).toBe(0);
    const [two] = repairGaps(c, before, 2);
    expect(two).toBeDefined();
    expect(two.filter((x) => x && x.start === 8 && x.end === 10).length).toBe(1);
    expect(evaluatePlacement(c, two).throughput).toBeCloseTo(60, 9);
  });

  it('uses an idle machine for the gap, and gives nothing when no repair fits the budget', () => {
    const c = handCluster(3, [[100], [80], [100], [100, 10]]);
    const before = [r(0, 1), null, r(2, 3), null];
    // Both idle machines could take layer 1; the faster one (100) wins.
    expect(evaluatePlacement(c, repairGaps(c, before, 1)[0]).throughput).toBeCloseTo(100, 9);
    expect(repairGaps(c, before, 0)).toEqual([]);
    // Nothing can hold two layers at all and nothing is idle: no repair.
    expect(repairGaps(handCluster(3, [[100], [100]]), [r(0, 1), r(2, 3)], 2)).toEqual([]);
  });
});
