import { describe, expect, it } from 'vitest';
import { evaluatePlacement } from '../../../src/graph/placement-flow.js';
import { homogeneous, homogeneousPlacement } from '../../../src/search/baselines/homogeneous.js';
import { bigSmall, handCluster, ranges, SMALL } from './hand-clusters.js';

describe('homogeneous', () => {
  it('gives every node the weakest node\'s maximum', () => {
    // bigSmall: the smalls hold 2, so 2 stages of 2 layers, dealt like Swarm: 200 + 150 each: 350.
    const c = bigSmall();
    const r = homogeneous(c);
    expect(r.layersPerNode).toBe(2);
    expect(ranges(r.placement)).toEqual([[0, 2], [2, 4], [0, 2], [2, 4]]);
    expect(evaluatePlacement(c, r.placement).throughput).toBeCloseTo(350, 6);
  });

  it('cuts every k layers; the last stage holds the remainder', () => {
    // 5 layers; A holds 5 (t = [500, 250, 160, 120, 100]), C, D, E hold 2 (t = [300, 150]): k = 2,
    // stages [0,2) [2,4) [4,5). Strength: A 500, others 300, so A first:
    //   A -> s0 (t(2) = 250); C -> s1 (150); D -> s2 (t(1) = 300); E -> s1, the lowest (300).
    // Stages 250 / 300 / 300, links fast: 250.
    const c = handCluster(5, [
      { name: 'A', gpu: 'A', t: [500, 250, 160, 120, 100] },
      { name: 'C', gpu: 'S', t: SMALL },
      { name: 'D', gpu: 'S', t: SMALL },
      { name: 'E', gpu: 'S', t: SMALL },
    ]);
    const p = homogeneousPlacement(c);
    expect(ranges(p)).toEqual([[0, 2], [2, 4], [4, 5], [2, 4]]);
    expect(evaluatePlacement(c, p).throughput).toBeCloseTo(250, 6);
  });

  it('serves nothing when there are more stages than nodes to fill them', () => {
    // 6 layers at 2 per node need 3 stages; only 2 nodes.
    const c = handCluster(6, [{ name: 'a', gpu: 'S', t: SMALL }, { name: 'b', gpu: 'S', t: SMALL }]);
    const r = homogeneous(c);
    expect(r.served).toBe(false);
    expect(r.stages).toBe(3);
    expect(r.placement).toEqual([null, null]);
  });
});
