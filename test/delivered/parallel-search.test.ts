import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCluster } from '../../src/spec/cluster.js';
import { runBaselineMethod } from '../../src/search/baselines/index.js';
import { searchObjective, type ObjectiveSearchResult } from '../../src/search/delivered-search.js';
import { deliveredScore } from '../../src/delivered/layout-score.js';
import { mergeSearches, searchDeliveredModels, searchDeliveredParallel, type ParallelSearchOptions } from '../../src/delivered/parallel-search.js';
import { planningWorkload } from '../../src/delivered/workload.js';
import { layoutOf } from '../../src/search/layout.js';
import { repoRoot } from '../fixtures/cli.js';
import type { Placement } from '../../src/spec/types.js';

const tiny = loadCluster(join(repoRoot, 'clusters', 'tiny.yaml'));
const options: ParallelSearchOptions = {
  seeds: [runBaselineMethod('petals', tiny).placement],
  seed: 5,
  timeLimitSec: 60,
  maxEvaluations: 1500,
  minLayers: null,
  maxStages: null,
  partialInference: false,
  keep: 3,
};

const at = (start: number): Placement => [{ start, end: 60 }, null];
const result = (best: [number, number, number][], evaluations: number, stalled: boolean): ObjectiveSearchResult => ({
  best: best.map(([start, score, from]) => ({ placement: at(start), score, from })),
  evaluations,
  runs: evaluations / 100,
  stalled,
});

describe('mergeSearches', () => {
  it('keeps the best first, one per starting point, no layout twice, at most keep; adds up the work', () => {
    const merged = mergeSearches(
      [
        result([[0, 90, 0], [1, 70, 1]], 1000, true),
        // Same start as the 90 (dropped), same layout as the 70 but better (kept in its place), a third start.
        result([[2, 80, 0], [1, 75, 2], [3, 60, 3]], 500, false),
      ],
      3,
    );
    expect(merged.best.map((b) => [b.placement[0]!.start, b.score, b.from])).toEqual([
      [0, 90, 0],
      [1, 75, 2],
      [3, 60, 3],
    ]);
    expect([merged.evaluations, merged.runs, merged.stalled]).toEqual([1500, 15, false]);
  });
});

describe('searchDeliveredParallel', () => {
  it('runs one search in this thread where there is no worker script (the TypeScript sources)', async () => {
    const r = await searchDeliveredParallel(tiny, options, 3);
    const single = await searchObjective(tiny, { ...options, objective: deliveredScore(tiny) });
    expect(r.threads).toBe(1);
    expect(r.best).toEqual(single.best);
    expect(r.evaluations).toBe(single.evaluations);
  });

  it('runs the searches in worker threads from the built code, each its full budget', async () => {
    const built = (await import(pathToFileURL(join(repoRoot, 'dist', 'src', 'delivered', 'parallel-search.js')).href)) as typeof import('../../src/delivered/parallel-search.js');
    expect(built.workersAvailable()).toBe(true);
    const single = await searchObjective(tiny, { ...options, objective: deliveredScore(tiny) });
    const r = await built.searchDeliveredParallel(tiny, options, 2);
    expect(r.threads).toBe(2);
    // Each search spends its whole evaluation budget: twice the work of one.
    expect(r.evaluations).toBe(2 * single.evaluations);
    // Never worse than the caller's own search, which is one of the two.
    expect(r.best[0]?.score ?? 0).toBeGreaterThanOrEqual(single.best[0]?.score ?? 0);
  }, 60_000);
});

describe('searchDeliveredModels', () => {
  it('searches each model on its own and scores each result by its own model', async () => {
    const conv = planningWorkload('azure-conv').model;
    const code = planningWorkload('azure-code').model;
    // Tiny's nodes are full at petals' ranges, which both models rank above the few other layouts
    // that fit; from one of those the search has somewhere to go under either model.
    const seeds = [[0, 18], [18, 36], [36, 46], [46, 53], [53, 60]].map(([start, end]) => ({ start, end }));
    const [a, b] = await searchDeliveredModels(tiny, { ...options, seeds: [seeds] }, [{ workload: code, threads: 1 }, { workload: conv, threads: 1 }]);
    expect(a.best.length).toBeGreaterThan(0);
    expect(b.best.length).toBeGreaterThan(0);
    // The same placements are worth different amounts to the two models: each result carries its own.
    for (const p of a.best) expect(p.score).toBeCloseTo(deliveredScore(tiny, { workload: code })(layoutOf(p.placement)), 6);
    for (const p of b.best) expect(p.score).toBeCloseTo(deliveredScore(tiny, { workload: conv })(layoutOf(p.placement)), 6);
    expect(a.best[0].score).not.toBeCloseTo(deliveredScore(tiny, { workload: conv })(layoutOf(a.best[0].placement)), 0);
  });

  it('runs the searches of each model in worker threads from the built code', async () => {
    const built = (await import(pathToFileURL(join(repoRoot, 'dist', 'src', 'delivered', 'parallel-search.js')).href)) as typeof import('../../src/delivered/parallel-search.js');
    const code = planningWorkload('azure-code').model;
    const [a, b] = await built.searchDeliveredModels(tiny, options, [{ workload: code, threads: 1 }, { threads: 1 }]);
    expect([a.threads, b.threads]).toEqual([1, 1]);
    const single = await searchObjective(tiny, { ...options, objective: deliveredScore(tiny) });
    // The second (azure-conv, in a worker) spends its whole budget, as the caller's search does.
    expect(b.evaluations).toBe(single.evaluations);
    for (const p of b.best) expect(p.score).toBeCloseTo(deliveredScore(tiny)(layoutOf(p.placement)), 6);
  }, 60_000);

  it('shares the caller\'s thread between the models when asked to (a user who gave --threads 1)', async () => {
    const built = (await import(pathToFileURL(join(repoRoot, 'dist', 'src', 'delivered', 'parallel-search.js')).href)) as typeof import('../../src/delivered/parallel-search.js');
    const code = planningWorkload('azure-code').model;
    const [a, b] = await built.searchDeliveredModels(tiny, options, [{ workload: code, threads: 1 }, { threads: 1 }], true);
    expect([a.threads, b.threads]).toEqual([1, 1]);
    const own = await searchObjective(tiny, { ...options, objective: deliveredScore(tiny, { workload: code }) });
    // In this thread the first model's search is the caller's own, move for move.
    expect(a.best).toEqual(own.best);
    for (const p of b.best) expect(p.score).toBeCloseTo(deliveredScore(tiny)(layoutOf(p.placement)), 6);
  }, 60_000);
});
