import { describe, expect, it } from 'vitest';
import { constructHubSweep } from '../../src/search/hub-sweep.js';
import { Evaluator } from '../../src/search/evaluator.js';
import { cappedComputeBound } from '../../src/search/compute-bound.js';
import { targetRates } from '../../src/search/construct.js';
import { createRng } from '../../src/search/rng.js';
import { loadCluster } from '../../src/spec/cluster.js';
import { randomSmallCluster } from '../fixtures/clusters.js';
import { handCluster } from './helpers.js';
import { join } from 'node:path';
import { repoRoot } from '../fixtures/cli.js';

describe('hub sweep construction', () => {
  it('fills a boundary with the pair of pieces that wastes least (hand-worked)', () => {
    // L = 2. A runs 1 layer at 100 or 2 at 60; B and C run one layer at 50. The best plan is
    // A on [0,2) (60) beside B -> C (50): 110. At boundary 0 the sweep sends 60 through A and
    // closes the remaining 50 with B; at boundary 1 the 50 goes on through C.
    const c = handCluster(2, [[100, 60], [50], [50]]);
    const l = constructHubSweep(c, 110, createRng(1), { minLayers: 1, jitter: 0 });
    expect(Array.from(l.start)).toEqual([0, 0, 1]);
    expect(Array.from(l.end)).toEqual([2, 1, 2]);
    expect(new Evaluator(c).score(l)).toBeCloseTo(110, 9);
  });

  it('stops where the machines run out: the flow is then what the exact max flow says', () => {
    const c = handCluster(3, [[100], [100]]);
    const l = constructHubSweep(c, 100, createRng(1), { minLayers: 1, jitter: 0 });
    expect(new Evaluator(c).score(l)).toBe(0);
  });

  it('reaches the proved optimum of single24 at its compute bound', () => {
    const c = loadCluster(join(repoRoot, 'clusters', 'single24.yaml'));
    const top = cappedComputeBound(c);
    const score = new Evaluator(c).score(constructHubSweep(c, top, createRng(1), { minLayers: 1, jitter: 0 }));
    expect(score).toBeGreaterThan(top * (1 - 1e-9));
  });

  it('gives valid layouts on random clusters and respects minLayers', () => {
    const rng = createRng(5);
    for (let seed = 1; seed <= 20; seed++) {
      const c = randomSmallCluster(seed, { nodes: 6, layers: 8, maxLayers: 4 });
      for (const tau of targetRates(1000, 6, 0.7)) {
        const l = constructHubSweep(c, tau, rng, { minLayers: 2, jitter: 0.2, merge: 0.1 });
        for (let i = 0; i < l.start.length; i++) {
          if (l.start[i] < 0) continue;
          expect(l.end[i]).toBeLessThanOrEqual(c.model.layers);
          expect(l.end[i] - l.start[i]).toBeGreaterThanOrEqual(2);
          expect(l.end[i] - l.start[i]).toBeLessThanOrEqual(c.nodes[i].capacity.length);
        }
      }
    }
  });
});
