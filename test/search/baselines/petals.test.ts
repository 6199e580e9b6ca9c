import { describe, expect, it } from 'vitest';
import { evaluatePlacement } from '../../../src/graph/placement-flow.js';
import { petalsPlacement } from '../../../src/search/baselines/petals.js';
import { bigSmall, handCluster, ranges, SMALL } from './hand-clusters.js';

describe('petals', () => {
  it('strongest first, each node takes its full memory where coverage is lowest', () => {
    // bigSmall (big t = [400, 200, 120, 100], small t = [300, 150]):
    //   big-1   -> [0,4)  coverage 100 100 100 100
    //   big-2   -> [0,4)  (only start is 0)          200 200 200 200
    //   small-1 -> [0,2)  (only start is 0)          350 350 200 200
    //   small-2 -> starts 0 or 2; [2,4) has the lower bottleneck (200 < 350)
    // Flow: each big 100 end to end, small-1 -> small-2 150: 350.
    const c = bigSmall();
    const p = petalsPlacement(c);
    expect(ranges(p)).toEqual([[0, 4], [0, 4], [0, 2], [2, 4]]);
    expect(evaluatePlacement(c, p).throughput).toBeCloseTo(350, 6);
  });

  it('starts spans only at layer 0 or where a placed node ends, so they chain', () => {
    // 5 layers, three equal 2-layer nodes t = [300, 150]:
    //   n0 -> [0,2); n1: start 2 has coverage 0 -> [2,4); n2: start 4 fits 1 layer -> [4,5).
    // One chain: min(150, 150, t(1) = 300) = 150.
    const c = handCluster(5, [0, 1, 2].map((i) => ({ name: `n${i}`, gpu: 'S', t: SMALL })));
    const p = petalsPlacement(c);
    expect(ranges(p)).toEqual([[0, 2], [2, 4], [4, 5]]);
    expect(evaluatePlacement(c, p).throughput).toBeCloseTo(150, 6);
  });

  it('follows a given order, and the order changes the outcome', () => {
    // Smalls first on bigSmall:
    //   small-1 -> [0,2)                             150 150   0   0
    //   small-2 -> [2,4) (bottleneck 0)              150 150 150 150
    //   big-1: [0,4) min 150 sum 600 vs [2,4) min 150 sum 300 -> [2,4), t(2) = 200
    //                                                150 150 350 350
    //   big-2: [0,4) min 150 vs [2,4) min 350 -> [0,4), t(4) = 100
    // Flow: big-2 100 + small-1 150 (the only [0,2) holder) = 250, below strongest-first's 350.
    const c = bigSmall();
    const p = petalsPlacement(c, { order: [2, 3, 0, 1] });
    expect(ranges(p)).toEqual([[2, 4], [0, 4], [0, 2], [2, 4]]);
    expect(evaluatePlacement(c, p).throughput).toBeCloseTo(250, 6);
  });
});
