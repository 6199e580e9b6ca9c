import { describe, expect, it } from 'vitest';
import { climb } from '../../src/search/climb.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { flowDepth } from '../../src/plan/assemble.js';
import { layoutOf, placementOf, type Layout } from '../../src/search/layout.js';
import { layoutAllowed, rulesOf } from '../../src/search/rules.js';
import { handCluster } from './helpers.js';
import type { Placement } from '../../src/spec/types.js';

// Four equal nodes, 4 layers, each able to hold every layer (100 tokens/s at any size here).
const equal = () => handCluster(4, [0, 1, 2, 3].map(() => [100, 100, 100, 100]));
const chain: Placement = [0, 1, 2, 3].map((i) => ({ start: i, end: i + 1 }));
/** Max flow over depth: a score max flow alone does not reward (a chain scores 25, four replicas 400). */
const flowPerStage = (cluster: ReturnType<typeof equal>) => (l: Layout) => {
  const flow = evaluatePlacement(cluster, placementOf(l));
  const depth = flowDepth(cluster, flow);
  return depth > 0 ? flow.throughput / depth : 0;
};
const base = { seed: 1, timeLimitSec: 60, minLayers: null, maxStages: null, partialInference: false };

describe('climb', () => {
  it('only keeps strict gains: the layout it returns scores what it reports, above its start', async () => {
    const c = equal();
    const score = flowPerStage(c);
    const start = layoutOf(chain);
    const r = await climb(c, { ...base, starts: [{ layout: start, score: score(start) }], score, maxScored: 400 });
    expect(r.best).not.toBeNull();
    expect(r.best!.from).toBe(0);
    expect(r.best!.score).toBeGreaterThan(25);
    expect(score(r.best!.layout)).toBe(r.best!.score);
    expect(layoutAllowed(c, rulesOf(base), r.best!.layout)).toBe(true);
    expect(r.scored).toBeLessThanOrEqual(400);
  });

  it('returns no layout when nothing beats the start, and stops once the stall count is reached', async () => {
    const c = equal();
    const start = layoutOf(chain);
    const r = await climb(c, { ...base, starts: [{ layout: start, score: 1 }], score: () => 1, stallScored: 30 });
    expect(r.best).toBeNull();
    expect(r.stalled).toBe(true);
    expect(r.scored).toBe(30);
  });

  it('scores nothing the screen turns away, and never a layout the rules forbid', async () => {
    const c = equal();
    const start = layoutOf(chain);
    let called = 0;
    const none = await climb(c, { ...base, timeLimitSec: 0.2, starts: [{ layout: start, score: 1 }], score: () => ++called, screen: () => false });
    expect(none.scored).toBe(0);
    expect(called).toBe(0);
    expect(none.proposals).toBeGreaterThan(0);

    const rules = { ...base, minLayers: 2 };
    const starts = [{ layout: layoutOf([{ start: 0, end: 2 }, { start: 2, end: 4 }, null, null]), score: 1 }];
    const seen: Layout[] = [];
    await climb(c, { ...rules, starts, score: (l) => (seen.push(l), 1), maxScored: 100 });
    expect(seen.length).toBe(100);
    for (const l of seen) expect(layoutAllowed(c, rulesOf(rules), l)).toBe(true);
  });

  it('climbs every start in turn and reports which one the best came from', async () => {
    const c = equal();
    const score = flowPerStage(c);
    // The second start is the better basin: an unusable start (score 0) is skipped, not climbed.
    const dead = layoutOf([null, null, null, null]);
    const r = await climb(c, { ...base, starts: [{ layout: dead, score: 0 }, { layout: layoutOf(chain), score: 25 }], score, maxScored: 300 });
    expect(r.best!.from).toBe(1);
  });

  it('in batches, scores each batch together and keeps the best gain per climber', async () => {
    const c = equal();
    const score = flowPerStage(c);
    const start = layoutOf(chain);
    const batches: number[] = [];
    const scoreMany = async (ls: readonly Layout[]) => (batches.push(ls.length), ls.map(score));
    const r = await climb(c, { ...base, starts: [{ layout: start, score: score(start) }], score: () => 0, scoreMany, batch: 4, maxScored: 400 });
    // Only scoreMany is used, four at a time (the last batch fills what maxScored leaves).
    expect(batches.length).toBe(100);
    expect(batches.every((b) => b === 4)).toBe(true);
    expect(r.scored).toBe(400);
    expect(r.best!.score).toBeGreaterThan(25);
    expect(score(r.best!.layout)).toBe(r.best!.score);
  });

  it('in a batch where two proposals of one climber gain, moves to the better one', async () => {
    const c = equal();
    const start = layoutOf(chain);
    let calls = 0;
    // The first batch: 10 for the first proposal, 20 for the second; nothing gains after it.
    const scoreMany = async (ls: readonly Layout[]) => (calls++ === 0 ? [10, 20] : ls.map(() => 0));
    const r = await climb(c, { ...base, starts: [{ layout: start, score: 5 }], score: () => 0, scoreMany, batch: 2, maxScored: 2 });
    expect(r.best!.score).toBe(20);
    expect(r.scored).toBe(2);
  });
});
