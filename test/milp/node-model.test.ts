import { describe, expect, it } from 'vitest';
import { buildNodeModel, decodeNodeSolution, nodeModelStart } from '../../src/milp/node-model.js';
import { getSolver } from '../../src/solvers/index.js';
import { cappedComputeBound } from '../../src/search/bounds.js';
import { findBindingLinks } from '../../src/graph/binding.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { flowDepth } from '../../src/plan/assemble.js';
import { bruteForceOptimum, randomSmallCluster, type SmallClusterOptions } from '../fixtures/clusters.js';
import type { LayerRange } from '../../src/spec/types.js';
import { bruteForceWithin, longestChain } from './depth-brute-force.js';

/** Clusters where links bind: two regions with slow links between them, some links missing. */
const shape = (seed: number): SmallClusterOptions => ({
  nodes: seed % 3 === 0 ? 3 : 4,
  layers: 4 + (seed % 3),
  maxLayers: 3,
  regions: 1 + (seed % 2),
  missingLinks: 0.25,
  missingCoordinator: 0.15,
  nonMonotone: seed % 2 === 0,
});

/** Small clusters with binding links and their brute-force optima (computed once). */
const cases = Array.from({ length: 8 }, (_, x) => {
  const cluster = randomSmallCluster(101 + x, shape(x + 1));
  let truth: number | null = null;
  return { cluster, truth: () => (truth ??= bruteForceOptimum(cluster).throughput) };
});

describe('per-node model', () => {
  it('is tested on clusters where links do bind', () => {
    const binding = cases.filter(({ cluster: c }) => !findBindingLinks(c, cappedComputeBound(c)).neverBind);
    expect(binding.length).toBeGreaterThanOrEqual(6);
  });

  for (const solver of ['glpk', 'highs']) {
    it(`${solver}: equals the brute-force optimum where links bind (regions, missing links)`, async () => {
      for (const { cluster: c, truth: exact } of solver === 'glpk' ? cases : cases.slice(0, 3)) {
        const U = cappedComputeBound(c);
        const truth = exact();
        const m = buildNodeModel(c, { cap: U });
        const r = await getSolver(solver).solve(m, { timeLimitSec: 20 });
        expect(r.status).toBe('optimal');
        expect(r.objective ?? 0).toBeCloseTo(truth, 4);
        const verified = evaluatePlacement(c, decodeNodeSolution(c, m, r.values)).throughput;
        expect(verified).toBeCloseTo(truth, 4);
      }
    });
  }

  it('splits nodes into hubs only where no link between them can bind', () => {
    const c = randomSmallCluster(7, { nodes: 4, layers: 5, maxLayers: 3, regions: 2 });
    const m = buildNodeModel(c, { cap: cappedComputeBound(c) });
    expect(m.groups.flat().sort()).toEqual([0, 1, 2, 3]);
    // Cross-region links (50-450 tokens/s against tables of 200-2000) can bind: never one hub.
    for (const g of m.groups) expect(new Set(g.map((i) => c.nodes[i].region)).size).toBe(1);
    expect(m.steps.find((s) => s.name === 'pair flows')!.variables).toBeGreaterThan(0);
  });

  it('keeps fixed nodes where they are and re-optimises only the free ones', async () => {
    const c = randomSmallCluster(204, { nodes: 4, layers: 5, maxLayers: 3, regions: 2, missingLinks: 0.2 });
    const U = cappedComputeBound(c);
    const best = bruteForceOptimum(c);
    // Fixing half the nodes at an optimal placement leaves the optimum reachable.
    const fixed = new Map<number, LayerRange | null>([[0, best.placement[0]], [1, best.placement[1]]]);
    const m = buildNodeModel(c, { cap: U, fixed });
    expect(m.intervals[0].length).toBe(best.placement[0] ? 1 : 0);
    const r = await getSolver('glpk').solve(m, { timeLimitSec: 10 });
    const p = decodeNodeSolution(c, m, r.values);
    expect(p[0]).toEqual(best.placement[0]);
    expect(p[1]).toEqual(best.placement[1]);
    expect(r.objective ?? 0).toBeCloseTo(best.throughput, 4);
    expect(evaluatePlacement(c, p).throughput).toBeCloseTo(best.throughput, 4);

    // Fixing every node reproduces the max flow of that placement exactly.
    const off: (LayerRange | null)[] = [{ start: 0, end: 2 }, { start: 2, end: 5 }, null, { start: 0, end: 1 }];
    const all = new Map(off.map((r, i) => [i, r] as const));
    const only = await getSolver('glpk').solve(buildNodeModel(c, { cap: U, fixed: all }), { timeLimitSec: 10 });
    expect(only.objective ?? 0).toBeCloseTo(evaluatePlacement(c, off).throughput, 6);
  });

  it('takes only allowed intervals, and rejects fixed ranges outside the model', async () => {
    const c = randomSmallCluster(31, { nodes: 3, layers: 4, maxLayers: 3 });
    const allowed = new Map<number, LayerRange[]>([[0, [{ start: 0, end: 2 }, { start: 1, end: 3 }]]]);
    const m = buildNodeModel(c, { cap: cappedComputeBound(c), allowed });
    expect(c.nodes[0].capacity.length).toBeGreaterThanOrEqual(2);
    expect(m.intervals[0].map((iv) => [iv.start, iv.end])).toEqual([[0, 2], [1, 3]]);
    expect(m.intervals[1].length).toBeGreaterThan(2);
    const r = await getSolver('glpk').solve(m, { timeLimitSec: 10 });
    const p = decodeNodeSolution(c, m, r.values);
    if (p[0]) expect(allowed.get(0)!.some((a) => a.start === p[0]!.start && a.end === p[0]!.end)).toBe(true);
    expect(() => buildNodeModel(c, { cap: 1000, fixed: new Map([[0, { start: 2, end: 9 }]]) })).toThrow(RangeError);
  });

  it('minLayers and maxStages hold on the decoded plan', async () => {
    const c = randomSmallCluster(52, { nodes: 4, layers: 6, maxLayers: 3, regions: 2, missingLinks: 0.1 });
    const U = cappedComputeBound(c);
    const m = buildNodeModel(c, { cap: U, minLayers: 2, maxStages: 3 });
    expect(m.steps.map((s) => s.name)).toContain('depth');
    const r = await getSolver('highs').solve(m, { timeLimitSec: 10 });
    expect(r.status).toBe('optimal');
    const p = decodeNodeSolution(c, m, r.values);
    for (const range of p) if (range) expect(range.end - range.start).toBeGreaterThanOrEqual(2);
    const flow = evaluatePlacement(c, p);
    expect(flow.throughput).toBeCloseTo(r.objective ?? 0, 4);
    if (flow.throughput > 0) expect(flowDepth(c, flow)).toBeLessThanOrEqual(3);
  });

  it('maxStages gives the brute-force optimum among plans within the limit, links binding or not', async () => {
    let limiting = 0;
    for (const { cluster: c, truth } of cases.slice(0, 4)) {
      const m = buildNodeModel(c, { cap: cappedComputeBound(c), maxStages: 2 });
      const r = await getSolver('glpk').solve(m, { timeLimitSec: 20 });
      expect(r.status).toBe('optimal');
      const within = bruteForceWithin(c, 2);
      if (within < truth() - 1e-6) limiting++;
      expect(r.objective ?? 0).toBeCloseTo(within, 4);
      expect(longestChain(decodeNodeSolution(c, m, r.values))).toBeLessThanOrEqual(2);
    }
    expect(limiting).toBeGreaterThan(0);
  });

  it('accepts a known placement as a MIP start on HiGHS and still proves the optimum', async () => {
    const c = randomSmallCluster(117, shape(5));
    const U = cappedComputeBound(c);
    const best = bruteForceOptimum(c);
    const m = buildNodeModel(c, { cap: U });
    const start = nodeModelStart(m, best.placement);
    expect([...start.values()].filter((v) => v === 1).length).toBe(best.placement.filter(Boolean).length);
    const seen: number[] = [];
    const r = await getSolver('highs').solve(m, { timeLimitSec: 10, start, onProgress: (p) => p.incumbent !== null && seen.push(p.incumbent) });
    expect(r.status).toBe('optimal');
    expect(r.objective ?? 0).toBeCloseTo(best.throughput, 4);
    expect(r.bound ?? Infinity).toBeGreaterThanOrEqual((r.objective ?? 0) - 1e-6);
  });

  it('records its steps and their sizes', () => {
    const c = randomSmallCluster(3, { nodes: 3, layers: 4, maxLayers: 2, regions: 2 });
    const m = buildNodeModel(c, { cap: cappedComputeBound(c) });
    expect(m.steps.map((s) => s.name)).toEqual(['intervals', 'capacity', 'one interval', 'pair flows', 'pair limits', 'hub balance', 'symmetry', 'objective']);
    expect(m.steps.reduce((s, x) => s + x.variables, 0)).toBe(m.variables.length);
    expect(m.steps.reduce((s, x) => s + x.rows, 0)).toBe(m.rows.length);
  });
});
