import { describe, expect, it } from 'vitest';
import { bestBound, cappedComputeBound, simpleComputeBound } from '../../src/search/bounds.js';
import { buildCluster } from '../../src/spec/build.js';
import { bruteForceOptimum, randomSmallCluster, testModel } from '../fixtures/clusters.js';

function clusterOf(layers: number, tables: number[][]) {
  return buildCluster({
    name: 'hand',
    model: testModel(layers),
    coordinatorRegion: 'r',
    nodes: tables.map((t, i) => ({ name: `n${i}`, gpu: 'X', region: 'r', vramBytes: 1e9, maxLayers: t.length, nicBytesPerSec: 0, throughput: t, profileSource: 'measured' as const })),
    link: () => ({ bandwidth: 1e12, latency: 0 }),
    coordinatorLink: () => ({ bandwidth: 1e12, latency: 0 }),
  });
}

describe('capped compute bound U', () => {
  it('equals the plain bound when no node is capped (hand-worked)', () => {
    // Two nodes, each best at 2 layers x 100 = 200; L = 4: F <= 400 / 4 = 100 <= every t(k).
    const c = clusterOf(4, [[150, 100], [150, 100]]);
    expect(simpleComputeBound(c)).toBeCloseTo(100, 9);
    expect(cappedComputeBound(c)).toBeCloseTo(100, 9);
  });

  it('caps a node that would carry more than the total flow (hand-worked)', () => {
    // L = 2. A: t = [1000, 900] (best 1800); B: t = [10, 5]. Plain: (1800 + 10) / 2 = 905.
    // Capped: 2F <= max(min(1000,F), 2 min(900,F)) + max(min(10,F), 2 min(5,F)); at F = 905 the
    // right side is 1800 + 10 = 1810 = 2F, and above it 1810 < 2F: U = 905, which A and B both
    // holding [0, 2) reach (900 + 5).
    const c = clusterOf(2, [[1000, 900], [10, 5]]);
    expect(simpleComputeBound(c)).toBeCloseTo(905, 9);
    expect(cappedComputeBound(c)).toBeCloseTo(905, 6);
    expect(bruteForceOptimum(c).throughput).toBeCloseTo(905, 6);
  });

  it('finds the top root where the slack is not monotone (bisection over [0, max t] would miss it)', () => {
    // Non-monotone table: 3 layers run faster than 2. L = 3, one node: t = [30, 5, 20].
    // Slack(F) = max(min(30,F), 2 min(5,F), 3 min(20,F)) - 3F: >= 0 up to F = 20 exactly.
    const c = clusterOf(3, [[30, 5, 20]]);
    expect(cappedComputeBound(c)).toBeCloseTo(20, 9);
    expect(bruteForceOptimum(c).throughput).toBeCloseTo(20, 9);
  });

  it('is never below the true optimum on random small clusters (regions, missing and binding links)', () => {
    let tight = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const c = randomSmallCluster(seed, {
        nodes: 3 + (seed % 2),
        layers: 3 + (seed % 3),
        maxLayers: 3,
        regions: 1 + (seed % 2),
        missingLinks: seed % 3 === 0 ? 0.3 : 0,
        missingCoordinator: seed % 5 === 0 ? 0.3 : 0,
        nonMonotone: seed % 2 === 0,
      });
      const truth = bruteForceOptimum(c).throughput;
      const b = bestBound(c);
      expect(b.value).toBeGreaterThanOrEqual(truth - 1e-6);
      expect(b.all.compute).toBeLessThanOrEqual(b.all.simple + 1e-9);
      if (Math.abs(b.value - truth) < 1e-6) tight++;
    }
    expect(tight).toBeGreaterThan(0);
  });
});
