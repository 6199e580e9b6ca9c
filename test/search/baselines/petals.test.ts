import { describe, expect, it } from 'vitest';
import { evaluatePlacement } from '../../../src/graph/placement-flow.js';
import { petalsPlacement } from '../../../src/search/baselines/petals.js';
import { bigSmall, handCluster, ranges, SMALL } from './hand-clusters.js';
import { randomSmallCluster } from '../../fixtures/clusters.js';

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

  it('places as the plain rule does on random clusters (every span end gathered anew per node)', () => {
    const plain = (c: ReturnType<typeof randomSmallCluster>) => {
      const L = c.model.layers;
      const coverage = new Float64Array(L);
      const placement: ({ start: number; end: number } | null)[] = c.nodes.map(() => null);
      const strength = (i: number) => Math.max(0, ...c.nodes[i].capacity.map((t, k) => t * (k + 1)));
      for (const i of c.nodes.map((_, i) => i).sort((a, b) => strength(b) - strength(a) || a - b)) {
        const hold = Math.min(c.nodes[i].capacity.length, L);
        if (hold === 0) continue;
        const starts = [...new Set([0, ...placement.flatMap((r) => (r && r.end < L ? [r.end] : []))])].sort((a, b) => a - b);
        let best = { start: 0, min: Infinity, sum: Infinity };
        for (const s of starts) {
          const span = Array.from(coverage.slice(s, s + Math.min(hold, L - s)));
          const min = Math.min(...span);
          const sum = span.reduce((a, b) => a + b, 0);
          if (min < best.min || (min === best.min && sum < best.sum)) best = { start: s, min, sum };
        }
        const k = Math.min(hold, L - best.start);
        placement[i] = { start: best.start, end: best.start + k };
        for (let x = best.start; x < best.start + k; x++) coverage[x] += c.nodes[i].capacity[k - 1];
      }
      return placement;
    };
    for (let seed = 1; seed <= 40; seed++) {
      const c = randomSmallCluster(seed, { nodes: 12, layers: 9, maxLayers: 4, nonMonotone: seed % 2 === 0 });
      expect(petalsPlacement(c), `seed ${seed}`).toEqual(plain(c));
    }
  });
});
