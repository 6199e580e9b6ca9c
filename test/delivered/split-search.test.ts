import { describe, expect, it } from 'vitest';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { subCluster } from '../../src/graph/sub-cluster.js';
import { phaseTimes } from '../../src/delivered/model.js';
import { speedSplits } from '../../src/delivered/partition.js';
import { searchSplits } from '../../src/delivered/split-search.js';
import { loadCluster } from '../../src/spec/cluster.js';

describe('searchSplits', () => {
  it('on hetero42: one layout per speed split, joined from sides that each serve the whole model on their own', async () => {
    const cluster = loadCluster('clusters/hetero42.yaml');
    const times = phaseTimes(cluster);
    const splits = speedSplits(cluster, (gpu) => times.get(gpu)?.decode);
    expect(splits.length).toBeGreaterThan(0);
    const found = await searchSplits(cluster, { seed: 1, timeLimitSec: 0.4 * splits.length, minLayers: null, maxStages: null, partialInference: false, threads: 1 });
    expect(found.map((f) => f.label)).toEqual(splits.map((s) => s.label));
    for (const [k, f] of found.entries()) {
      expect(f.sides.map((side) => side.keep)).toEqual(splits[k].groups);
      const own = f.sides.map((side) => evaluatePlacement(subCluster(cluster, side.keep), side.placement).throughput);
      for (const t of own) expect(t).toBeGreaterThan(0);
      // The whole cluster carries at least both sides' own flows (more where paths cross), and the
      // joined layout keeps that value once the nodes its max flow leaves idle are dropped.
      expect(f.flow.throughput).toBeGreaterThanOrEqual(own[0] + own[1] - 1e-6);
      expect(evaluatePlacement(cluster, f.placement).throughput).toBeCloseTo(f.flow.throughput, 6);
      f.placement.forEach((r, i) => {
        if (r !== null) expect(f.sides.some((side) => side.keep.includes(i))).toBe(true);
      });
      expect(f.evaluations).toBeGreaterThan(0);
    }
  }, 60_000);

  it('finds nothing on single24, where no split of its types leaves both sides able to hold the model', async () => {
    const cluster = loadCluster('clusters/single24.yaml');
    expect(await searchSplits(cluster, { seed: 1, timeLimitSec: 1, minLayers: null, maxStages: null, partialInference: false, threads: 1 })).toEqual([]);
  });
});
