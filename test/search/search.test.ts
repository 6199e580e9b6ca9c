import { describe, expect, it } from 'vitest';
import { searchPlacement } from '../../src/search/search.js';
import { Scorer, layoutOf } from '../../src/search/scorer.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { createRng } from '../../src/search/rng.js';
import { bruteForceOptimum, randomSmallCluster } from '../fixtures/clusters.js';
import type { LayerRange } from '../../src/spec/types.js';

const options = { seed: 1, timeLimitSec: 30, minLayers: null, maxStages: null, partialInference: false, maxEvaluations: 4000 };

describe('Scorer', () => {
  it('agrees with evaluatePlacement on random placements', () => {
    const rng = createRng(42);
    for (let seed = 1; seed <= 20; seed++) {
      const c = randomSmallCluster(seed, { nodes: 5, layers: 6, maxLayers: 3, regions: 2, missingLinks: 0.2 });
      const scorer = new Scorer(c);
      for (let t = 0; t < 20; t++) {
        const p: (LayerRange | null)[] = c.nodes.map((n) => {
          if (rng.next() < 0.2) return null;
          const k = rng.int(1, n.capacity.length);
          const s = rng.int(0, 6 - k);
          return { start: s, end: s + k };
        });
        expect(scorer.score(layoutOf(p))).toBeCloseTo(evaluatePlacement(c, p).throughput, 6);
      }
    }
  });
});

describe('searchPlacement', () => {
  it('reaches the brute-force optimum on small clusters with binding links', async () => {
    let exact = 0;
    const cases = 12;
    for (let seed = 1; seed <= cases; seed++) {
      const c = randomSmallCluster(seed, { nodes: 4, layers: 5, maxLayers: 3, regions: 2, missingLinks: 0.2, nonMonotone: seed % 2 === 0 });
      const truth = bruteForceOptimum(c).throughput;
      const r = await searchPlacement(c, { ...options, seed });
      expect(r.throughput).toBeLessThanOrEqual(truth + 1e-6);
      expect(r.throughput).toBeGreaterThanOrEqual(0.9 * truth - 1e-9);
      expect(evaluatePlacement(c, r.placement).throughput).toBeCloseTo(r.throughput, 6);
      if (r.throughput >= truth - 1e-6) exact++;
    }
    expect(exact).toBeGreaterThanOrEqual(cases - 2);
  });

  it('is reproducible for a seed and an evaluation budget', async () => {
    const c = randomSmallCluster(3, { nodes: 6, layers: 8, maxLayers: 3, regions: 2 });
    const a = await searchPlacement(c, { ...options, seed: 7 });
    const b = await searchPlacement(c, { ...options, seed: 7 });
    expect(a.placement).toEqual(b.placement);
    expect(a.throughput).toBe(b.throughput);
  });

  it('never returns less than a given starting placement', async () => {
    const c = randomSmallCluster(9, { nodes: 4, layers: 5, maxLayers: 3 });
    const best = bruteForceOptimum(c);
    const r = await searchPlacement(c, { ...options, maxEvaluations: 10, initial: [best.placement] });
    expect(r.throughput).toBeGreaterThanOrEqual(best.throughput - 1e-9);
  });

  it('respects minLayers and maxStages', async () => {
    const c = randomSmallCluster(4, { nodes: 6, layers: 6, maxLayers: 4 });
    const r = await searchPlacement(c, { ...options, minLayers: 2, maxStages: 2 });
    const scorer = new Scorer(c);
    for (const range of r.placement) if (range) expect(range.end - range.start).toBeGreaterThanOrEqual(2);
    expect(scorer.structuralDepth(layoutOf(r.placement))).toBeLessThanOrEqual(2);
  });
});
