import { describe, expect, it } from 'vitest';
import { evaluatePlacement } from '../../../src/graph/placement-flow.js';
import { swarm, swarmPlacement } from '../../../src/search/baselines/swarm.js';
import { dealToStages, equalStages } from '../../../src/search/baselines/stages.js';
import { bigSmall, handCluster, ranges, SMALL } from './hand-clusters.js';
import { randomSmallCluster } from '../../fixtures/clusters.js';

describe('equalStages', () => {
  it('splits the layers into consecutive stages differing by at most one layer', () => {
    expect(equalStages(4, 3)).toEqual([{ start: 0, end: 1 }, { start: 1, end: 3 }, { start: 3, end: 4 }]);
    const s = equalStages(80, 7);
    expect(s[0].start).toBe(0);
    expect(s[6].end).toBe(80);
    for (let i = 1; i < s.length; i++) expect(s[i].start).toBe(s[i - 1].end);
    const sizes = s.map((r) => r.end - r.start);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });
});

describe('dealToStages', () => {
  it('returns null when some stage gets no node that can hold it', () => {
    // Stage [0,3) is longer than either small node can hold.
    const c = handCluster(4, [{ name: 'a', gpu: 'S', t: SMALL }, { name: 'b', gpu: 'S', t: SMALL }]);
    expect(dealToStages(c, [{ start: 0, end: 3 }, { start: 3, end: 4 }], [0, 1])).toBeNull();
  });
});

describe('swarm', () => {
  // bigSmall: big t = [400, 200, 120, 100] (hold 4), small t = [300, 150] (hold 2), links fast.
  // Strength (best t(k) * k): big 400, small 300, so bigs are dealt first.
  //   1 stage  [0,4):               only bigs fit: 100 + 100                          = 200
  //   2 stages [0,2) [2,4):          big-1 s0, big-2 s1, small-1 s0 (tie: earlier), small-2 s1:
  //                                 each stage 200 + 150                               = 350
  //   3 stages [0,1) [1,3) [3,4):    big-1 s0 (400), big-2 s1 (200), small-1 s2 (300),
  //                                 small-2 s1 (150): stages 400 / 350 / 300            = 300
  //   4 stages of one layer:         400 / 400 / 300 / 300                             = 300
  // Best: 2 stages, 350.
  const cluster = bigSmall();

  it('tries every stage count and keeps the best by exact max flow', () => {
    const r = swarm(cluster);
    expect(r.stages).toBe(2);
    expect(r.throughput).toBeCloseTo(350, 6);
    expect(ranges(r.placement)).toEqual([[0, 2], [2, 4], [0, 2], [2, 4]]);
    expect(evaluatePlacement(cluster, swarmPlacement(cluster)).throughput).toBeCloseTo(350, 6);
  });

  it('uses exactly the requested stage count', () => {
    const r = swarm(cluster, { stages: 3 });
    expect(ranges(r.placement)).toEqual([[0, 1], [1, 3], [3, 4], [1, 3]]);
    expect(r.throughput).toBeCloseTo(300, 6);
    expect(swarm(cluster, { stages: 1 }).throughput).toBeCloseTo(200, 6);
  });

  it('places only the nodes it is given', () => {
    // The smalls alone: 2 stages is the only count that fits, 150.
    const r = swarm(cluster, { nodes: [2, 3] });
    expect(ranges(r.placement)).toEqual([null, null, [0, 2], [2, 4]]);
    expect(r.throughput).toBeCloseTo(150, 6);
  });

  it('links only consecutive stages, so a slow link between them is the bottleneck', () => {
    // Two one-layer nodes on a 2-layer model, the only link between them carries 40.
    const c = handCluster(2, [{ name: 'a', gpu: 'G', t: [100] }, { name: 'b', gpu: 'G', t: [100] }], () => 40);
    const r = swarm(c);
    expect(ranges(r.placement)).toEqual([[0, 1], [1, 2]]);
    expect(r.throughput).toBeCloseTo(40, 6);
  });

  it('serves nothing when no equal split gives every stage a node', () => {
    // 5 layers, two nodes holding 2: 3+ stages needed, only 2 nodes.
    const c = handCluster(5, [{ name: 'a', gpu: 'S', t: SMALL }, { name: 'b', gpu: 'S', t: SMALL }]);
    const r = swarm(c);
    expect(r.stages).toBe(0);
    expect(r.throughput).toBe(0);
    expect(r.placement).toEqual([null, null]);
  });

  it('keeps what trying every count keeps, though it skips counts whose cut bound cannot win', () => {
    // The plain rule: every count in turn, the most throughput, ties to the fewest stages.
    const plain = (c: ReturnType<typeof randomSmallCluster>) => {
      let best = { throughput: 0, stages: 0 };
      for (let stages = 1; stages <= c.model.layers; stages++) {
        const placement = dealToStages(c, equalStages(c.model.layers, stages), c.nodes.map((_, i) => i));
        if (!placement) continue;
        const throughput = evaluatePlacement(c, placement).throughput;
        if (throughput > best.throughput) best = { throughput, stages };
      }
      return best;
    };
    for (let seed = 1; seed <= 60; seed++) {
      const c = randomSmallCluster(seed, { nodes: 9, layers: 8, maxLayers: 5, regions: 1 + (seed % 3), missingLinks: seed % 2 ? 0.3 : 0 });
      const r = swarm(c);
      expect({ throughput: r.throughput, stages: r.stages }, `seed ${seed}`).toEqual(plain(c));
    }
  });
});

