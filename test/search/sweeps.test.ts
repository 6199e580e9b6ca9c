import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bestSweep, regionSweeps, type SweepContext } from '../../src/search/sweeps.js';
import { Evaluator } from '../../src/search/evaluator.js';
import { cappedComputeBound } from '../../src/search/compute-bound.js';
import { createRng } from '../../src/search/rng.js';
import { loadCluster } from '../../src/spec/cluster.js';
import { repoRoot } from '../fixtures/cli.js';
import { handCluster } from './helpers.js';

const context = (): SweepContext => ({ rng: createRng(1), minLayers: 1, stopped: () => false, pause: async () => {} });

describe('hub sweeps in the search', () => {
  it('reaches the proved optimum of single24 (its compute bound)', async () => {
    const c = loadCluster(join(repoRoot, 'clusters', 'single24.yaml'));
    const got = await bestSweep(c, context());
    expect(got!.score).toBeGreaterThan(cappedComputeBound(c) * (1 - 1e-9));
    expect(new Evaluator(c).score(got!.layout)).toBeCloseTo(got!.score, 6);
  });

  it('serves each region on its own where only the links between regions bind (hand-worked: 100 + 60)', async () => {
    // L = 2. Region a: two machines of 100 per layer; region b: two of 60. Across regions, 1 token/s.
    const regions = ['a', 'a', 'b', 'b'];
    const c = handCluster(2, [[100], [100], [60], [60]], { regions, link: (i, j) => (regions[i] === regions[j] ? 1e9 : 1) });
    const union = await regionSweeps(c, context());
    expect(new Evaluator(c).score(union!)).toBeCloseTo(160, 6);
  });

  it('has nothing to add on a one-region cluster or when every region has binding links inside', async () => {
    expect(await regionSweeps(handCluster(2, [[100], [100]]), context())).toBeNull();
    const regions = ['a', 'a', 'b', 'b'];
    const slow = handCluster(2, [[100], [100], [60], [60]], { regions, link: () => 1 });
    expect(await regionSweeps(slow, context())).toBeNull();
  });
});
