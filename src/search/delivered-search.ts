// Local search for a score other than max flow (the delivered model): the max-flow annealer's
// moves, rules and schedule, with a LayoutObjective in place of the flow. It starts from known
// placements (max-flow candidates, baselines) rather than from constructions, because those are
// built for flow: the score here rewards different shapes (shallower paths, more KV room), which
// the annealing reaches from whichever seed is nearest. Reproducible for a seed and an evaluation
// budget; a time limit can only cut it short.

import type { Cluster, Placement } from '../spec/types.js';
import { Annealer, type LayoutObjective } from './anneal.js';
import { Evaluator } from './evaluator.js';
import { copyLayout, layoutOf, placementOf, sameLayout, withoutIdle, type Layout } from './layout.js';
import { createRng } from './rng.js';
import { depthAllowed, layoutAllowed, rulesOf } from './rules.js';
import type { SearchRun } from './search.js';

export interface ObjectiveSearchOptions extends SearchRun {
  readonly objective: LayoutObjective;
  /** Starting placements; those breaking the rules are skipped. */
  readonly seeds: readonly Placement[];
  /** Moves per annealing run (default 2,000: the objective costs far more than a max flow). */
  readonly movesPerRun?: number;
  /** Stop after this many evaluations (tests: reproducible regardless of machine speed). */
  readonly maxEvaluations?: number;
  /** Distinct layouts returned, best first (default 3). */
  readonly keep?: number;
  /** Called about every 50 ms with the best score so far (progress display). */
  readonly onTick?: (best: number) => void;
  /** Relative loss accepted with probability 1/e at the start of a run (default 0.05). */
  readonly startTemperature?: number;
  /**
   * Stop once at least this many runs in a row, after every seed has had one, have left the best
   * score where it was, and at least as many as it took to reach it: improvements trickle in for
   * hundreds of runs on the bundled clusters, so the patience grows with the search (default:
   * never; only the time limit stops it).
   */
  readonly stallRuns?: number;
}

export interface ScoredPlacement {
  readonly placement: Placement;
  readonly score: number;
  /** Index into `seeds` of the run's starting point (-1: the incumbent). */
  readonly from: number;
}

export interface ObjectiveSearchResult {
  /** The best distinct layouts found that beat the seed they started from, best first. */
  readonly best: readonly ScoredPlacement[];
  readonly evaluations: number;
  readonly runs: number;
  /** Whether the search ended by stallRuns rather than by its time or evaluation budget. */
  readonly stalled: boolean;
}

/** Moves per step between time checks, at most; fewer where one score takes long (1,000 nodes: 0.1 s). */
const SLICE = 64;
/** A run that raises the best score by less than this share counts as bringing nothing. */
const STALL_EPSILON = 1e-4;
const YIELD_MS = 50;

export async function searchObjective(cluster: Cluster, o: ObjectiveSearchOptions): Promise<ObjectiveSearchResult> {
  const deadline = performance.now() + o.timeLimitSec * 1000;
  const rng = createRng(o.seed);
  const evaluator = new Evaluator(cluster, { partialInference: o.partialInference });
  const rules = rulesOf(o);
  const maxEvaluations = o.maxEvaluations ?? Infinity;
  const keep = Math.max(1, o.keep ?? 3);
  const stopped = () => o.signal?.aborted === true || performance.now() > deadline || evaluator.evaluations >= maxEvaluations;

  // Best layouts so far, distinct, best first; one per starting point so finalists differ in kind.
  const pool: { layout: Layout; score: number; from: number }[] = [];
  const record = (layout: Layout, score: number, from: number): void => {
    if (!(score > 0)) return;
    const same = pool.findIndex((p) => p.from === from || sameLayout(p.layout, layout));
    if (same >= 0) {
      if (pool[same].score >= score) return;
      pool.splice(same, 1);
    }
    pool.push({ layout: copyLayout(layout), score, from });
    pool.sort((a, b) => b.score - a.score);
  };

  const starts: { layout: Layout; score: number; index: number }[] = [];
  const seedsStart = performance.now();
  o.seeds.forEach((p, index) => {
    const raw = layoutOf(p);
    if (!layoutAllowed(cluster, rules, raw)) return;
    const flow = evaluator.score(raw);
    if (!(flow > 0) || !depthAllowed(cluster, rules, raw, evaluator.nodeFlow)) return;
    const layout = withoutIdle(raw, evaluator.nodeFlow);
    const score = o.objective(layout, flow);
    starts.push({ layout, score, index });
    record(layout, score, index);
  });
  if (starts.length === 0) return { best: [], evaluations: evaluator.evaluations, runs: 0, stalled: false };
  starts.sort((a, b) => b.score - a.score);
  // The seeds' scores say how long one takes: the first step is already sized by them.
  const sliceFor = (msPerScore: number): number => Math.max(1, Math.min(SLICE, Math.floor(YIELD_MS / Math.max(msPerScore, 1e-3))));
  let msPerScore = (performance.now() - seedsStart) / starts.length;

  let lastYield = performance.now();
  let runs = 0;
  let from = -1;
  const annealer = new Annealer(cluster, evaluator, rules, rng, (layout, score) => record(layout, score, from), o.objective);
  const moves = o.movesPerRun ?? 2000;
  const stallRuns = o.stallRuns ?? Infinity;
  let quietRuns = 0;
  let lastGain = 0;
  let stalled = false;
  // Every seed once (best first), then alternately the overall best and the seeds again: a seed
  // far from the incumbent can lead to another shape entirely.
  for (let run = 0; !stopped(); run++) {
    if (quietRuns >= Math.max(stallRuns, lastGain)) {
      stalled = true;
      break;
    }
    // The pool holds only layouts that score above 0; it is empty while every seed scores 0 (a
    // cluster whose layer counts leave no KV-cache room), and the seeds are then all there is.
    const bestBefore = pool[0]?.score ?? 0;
    let layout: Layout;
    if (run < starts.length) [layout, from] = [starts[run].layout, starts[run].index];
    else if (run % 2 === 1 && pool.length > 0) [layout, from] = [pool[0].layout, pool[0].from];
    else {
      const s = starts[Math.floor(run / 2) % starts.length];
      [layout, from] = [s.layout, s.index];
    }
    annealer.start(layout, { moves, startTemperature: o.startTemperature ?? 0.05, cutBias: 0.3 });
    runs++;
    while (!annealer.finished && !stopped()) {
      const stepStart = performance.now();
      const before = evaluator.evaluations;
      // A step takes about YIELD_MS, so the time limit holds where a score is slow (moves the rules
      // reject cost nothing, so the time per score is only updated when something was scored).
      annealer.step(sliceFor(msPerScore), maxEvaluations);
      const scored = evaluator.evaluations - before;
      if (scored > 0) msPerScore = (performance.now() - stepStart) / scored;
      if (performance.now() - lastYield > YIELD_MS) {
        o.onTick?.(pool[0]?.score ?? 0);
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    if ((pool[0]?.score ?? 0) > bestBefore * (1 + STALL_EPSILON)) {
      quietRuns = 0;
      lastGain = run;
    } else if (run >= starts.length - 1) quietRuns++;
  }
  // A seed the annealing could not improve on is already known to the caller.
  const seedScore = new Map(starts.map((s) => [s.index, s.score]));
  const improved = pool.filter((p) => p.score > (seedScore.get(p.from) ?? 0) * (1 + 1e-9));
  return {
    best: improved.slice(0, keep).map((p) => ({ placement: placementOf(p.layout), score: p.score, from: p.from })),
    evaluations: evaluator.evaluations,
    runs,
    stalled,
  };
}
