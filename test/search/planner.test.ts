import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DEFAULT_PLANNER_OPTIONS, planCluster, type PlannerOptions } from '../../src/search/planner.js';
import { runBaselines } from '../../src/search/baselines/index.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { loadCluster } from '../../src/spec/cluster.js';
import { bruteForceOptimum, randomSmallCluster } from '../fixtures/clusters.js';
import { repoRoot } from '../fixtures/cli.js';
import { flowDepth } from '../../src/plan/assemble.js';
import { depthChains } from '../../src/search/depth-chains.js';

const base: PlannerOptions = { ...DEFAULT_PLANNER_OPTIONS, timeLimitSec: 3 };

describe('planCluster', () => {
  it('finds the brute-force optimum on small random clusters, and its bound is never below it', async () => {
    for (let seed = 1; seed <= 8; seed++) {
      const c = randomSmallCluster(seed, { nodes: 4, layers: 5, maxLayers: 3, regions: seed % 2 ? 1 : 2, missingLinks: 0.1, nonMonotone: true });
      const truth = bruteForceOptimum(c).throughput;
      const r = await planCluster(c, { ...base, timeLimitSec: 1.5, seed });
      expect(r.throughput).toBeCloseTo(truth, 4);
      expect(r.bound.value).toBeGreaterThanOrEqual(truth - 1e-6);
      expect(evaluatePlacement(c, r.placement).throughput).toBeCloseTo(r.throughput, 6);
    }
  });

  it('proves single24 optimal with the hub MILP', async () => {
    const c = loadCluster(join(repoRoot, 'clusters', 'single24.yaml'));
    const r = await planCluster(c, { ...base, timeLimitSec: 20 });
    expect(r.status).toBe('optimal');
    expect(r.throughput).toBeGreaterThan(1289.6 * 1.5); // the published plan's max flow, well beaten
    expect((r.bound.value - r.throughput) / r.bound.value).toBeLessThanOrEqual(1e-4 + 1e-9);
  });

  it('never returns less than the best baseline', async () => {
    const c = loadCluster(join(repoRoot, 'clusters', 'geo3.yaml'));
    const best = Math.max(...runBaselines(c).map((b) => b.throughput));
    const r = await planCluster(c, { ...base, timeLimitSec: 2 });
    expect(r.throughput).toBeGreaterThanOrEqual(best - 1e-6);
    expect(r.throughput).toBeGreaterThan(0);
  });

  it('honours --max-stages and --min-layers', async () => {
    const c = loadCluster(join(repoRoot, 'clusters', 'single24.yaml'));
    const r = await planCluster(c, { ...base, timeLimitSec: 4, maxStages: 12, minLayers: 4 });
    expect(r.throughput).toBeGreaterThan(0);
    expect(flowDepth(c, r.flow)).toBeLessThanOrEqual(12);
    for (const range of r.placement) if (range) expect(range.end - range.start).toBeGreaterThanOrEqual(4);
  });

  it('stops once the MILP proves the --max-stages optimum, at least as good as any placement that shallow', async () => {
    // Seeds whose links cannot bind, so the hub MILP is exact (seed 1: nothing fits in 2 stages).
    for (const seed of [1, 2, 3]) {
      const c = randomSmallCluster(seed, { nodes: 4, layers: 5, maxLayers: 3, regions: 1, missingLinks: 0, nonMonotone: true });
      const shallow = bruteForceOptimum(c, false, (flow) => flowDepth(c, flow) <= 2).throughput;
      const r = await planCluster(c, { ...base, timeLimitSec: 30, maxStages: 2, seed });
      expect(r.status).toBe(shallow > 0 ? 'optimal' : 'no-flow');
      if (shallow === 0) continue;
      expect(r.stats.notes).toContain("optimal under --max-stages 2 (proved by the MILP); the bound is the unlimited problem's");
      expect(flowDepth(c, r.flow)).toBeLessThanOrEqual(2);
      expect(r.throughput).toBeGreaterThanOrEqual(shallow - 1e-6);
    }
  });

  it('takes the depth chains that carry the most within the controls as a floor, trying the largest first', async () => {
    // With no time to search, the plan is the best of the floors; the depth chains' part must be
    // what offering every nested set in turn would keep.
    let compared = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const c = randomSmallCluster(seed, { nodes: 10, layers: 6, maxLayers: 3, regions: 1 + (seed % 2), missingLinks: 0.2 });
      const o = { ...base, timeLimitSec: 0, maxStages: 3, minLayers: 2 };
      let floor = 0;
      for (const p of depthChains(c, o)) {
        const raw = evaluatePlacement(c, p);
        const kept = p.map((r, i) => (raw.nodeFlow[i] > 1e-9 ? r : null));
        const flow = evaluatePlacement(c, kept);
        if (flowDepth(c, flow) <= 3) floor = Math.max(floor, flow.throughput);
      }
      if (floor === 0) continue;
      const r = await planCluster(c, o);
      expect(r.throughput, `seed ${seed}`).toBeGreaterThanOrEqual(floor - 1e-6);
      expect(flowDepth(c, r.flow)).toBeLessThanOrEqual(3);
      compared++;
    }
    expect(compared).toBeGreaterThan(3);
  });

  it('takes baselines already run as its floor instead of running them again', async () => {
    const c = randomSmallCluster(2, { nodes: 4, layers: 5, maxLayers: 3, regions: 1, missingLinks: 0, nonMonotone: true });
    const baselines = runBaselines(c);
    const r = await planCluster(c, { ...base, timeLimitSec: 1, baselines });
    expect(r.baselines).toBe(baselines);
    expect(r.throughput).toBeGreaterThanOrEqual(Math.max(...baselines.map((b) => b.throughput)) - 1e-6);
  });

  it('returns what it has when interrupted', async () => {
    const c = loadCluster(join(repoRoot, 'clusters', 'geo3.yaml'));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const t0 = performance.now();
    const r = await planCluster(c, { ...base, timeLimitSec: 60, signal: controller.signal });
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(r.status).toBe('interrupted');
    expect(r.throughput).toBeGreaterThan(0);
  });
});

describe('planCluster stopping rules', () => {
  it('stops on --stall once within --stall-within of the bound, and says so', async () => {
    const c = loadCluster(join(repoRoot, 'clusters', 'geo3.yaml'));
    const t0 = performance.now();
    const r = await planCluster(c, { ...base, timeLimitSec: 60, stallSec: 1, stallWithin: 0.9 });
    expect(r.status).toBe('stalled');
    expect(performance.now() - t0).toBeLessThan(30_000);
  });

  it('passes the best baseline to GLPK as an objective floor and still proves the optimum', async () => {
    const c = loadCluster(join(repoRoot, 'clusters', 'tiny.yaml'));
    const lines: string[] = [];
    const r = await planCluster(c, { ...base, timeLimitSec: 10, log: (l) => lines.push(l) });
    expect(lines.some((l) => /\(floor \d/.test(l))).toBe(true);
    expect(r.status).toBe('optimal');
  });
});
