import { describe, expect, it } from 'vitest';
import { buildHubModel } from '../../src/milp/hub-model.js';
import { decodeHubSolution, encodeHubStart } from '../../src/milp/decode-hub.js';
import type { MilpModel } from '../../src/milp/model.js';
import { toLpFormat } from '../../src/milp/lp-format.js';
import { withObjectiveFloor } from '../../src/milp/model.js';
import { getSolver } from '../../src/solvers/index.js';
import { cappedComputeBound } from '../../src/search/bounds.js';
import { findBindingLinks } from '../../src/graph/binding.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { flowDepth } from '../../src/plan/assemble.js';
import { bruteForceOptimum, randomSmallCluster } from '../fixtures/clusters.js';
import { buildCluster } from '../../src/spec/build.js';
import type { Cluster } from '../../src/spec/types.js';
import { bruteForceWithin, longestChain } from './depth-brute-force.js';

/** The same cluster with every link fast enough that none can bind. */
function unbound(c: Cluster): Cluster {
  return buildCluster({
    name: c.name,
    model: c.model,
    coordinatorRegion: 'r0',
    nodes: c.nodes.map((n) => ({ ...n, throughput: n.capacity, profileSource: 'measured' as const })),
    link: () => ({ bandwidth: 1e12, latency: 0 }),
    coordinatorLink: (i) => (c.sourceCapacity[i] > 0 ? { bandwidth: 1e9, latency: 0 } : null),
  });
}

/** Random small clusters without binding links, with their brute-force optima (computed once). */
const cases = Array.from({ length: 10 }, (_, x) => {
  const seed = x + 1;
  const cluster = unbound(randomSmallCluster(seed, { nodes: 4, layers: 5, maxLayers: 3, nonMonotone: seed % 2 === 0, missingCoordinator: 0.2 }));
  let truth: number | null = null;
  return { seed, cluster, truth: () => (truth ??= bruteForceOptimum(cluster).throughput) };
});

/** Whether values meet every bound and row of a model (integers within a hair). */
function feasible(m: MilpModel, values: ReadonlyMap<string, number>): boolean {
  const tol = 1e-6;
  for (const v of m.variables) {
    const x = values.get(v.name) ?? 0;
    if (x < v.lb - tol || x > v.ub + tol) return false;
    if (v.kind !== 'continuous' && Math.abs(x - Math.round(x)) > tol) return false;
  }
  return m.rows.every((r) => {
    const sum = r.terms.reduce((s, t) => s + t.coef * (values.get(t.name) ?? 0), 0);
    return sum >= r.lb - tol * (1 + Math.abs(r.lb)) && sum <= r.ub + tol * (1 + Math.abs(r.ub));
  });
}

describe('hub model', () => {
  it('takes the brute-force optimum and its max flow as a feasible start worth the same', () => {
    for (const { cluster: c, truth } of cases.slice(0, 6)) {
      const m = buildHubModel(c, { cap: cappedComputeBound(c) });
      const placement = bruteForceOptimum(c).placement;
      const flow = evaluatePlacement(c, placement);
      const start = encodeHubStart(m, placement, flow.nodeFlow)!;
      expect(feasible(m, start)).toBe(true);
      expect(m.objective.reduce((s, t) => s + t.coef * (start.get(t.name) ?? 0), 0)).toBeCloseTo(truth(), 6);
      // Members of a class are interchangeable, so only the number of machines used must match.
      expect(decodeHubSolution(c, m, start).filter((r) => r !== null)).toHaveLength(Array.from(flow.nodeFlow).filter((f) => f > 0).length);
    }
  });

  it('records its named build steps with sizes', () => {
    const c = unbound(randomSmallCluster(1, { nodes: 3, layers: 5, maxLayers: 3 }));
    const m = buildHubModel(c, { cap: cappedComputeBound(c) });
    expect(m.steps.map((s) => s.name)).toEqual(['intervals', 'capacity', 'count', 'hub balance', 'objective']);
    expect(m.steps.reduce((s, x) => s + x.variables, 0)).toBe(m.variables.length);
    expect(m.steps.reduce((s, x) => s + x.rows, 0)).toBe(m.rows.length);
    // One count and one flow per (class, start, length) interval, one capacity row each.
    expect(m.steps[0].variables).toBe(2 * m.steps[1].rows);
    expect(toLpFormat(m)).toMatch(/^Maximize[\s\S]*Subject To[\s\S]*General[\s\S]*End\n$/);
  });

  for (const solver of ['glpk', 'highs']) {
    it(`${solver}: equals the brute-force optimum where links never bind`, async () => {
      for (const { cluster: c, truth } of solver === 'glpk' ? cases : cases.slice(0, 3)) {
        const U = cappedComputeBound(c);
        expect(findBindingLinks(c, U).neverBind).toBe(true);
        const m = buildHubModel(c, { cap: U });
        const r = await getSolver(solver).solve(m, { timeLimitSec: 20 });
        expect(r.status).toBe('optimal');
        const verified = evaluatePlacement(c, decodeHubSolution(c, m, r.values)).throughput;
        expect(verified).toBeCloseTo(truth(), 4);
        expect(r.objective ?? 0).toBeCloseTo(truth(), 4);
      }
    });
  }

  it('counts identical nodes as one class', () => {
    const base = randomSmallCluster(9, { nodes: 1, layers: 4, maxLayers: 3 });
    const node = { ...base.nodes[0], throughput: base.nodes[0].capacity, profileSource: 'measured' as const };
    const c = buildCluster({
      name: 'twins', model: base.model, coordinatorRegion: 'r0',
      nodes: [node, { ...node, name: 'b' }, { ...node, name: 'c', region: 'r1' }],
      link: () => ({ bandwidth: 1e12, latency: 0 }),
      coordinatorLink: () => ({ bandwidth: 1e9, latency: 0 }),
    });
    const m = buildHubModel(c, { cap: cappedComputeBound(c) });
    expect(m.classes.map((k) => k.members)).toEqual([[0, 1], [2]]);
    expect(m.variables.find((v) => v.name.startsWith('n_0_'))!.ub).toBe(2);
  });

  it('an objective floor above the optimum makes the model infeasible (a proof), below it changes nothing', async () => {
    const { cluster: c, truth } = cases[2];
    const m = buildHubModel(c, { cap: cappedComputeBound(c) });
    for (const solver of ['glpk', 'highs']) {
      const above = await getSolver(solver).solve(withObjectiveFloor(m, truth() * 1.001), { timeLimitSec: 10 });
      expect(above.status).toBe('infeasible');
      const below = await getSolver(solver).solve(withObjectiveFloor(m, truth() * 0.9), { timeLimitSec: 10 });
      expect(below.status).toBe('optimal');
      expect(below.objective ?? 0).toBeCloseTo(truth(), 4);
    }
  });

  it('maxStages limits the depth of every path', async () => {
    const c = unbound(randomSmallCluster(5, { nodes: 5, layers: 6, maxLayers: 3 }));
    const U = cappedComputeBound(c);
    let previous = Infinity;
    for (const maxStages of [2, 3]) {
      const m = buildHubModel(c, { cap: U, maxStages });
      expect(m.steps.map((s) => s.name)).toContain('depth');
      const r = await getSolver('glpk').solve(m, { timeLimitSec: 20 });
      const flow = evaluatePlacement(c, decodeHubSolution(c, m, r.values));
      expect(flowDepth(c, flow)).toBeLessThanOrEqual(maxStages);
      expect(flow.throughput).toBeCloseTo(r.objective ?? 0, 4);
      previous = flow.throughput;
    }
    // A looser limit never does worse than a tighter one, and no limit never worse than either.
    const free = await getSolver('glpk').solve(buildHubModel(c, { cap: U }), { timeLimitSec: 20 });
    expect(free.objective!).toBeGreaterThanOrEqual(previous - 1e-6);
  });

  it('maxStages is exact: the best plan whose chains of intervals have at most that many stages', async () => {
    let limiting = 0;
    for (const { cluster: c, truth } of cases.slice(3, 6)) {
      const U = cappedComputeBound(c);
      for (const maxStages of [2, 3]) {
        const m = buildHubModel(c, { cap: U, maxStages });
        const r = await getSolver('glpk').solve(m, { timeLimitSec: 20 });
        expect(r.status).toBe('optimal');
        const within = bruteForceWithin(c, maxStages);
        if (within < truth() - 1e-6) limiting++;
        expect(r.objective ?? 0).toBeCloseTo(within, 4);
        const placement = decodeHubSolution(c, m, r.values);
        expect(longestChain(placement)).toBeLessThanOrEqual(maxStages);
      }
    }
    expect(limiting).toBeGreaterThan(0);
  });

  it('minLayers keeps every used node at or above the minimum', async () => {
    const c = unbound(randomSmallCluster(8, { nodes: 5, layers: 6, maxLayers: 3 }));
    const m = buildHubModel(c, { cap: cappedComputeBound(c), minLayers: 2 });
    const r = await getSolver('glpk').solve(m, { timeLimitSec: 20 });
    expect(r.status).toBe('optimal');
    const placement = decodeHubSolution(c, m, r.values);
    expect(placement.some(Boolean)).toBe(true);
    for (const range of placement) if (range) expect(range.end - range.start).toBeGreaterThanOrEqual(2);
  });
});
