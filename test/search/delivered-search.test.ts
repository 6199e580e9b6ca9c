import { describe, expect, it } from 'vitest';
import { searchObjective } from '../../src/search/delivered-search.js';
import { Annealer } from '../../src/search/anneal.js';
import { Evaluator } from '../../src/search/evaluator.js';
import { layoutOf, type Layout } from '../../src/search/layout.js';
import { createRng } from '../../src/search/rng.js';
import { rulesOf } from '../../src/search/rules.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { flowDepth } from '../../src/plan/assemble.js';
import { handCluster } from './helpers.js';
import type { Placement } from '../../src/spec/types.js';

// Four equal nodes, 4 layers, each able to hold every layer (100 tokens/s at any size here).
const equal = () => handCluster(4, [0, 1, 2, 3].map(() => [100, 100, 100, 100]));
const chain: Placement = [0, 1, 2, 3].map((i) => ({ start: i, end: i + 1 }));
const used = (l: Layout) => l.start.filter((s) => s >= 0).length;
/** Max flow over depth: rewards shallow, wide layouts, which max flow alone does not. */
const flowPerStage = (cluster: ReturnType<typeof equal>) => (l: Layout, flow: number) => {
  const placement = Array.from(l.start, (s, i) => (s < 0 ? null : { start: s, end: l.end[i] }));
  const depth = flowDepth(cluster, evaluatePlacement(cluster, placement));
  return depth > 0 ? flow / depth : 0;
};

describe('Annealer with a LayoutObjective', () => {
  it('maximises the objective, not the flow: a chain becomes parallel replicas', () => {
    const c = equal();
    const a = new Annealer(c, new Evaluator(c), rulesOf({}), createRng(3), undefined, flowPerStage(c));
    a.start(layoutOf(chain), { moves: 3000 });
    // The chain carries 100 tokens/s over 4 stages (25 per stage); four one-node replicas carry
    // 400 over one stage.
    expect(a.bestScore).toBeGreaterThanOrEqual(25);
    while (!a.finished) a.step(500);
    expect(a.bestScore).toBeCloseTo(400, 6);
    expect(used(a.best)).toBe(4);
    for (let i = 0; i < 4; i++) expect([a.best.start[i], a.best.end[i]]).toEqual([0, 4]);
  });
});

describe('searchObjective', () => {
  it('seeds that all score 0 (no KV-cache room anywhere) end in no layouts, not a crash, and a better layout found from them is kept', async () => {
    const c = equal();
    const seeds: Placement[] = [chain, [{ start: 0, end: 2 }, { start: 2, end: 4 }, null, null]];
    // Nothing scores: the search once read the best of an empty pool.
    const none = await searchObjective(c, { objective: () => 0, seeds, seed: 1, timeLimitSec: 60, maxEvaluations: 2000, minLayers: null, maxStages: null, partialInference: false });
    expect(none.best).toEqual([]);
    // Only layouts of at most two stages score: none of the seeds, but the search reaches some.
    const shallow = (l: Layout, flow: number) => {
      const placement = Array.from(l.start, (st, i) => (st < 0 ? null : { start: st, end: l.end[i] }));
      return flowDepth(c, evaluatePlacement(c, placement)) <= 1 ? flow : 0;
    };
    const found = await searchObjective(c, { objective: shallow, seeds: [chain], seed: 2, timeLimitSec: 60, maxEvaluations: 4000, minLayers: null, maxStages: null, partialInference: false });
    expect(found.best.length).toBeGreaterThan(0);
  });

  it('beats its seeds, returns layouts within the rules, and is reproducible for a seed and budget', async () => {
    const c = equal();
    const run = (seed: number) =>
      searchObjective(c, { objective: flowPerStage(c), seeds: [chain], seed, timeLimitSec: 60, maxEvaluations: 4000, minLayers: 2, maxStages: 3, partialInference: false });
    // The chain itself breaks --min-layers 2, so there is no seed to start from.
    expect((await run(1)).best).toEqual([]);
    const pairs: Placement = [{ start: 0, end: 2 }, { start: 2, end: 4 }, null, null];
    const go = (seed: number) =>
      searchObjective(c, { objective: flowPerStage(c), seeds: [pairs], seed, timeLimitSec: 60, maxEvaluations: 4000, minLayers: 2, maxStages: 3, partialInference: false });
    const a = await go(5);
    expect(a.best.length).toBeGreaterThan(0);
    // The seed: 100 tokens/s over 2 stages.
    expect(a.best[0].score).toBeGreaterThan(50);
    expect(a.best[0].from).toBe(0);
    for (const b of a.best) {
      const flow = evaluatePlacement(c, b.placement);
      expect(flowDepth(c, flow)).toBeLessThanOrEqual(3);
      for (const r of b.placement) if (r) expect(r.end - r.start).toBeGreaterThanOrEqual(2);
      expect(flowPerStage(c)(layoutOf(b.placement), flow.throughput)).toBeCloseTo(b.score, 6);
    }
    const again = await go(5);
    expect(again.best).toEqual(a.best);
    expect(again.evaluations).toBe(a.evaluations);
  });

  it('reports nothing when no seed can be improved on', async () => {
    const c = equal();
    const best: Placement = [0, 1, 2, 3].map(() => ({ start: 0, end: 4 }));
    const r = await searchObjective(c, { objective: flowPerStage(c), seeds: [best], seed: 1, timeLimitSec: 60, maxEvaluations: 1500, minLayers: null, maxStages: null, partialInference: false });
    expect(r.best).toEqual([]);
    expect(r.evaluations).toBeGreaterThan(0);
  });

  it('ends by itself once runs stop improving, with the patience it promised', async () => {
    const c = equal();
    // Four one-node replicas are the optimum (400): nothing after the first gains.
    const best: Placement = [0, 1, 2, 3].map(() => ({ start: 0, end: 4 }));
    const r = await searchObjective(c, { objective: flowPerStage(c), seeds: [chain, best], seed: 1, timeLimitSec: 600, movesPerRun: 50, stallRuns: 6, minLayers: null, maxStages: null, partialInference: false });
    expect(r.stalled).toBe(true);
    // Two seed runs, then at least six quiet ones, but no more than the last gain's index allows.
    expect(r.runs).toBeGreaterThanOrEqual(2 + 6 - 1);
    // Whatever it kept beats the chain it started from (25 per stage).
    expect(r.best[0].score).toBeGreaterThan(25);
    const endless = await searchObjective(c, { objective: flowPerStage(c), seeds: [chain, best], seed: 1, timeLimitSec: 600, movesPerRun: 50, maxEvaluations: 3000, minLayers: null, maxStages: null, partialInference: false });
    expect(endless.stalled).toBe(false);
    expect(endless.runs).toBeGreaterThan(r.runs);
  });

  it('keeps to its time limit when one score takes long: steps shrink to the score time', async () => {
    // Twelve nodes and 12 layers: layouts rarely repeat, so nearly every move is scored.
    const c = handCluster(12, Array.from({ length: 12 }, (_, i) => Array.from({ length: 12 }, (_, k) => 100 + 10 * i - 5 * k)));
    const seed: Placement = Array.from({ length: 12 }, (_, i) => ({ start: i, end: i + 1 }));
    let calls = 0;
    // 20 ms a score (a 1,000-node cluster takes 50-150 ms): 64 moves a step would run over a second.
    const slow = (l: Layout, flow: number) => {
      calls++;
      const until = performance.now() + 20;
      while (performance.now() < until);
      return flowPerStage(c)(l, flow);
    };
    await searchObjective(c, { objective: slow, seeds: [seed], seed: 1, timeLimitSec: 0.2, minLayers: null, maxStages: null, partialInference: false });
    expect(calls).toBeGreaterThan(1);
    expect(calls).toBeLessThan(40);
  });
});
