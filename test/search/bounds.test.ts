import { describe, expect, it } from 'vitest';
import { bestBound, cappedComputeBound, roleBound, simpleComputeBound } from '../../src/search/bounds.js';
import { ruledOut } from '../../src/search/role-bound.js';
import { bruteForceOptimum, randomSmallCluster } from '../fixtures/clusters.js';
import { createRng } from '../../src/search/rng.js';
import { handCluster } from './helpers.js';

describe('capped compute bound U', () => {
  it('equals the plain bound when no node is capped (hand-worked)', () => {
    // Two nodes, each best at 2 layers x 100 = 200; L = 4: F <= 400 / 4 = 100 <= every t(k).
    const c = handCluster(4, [
      [150, 100],
      [150, 100],
    ]);
    expect(simpleComputeBound(c)).toBeCloseTo(100, 9);
    expect(cappedComputeBound(c)).toBeCloseTo(100, 9);
  });

  it('caps a node that would carry more than the total flow (hand-worked)', () => {
    // L = 2. A: t = [1000, 900] (best 1800); B: t = [10, 5]. Plain: (1800 + 10) / 2 = 905.
    // Capped: 2F <= max(min(1000,F), 2 min(900,F)) + max(min(10,F), 2 min(5,F)); at F = 905 the
    // right side is 1800 + 10 = 1810 = 2F: U = 905, reached by A and B both holding [0, 2).
    const c = handCluster(2, [
      [1000, 900],
      [10, 5],
    ]);
    expect(simpleComputeBound(c)).toBeCloseTo(905, 9);
    expect(cappedComputeBound(c)).toBeCloseTo(905, 9);
    expect(bruteForceOptimum(c).throughput).toBeCloseTo(905, 6);
  });

  it('solves a non-monotone table exactly, inside a linear piece (hand-worked)', () => {
    // L = 3. A: t = [200, 10, 40] (3 layers run faster than 2); B: t = [30].
    // g_A(F) = max(min(200,F), 2 min(10,F), 3 min(40,F)) = 3F up to 40, then 120 up to F = 120;
    // g_B(F) = min(30, F). On (40, 120): 120 + 30 - 3F >= 0 iff F <= 50, so U = 50 exactly,
    // while the plain bound is (200 + 30) / 3 = 76.67. The true optimum is 40 (A alone on [0, 3)).
    const c = handCluster(3, [[200, 10, 40], [30]]);
    expect(simpleComputeBound(c)).toBeCloseTo(230 / 3, 9);
    expect(cappedComputeBound(c)).toBe(50);
    expect(bruteForceOptimum(c).throughput).toBeCloseTo(40, 9);
  });

  it('is exact where U is the optimum, where a bisection stopping at a tolerance falls below it', () => {
    // L = 2, two nodes t = [90, 60]. g(F) = max(min(90,F), 2 min(60,F)) = 2F up to 60, then 120.
    // 2 g(F) >= 2F holds up to F = 120, so U = 120: both nodes on [0, 2) at 60 each reach it.
    const c = handCluster(2, [
      [90, 60],
      [90, 60],
    ]);
    const truth = bruteForceOptimum(c).throughput;
    expect(truth).toBeCloseTo(120, 9);
    expect(cappedComputeBound(c)).toBe(120);
    // A bisection on "slack >= 0" keeps its low end, so it stops below U: below the optimum here,
    // which would report a plan above its own bound.
    expect(bisectU(c, 1e-6)).toBeLessThan(truth);
  });

  it('restricts to the coordinator links when they are slower than the machines', () => {
    const c = handCluster(2, [[100, 80], [100, 80]], { coordinator: () => 30 });
    expect(cappedComputeBound(c)).toBeCloseTo(60, 9);
  });
});

/** One or two machine types, two or three copies each (four machines at most), links unlimited. */
function typedCluster(seed: number) {
  const rng = createRng(seed);
  const L = rng.int(2, 4);
  const tables: number[][] = [];
  for (let type = rng.int(1, 2); type > 0; type--) {
    const base = 100 + rng.next() * 900;
    const decay = 0.8 + rng.next() * 0.5;
    const table = Array.from({ length: rng.int(1, 3) }, (_, k) => base / (k + 1) ** decay);
    for (let copies = rng.int(2, 3); copies > 0; copies--) tables.push(table);
  }
  return handCluster(L, tables.slice(0, 4));
}

/** Bisection for the top root of slack(F) = sum_i max_k k min(t_i(k), F) - L F, as one would write it. */
function bisectU(c: ReturnType<typeof handCluster>, relTol: number): number {
  const L = c.model.layers;
  const slack = (F: number) => c.nodes.reduce((s, n) => s + Math.max(...n.capacity.map((t, k) => (k + 1) * Math.min(t, F))), 0) - L * F;
  let lo = 0;
  let hi = Math.max(...c.nodes.flatMap((n) => n.capacity)) * c.nodes.length;
  while (hi - lo > relTol * hi) {
    const mid = (lo + hi) / 2;
    if (slack(mid) >= 0) lo = mid;
    else hi = mid;
  }
  return lo;
}

describe('role bound', () => {
  it('rules out flows that need a layer nobody can cover at that rate (hand-worked)', () => {
    // The cluster above with U = 50: for F in (40, 50] only A on one layer runs at F, B never
    // does, so at most one layer has a lone holder; two more need sharing, and with two nodes
    // a shared layer leaves the other layers uncovered. The bound comes down to the optimum, 40.
    const c = handCluster(3, [[200, 10, 40], [30]]);
    expect(ruledOut(c, 41, 50)).toBe(true);
    const bound = roleBound(c);
    expect(bound).toBeGreaterThanOrEqual(40);
    expect(bound).toBeLessThan(40 * 1.002);
  });

  it('proves a gap below U where every pipeline must cross a slow link (hand-worked)', () => {
    // L = 4; regions a and b with two nodes each, every node holding at most 1 layer at 100;
    // links inside a region unlimited, across 20 tokens/s. Every pipeline needs all four nodes,
    // so it crosses regions once: the optimum is 20. U = 4 * 100 / 4 = 100. For F > 20 no chain
    // exists (the links >= F stay inside a region of two nodes), full nodes come from two regions
    // (two segments, so one thin node at most F/2), and 4 layers of at most F each, one of them
    // at F/2, give less than 4F: ruled out.
    const regions = ['a', 'a', 'b', 'b'];
    const c = handCluster(4, [[100], [100], [100], [100]], {
      regions,
      link: (i, j) => (regions[i] === regions[j] ? 1e9 : 20),
    });
    expect(bruteForceOptimum(c).throughput).toBeCloseTo(20, 9);
    expect(cappedComputeBound(c)).toBeCloseTo(100, 9);
    const role = roleBound(c);
    // The scan proves intervals 0.1% of U wide: the bound is the top of the one holding 20.
    expect(role).toBeGreaterThanOrEqual(20);
    expect(role).toBeLessThanOrEqual(20 + 0.001 * 100 + 1e-9);
  });

  it('keeps parallel pipelines inside regions possible (hand-worked)', () => {
    // The same regions, nodes t = [100, 100]: each region runs its own chain [0,2) -> [2,4) at 100,
    // 200 in all, which is U. The segment rule must not rule that out.
    const regions = ['a', 'a', 'b', 'b'];
    const c = handCluster(4, [[100, 100], [100, 100], [100, 100], [100, 100]], {
      regions,
      link: (i, j) => (regions[i] === regions[j] ? 1e9 : 20),
    });
    expect(bruteForceOptimum(c).throughput).toBeCloseTo(200, 9);
    expect(roleBound(c)).toBeCloseTo(200, 9);
  });
});

describe('every bound is valid (random small clusters vs brute force)', () => {
  // Regions, missing node and coordinator links, binding links, non-monotone tables.
  const cases = Array.from({ length: 200 }, (_, m) => {
    const seed = 1000 + m;
    return randomSmallCluster(seed, {
      nodes: 3 + (seed % 2),
      layers: 3 + (seed % 3),
      maxLayers: 3,
      regions: 1 + (seed % 3),
      missingLinks: [0, 0.2, 0.5][seed % 3],
      missingCoordinator: seed % 5 === 0 ? 0.3 : 0,
      nonMonotone: seed % 2 === 0,
    });
  });

  it('never falls below the optimum, and the role bound is never looser than U', () => {
    let roleTighter = 0;
    for (const c of cases) {
      const truth = bruteForceOptimum(c).throughput;
      const b = bestBound(c);
      expect(b.all.simple).toBeGreaterThanOrEqual(truth - 1e-6);
      expect(b.all.compute).toBeGreaterThanOrEqual(truth - 1e-6);
      expect(b.all.role).toBeGreaterThanOrEqual(truth - 1e-6);
      expect(b.all.compute).toBeLessThanOrEqual(b.all.simple + 1e-9);
      expect(b.all.role).toBeLessThanOrEqual(b.all.compute + 1e-9);
      expect(b.value).toBe(Math.min(...Object.values(b.all)));
      if (b.all.role < b.all.compute * 0.999) roleTighter++;
    }
    // Binding links are common in these clusters: the role bound must bite on a good share.
    expect(roleTighter).toBeGreaterThan(cases.length / 10);
  });

  it('U often equals the optimum where no link binds (a few identical machines per type)', () => {
    // With few machines, whole layers per machine keep the optimum below U at times; it should
    // still be exact on a good share.
    let tight = 0;
    const total = 50;
    for (let seed = 1; seed <= total; seed++) {
      const c = typedCluster(seed);
      const truth = bruteForceOptimum(c).throughput;
      const U = cappedComputeBound(c);
      expect(U).toBeGreaterThanOrEqual(truth - 1e-6);
      if (U <= truth * (1 + 1e-9)) tight++;
    }
    expect(tight).toBeGreaterThanOrEqual(total * 0.3);
  });

  it('stays valid with partial inference, where only the compute bounds apply', () => {
    for (const c of cases.slice(0, 60)) {
      const truth = bruteForceOptimum(c, true).throughput;
      const b = bestBound(c, { partialInference: true });
      expect(b.all.role).toBeUndefined();
      expect(b.value).toBeGreaterThanOrEqual(truth - 1e-6);
    }
  });
});
