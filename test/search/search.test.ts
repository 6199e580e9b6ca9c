import { describe, expect, it } from 'vitest';
import { loadsAgainst, searchPlacement, type SearchOptions } from '../../src/search/search.js';
import { layoutOf } from '../../src/search/layout.js';
import { pipelineDepth, structuralDepth } from '../../src/search/depth.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { bruteForceOptimum, randomSmallCluster } from '../fixtures/clusters.js';
import { handCluster } from './helpers.js';

const options: SearchOptions = { seed: 1, timeLimitSec: 30, minLayers: null, maxStages: null, partialInference: false, maxEvaluations: 4000 };

describe('searchPlacement', () => {
  it('reaches the brute-force optimum on small clusters with regions and binding links', async () => {
    let exact = 0;
    const cases = 12;
    for (let seed = 1; seed <= cases; seed++) {
      const c = randomSmallCluster(seed, { nodes: 4, layers: 5, maxLayers: 3, regions: 2, missingLinks: 0.2, nonMonotone: seed % 2 === 0 });
      const truth = bruteForceOptimum(c).throughput;
      const r = await searchPlacement(c, { ...options, seed });
      expect(r.throughput).toBeLessThanOrEqual(truth + 1e-6);
      expect(r.throughput).toBeGreaterThanOrEqual(0.95 * truth - 1e-9);
      expect(evaluatePlacement(c, r.placement).throughput).toBeCloseTo(r.throughput, 6);
      if (r.throughput >= truth - 1e-6) exact++;
    }
    expect(exact).toBeGreaterThanOrEqual(cases - 1);
  });

  it('reaches the optimum on every simple cluster (one region, every link)', async () => {
    for (let seed = 21; seed <= 30; seed++) {
      const c = randomSmallCluster(seed, { nodes: 4, layers: 4, maxLayers: 3 });
      const truth = bruteForceOptimum(c).throughput;
      const r = await searchPlacement(c, { ...options, seed });
      expect(r.throughput).toBeCloseTo(truth, 6);
    }
  });

  it('is reproducible for a seed and an evaluation budget', async () => {
    const c = randomSmallCluster(3, { nodes: 6, layers: 8, maxLayers: 3, regions: 2 });
    const a = await searchPlacement(c, { ...options, seed: 7 });
    const b = await searchPlacement(c, { ...options, seed: 7 });
    expect(a.placement).toEqual(b.placement);
    expect(a.throughput).toBe(b.throughput);
    expect(a.evaluations).toBe(4000);
  });

  it('never returns less than a given starting placement', async () => {
    const c = randomSmallCluster(9, { nodes: 4, layers: 5, maxLayers: 3, regions: 2 });
    const best = bruteForceOptimum(c);
    const r = await searchPlacement(c, { ...options, maxEvaluations: 10, initial: [best.placement] });
    expect(r.throughput).toBeGreaterThanOrEqual(best.throughput - 1e-9);
  });

  it('respects minLayers and maxStages, whichever max flow a verifier finds', async () => {
    for (let seed = 1; seed <= 6; seed++) {
      const c = randomSmallCluster(seed, { nodes: 7, layers: 6, maxLayers: 4 });
      const r = await searchPlacement(c, { ...options, seed, minLayers: 2, maxStages: 2 });
      expect(r.throughput).toBeGreaterThan(0);
      for (const range of r.placement) if (range) expect(range.end - range.start).toBeGreaterThanOrEqual(2);
      expect(structuralDepth(c, layoutOf(r.placement))).toBeLessThanOrEqual(2);
      expect(pipelineDepth(c, r.placement, evaluatePlacement(c, r.placement))).toBeLessThanOrEqual(2);
    }
  });

  it('finds the one-stage plan when maxStages is 1 (hand-worked)', async () => {
    // L = 2: the fast nodes n0, n1 hold one layer each (a 2-stage chain at 100); n2 alone holds
    // both layers at 30. With maxStages 1 only n2 counts: 30.
    const c = handCluster(2, [[100], [100], [60, 30]]);
    const free = await searchPlacement(c, options);
    const oneStage = await searchPlacement(c, { ...options, maxStages: 1 });
    expect(free.throughput).toBeCloseTo(130, 9);
    expect(oneStage.throughput).toBeCloseTo(30, 9);
  });

  it('scores with partial inference when asked, never below the best aligned plan', async () => {
    // Aligned plans stay valid with partial inference, so the search must do at least as well as
    // the aligned optimum, and never better than the partial-inference optimum.
    for (let seed = 1; seed <= 4; seed++) {
      const c = randomSmallCluster(seed, { nodes: 4, layers: 5, maxLayers: 3, regions: 2, missingLinks: 0.2 });
      const r = await searchPlacement(c, { ...options, partialInference: true });
      expect(evaluatePlacement(c, r.placement, { partialInference: true }).throughput).toBeCloseTo(r.throughput, 6);
      expect(r.throughput).toBeLessThanOrEqual(bruteForceOptimum(c, true).throughput + 1e-6);
      expect(r.throughput).toBeGreaterThanOrEqual(bruteForceOptimum(c).throughput - 1e-6);
    }
  });

  it('keeps re-planning within the allowed number of machines loading new layers', async () => {
    const c = randomSmallCluster(6, { nodes: 6, layers: 6, maxLayers: 3 });
    const current = (await searchPlacement(c, { ...options, seed: 2, maxEvaluations: 300 })).placement;
    const r = await searchPlacement(c, { ...options, initial: [current], reference: current, maxLoads: 1 });
    expect(loadsAgainst(layoutOf(r.placement), layoutOf(current))).toBeLessThanOrEqual(1);
  });

  it('reports improvements and when they happened, and stops at once when aborted', async () => {
    const c = randomSmallCluster(5, { nodes: 5, layers: 6, maxLayers: 3 });
    const seen: number[] = [];
    const r = await searchPlacement(c, { ...options, onImprove: (t) => seen.push(t) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(r.throughput);
    for (let m = 1; m < seen.length; m++) expect(seen[m]).toBeGreaterThan(seen[m - 1]);
    expect(r.timeToFirstSec).not.toBeNull();
    expect(r.timeToBestSec!).toBeGreaterThanOrEqual(r.timeToFirstSec!);

    const controller = new AbortController();
    controller.abort();
    const stopped = await searchPlacement(c, { ...options, maxEvaluations: undefined, signal: controller.signal });
    expect(stopped.evaluations).toBe(0);
    expect(stopped.timeToFirstSec).toBeNull();
  });
});
