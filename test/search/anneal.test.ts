import { describe, expect, it } from 'vitest';
import { applyMove, drawMove, MOVES } from '../../src/search/moves.js';
import { Annealer } from '../../src/search/anneal.js';
import { constructStages } from '../../src/search/construct.js';
import { cappedComputeBound } from '../../src/search/compute-bound.js';
import { Evaluator } from '../../src/search/evaluator.js';
import { layoutOf, placementOf } from '../../src/search/layout.js';
import { rulesOf } from '../../src/search/rules.js';
import { structuralDepth } from '../../src/search/depth.js';
import { createRng } from '../../src/search/rng.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { randomSmallCluster } from '../fixtures/clusters.js';
import { handCluster } from './helpers.js';

describe('moves', () => {
  it('shifts a whole boundary: every node ending there grows, every node starting there shrinks', () => {
    // L = 6: n0 [0,3), n1 [0,3) in parallel, then n2 [3,6). Only one boundary, 3.
    const c = handCluster(6, [[9, 9, 9, 9], [9, 9, 9, 9], [9, 9, 9, 9]]);
    const l = layoutOf([{ start: 0, end: 3 }, { start: 0, end: 3 }, { start: 3, end: 6 }]);
    const rng = createRng(1);
    let shifted = false;
    for (let t = 0; t < 20 && !shifted; t++) {
      const copy = { start: l.start.slice(), end: l.end.slice() };
      if (!applyMove('boundary', copy, { cluster: c, rng, cut: [], cutBias: 0 })) continue;
      const b = copy.end[0];
      expect(copy.end[1]).toBe(b);
      expect(copy.start[2]).toBe(b);
      expect([1, 2, 4, 5]).toContain(b);
      expect(copy.start[0]).toBe(0);
      expect(copy.end[2]).toBe(6);
      shifted = true;
    }
    expect(shifted).toBe(true);
  });

  it('draws every move now and then', () => {
    const rng = createRng(2);
    const seen = new Set<string>();
    for (let t = 0; t < 2000; t++) seen.add(drawMove(rng));
    expect([...seen].sort()).toEqual([...MOVES].sort());
  });
});

describe('Annealer', () => {
  it('is reproducible for a seed and a move budget, improves on its start, and its best is what it claims', () => {
    const c = randomSmallCluster(8, { nodes: 6, layers: 8, maxLayers: 4, regions: 2, missingLinks: 0.2 });
    const start = constructStages(c, cappedComputeBound(c) * 0.3, createRng(1), { minLayers: 1 });
    const startScore = new Evaluator(c).score(start);
    expect(startScore).toBeGreaterThan(0);
    const run = (seed: number) => {
      const ev = new Evaluator(c);
      const a = new Annealer(c, ev, rulesOf({}), createRng(seed));
      a.start(start, { moves: 3000 });
      while (!a.finished) a.step(100);
      return { best: placementOf(a.best), score: a.bestScore };
    };
    const x = run(4);
    expect(run(4)).toEqual(x);
    expect(x.score).toBeGreaterThan(startScore);
    expect(evaluatePlacement(c, x.best).throughput).toBeCloseTo(x.score, 9);
  });

  it('builds a flow from nothing where links do not get in the way', () => {
    const c = handCluster(4, [[50, 40], [50, 40], [50, 40], [50, 40]]);
    const ev = new Evaluator(c);
    const a = new Annealer(c, ev, rulesOf({}), createRng(2));
    a.start(layoutOf(c.nodes.map(() => null)), { moves: 3000 });
    while (!a.finished) a.step(100);
    // Optimum 80: two chains [0,2) -> [2,4) at 40 each (U = 4 * 80 / 4 = 80).
    expect(a.bestScore).toBeCloseTo(80, 9);
  });

  it('never accepts a layout that breaks minLayers or maxStages', () => {
    const c = randomSmallCluster(12, { nodes: 7, layers: 8, maxLayers: 4 });
    const rules = rulesOf({ minLayers: 2, maxStages: 3 });
    const start = constructStages(c, cappedComputeBound(c) * 0.3, createRng(1), { minLayers: 2, maxStages: 3 });
    const ev = new Evaluator(c);
    const seen: number[] = [];
    const a = new Annealer(c, ev, rules, createRng(9), (layout, score) => {
      for (let i = 0; i < layout.start.length; i++) if (layout.start[i] >= 0) expect(layout.end[i] - layout.start[i]).toBeGreaterThanOrEqual(2);
      expect(structuralDepth(c, layout)).toBeLessThanOrEqual(3);
      seen.push(score);
    });
    a.start(start, { moves: 4000 });
    while (!a.finished) a.step(500);
    expect(seen.length).toBeGreaterThan(1);
  });
});
