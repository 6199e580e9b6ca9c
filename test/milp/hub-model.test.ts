import { describe, expect, it } from 'vitest';
import { buildHubModel } from '../../src/milp/hub-model.js';
import { decodeHubSolution } from '../../src/milp/decode-hub.js';
import { toLpFormat } from '../../src/milp/lp-format.js';
import { getSolver } from '../../src/solvers/index.js';
import { cappedComputeBound } from '../../src/search/bounds.js';
import { findBindingLinks } from '../../src/graph/binding.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { flowDepth } from '../../src/plan/assemble.js';
import { bruteForceOptimum, randomSmallCluster } from '../fixtures/clusters.js';
import { buildCluster } from '../../src/spec/build.js';
import type { Cluster } from '../../src/spec/types.js';
import { renderError, type HelixError } from '../../src/errors.js';

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

describe('hub model', () => {
  it('records its named build steps with sizes', () => {
    const c = unbound(randomSmallCluster(1, { nodes: 3, layers: 5, maxLayers: 3 }));
    const m = buildHubModel(c, { cap: cappedComputeBound(c) });
    expect(m.steps.map((s) => s.name)).toEqual(['intervals', 'capacity', 'count', 'hub balance', 'objective']);
    expect(m.steps.reduce((s, x) => s + x.variables, 0)).toBe(m.variables.length);
    expect(m.steps.reduce((s, x) => s + x.rows, 0)).toBe(m.rows.length);
    expect(toLpFormat(m)).toMatch(/^Maximize[\s\S]*Subject To[\s\S]*General[\s\S]*End\n$/);
  });

  for (const solver of ['glpk', 'highs']) {
    it(`${solver}: equals the brute-force optimum where links never bind`, async () => {
      for (let seed = 1; seed <= 12; seed++) {
        const c = unbound(randomSmallCluster(seed, { nodes: 4, layers: 5, maxLayers: 3, nonMonotone: seed % 2 === 0, missingCoordinator: 0.2 }));
        const U = cappedComputeBound(c);
        expect(findBindingLinks(c, U).neverBind).toBe(true);
        const truth = bruteForceOptimum(c).throughput;
        const m = buildHubModel(c, { cap: U });
        const r = await getSolver(solver).solve(m, { timeLimitSec: 20 });
        expect(r.status).toBe(truth > 0 ? 'optimal' : r.status);
        const placement = decodeHubSolution(c, m, r.values);
        const verified = evaluatePlacement(c, placement).throughput;
        expect(verified).toBeCloseTo(truth, 4);
        expect(r.objective ?? 0).toBeCloseTo(truth, 4);
      }
    });
  }

  it('maxStages limits the depth of every path', async () => {
    const c = unbound(randomSmallCluster(5, { nodes: 5, layers: 6, maxLayers: 3 }));
    const U = cappedComputeBound(c);
    for (const maxStages of [2, 3]) {
      const m = buildHubModel(c, { cap: U, maxStages });
      const r = await getSolver('glpk').solve(m, { timeLimitSec: 20 });
      const p = decodeHubSolution(c, m, r.values);
      const flow = evaluatePlacement(c, p);
      expect(flowDepth(c, flow)).toBeLessThanOrEqual(maxStages);
      expect(flow.throughput).toBeCloseTo(r.objective ?? 0, 4);
    }
  });

  it('minLayers keeps every used node at or above the minimum', async () => {
    const c = unbound(randomSmallCluster(8, { nodes: 5, layers: 6, maxLayers: 3 }));
    const m = buildHubModel(c, { cap: cappedComputeBound(c), minLayers: 2 });
    const r = await getSolver('glpk').solve(m, { timeLimitSec: 20 });
    for (const range of decodeHubSolution(c, m, r.values)) if (range) expect(range.end - range.start).toBeGreaterThanOrEqual(2);
  });
});

describe('solvers', () => {
  const model = {
    name: 'tiny',
    sense: 'max' as const,
    objective: [{ name: 'x', coef: 3 }, { name: 'y', coef: 2 }],
    variables: [
      { name: 'x', kind: 'integer' as const, lb: 0, ub: 10 },
      { name: 'y', kind: 'continuous' as const, lb: 0, ub: Infinity },
    ],
    // x + y <= 4.5, x - y >= -1, y <= 3  -> optimum x = 4 (integer), y = 0.5: 12 + 1 = 13
    rows: [
      { name: 'a', terms: [{ name: 'x', coef: 1 }, { name: 'y', coef: 1 }], lb: -Infinity, ub: 4.5 },
      { name: 'b', terms: [{ name: 'x', coef: 1 }, { name: 'y', coef: -1 }], lb: -1, ub: Infinity },
      { name: 'c', terms: [{ name: 'y', coef: 1 }], lb: -Infinity, ub: 3 },
    ],
    steps: [],
  };
  for (const name of ['glpk', 'highs']) {
    it(`${name} solves a hand-worked MILP and reports infeasibility as a status`, async () => {
      const r = await getSolver(name).solve(model, { timeLimitSec: 5 });
      expect(r.status).toBe('optimal');
      expect(r.objective).toBeCloseTo(13, 6);
      expect(r.values.get('x')).toBeCloseTo(4, 6);
      const infeasible = { ...model, rows: [...model.rows, { name: 'd', terms: [{ name: 'x', coef: 1 }], lb: 20, ub: Infinity }] };
      const bad = await getSolver(name).solve(infeasible, { timeLimitSec: 5 });
      expect(bad.status).toBe('infeasible');
    });
  }

  it('rejects an unknown backend with the known names', () => {
    try {
      getSolver('gurobi');
      expect.unreachable();
    } catch (e) {
      expect(renderError(e as HelixError)).toMatch(/unknown solver "gurobi" \(expected glpk, highs\)/);
    }
  });
});
