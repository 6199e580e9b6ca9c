// Solver-free search scored by exact max flow: constructions over a sweep of target rates, then
// simulated annealing runs that alternate between a construction and the incumbent. Known
// placements (the MILP's, the baselines') enter as incumbents, so the result is never below them.
// Everything random comes from one seeded generator and every schedule counts moves, not time:
// with an evaluation budget a search is reproducible; a time limit can only cut it short.

import type { Cluster, Placement } from '../spec/types.js';
import { Annealer } from './anneal.js';
import { cappedComputeBound } from './compute-bound.js';
import { construct, constructStages, targetRates } from './construct.js';
import { bestSweep, regionSweeps } from './sweeps.js';
import { Evaluator } from './evaluator.js';
import { copyLayout, layoutOf, placementOf, withoutIdle, type Layout } from './layout.js';
import { createRng } from './rng.js';
import { depthAllowed, layoutAllowed, rulesOf } from './rules.js';

/** What every search run takes: its seed, its time, how to stop it, and the placement rules. */
export interface SearchRun {
  readonly seed: number;
  readonly timeLimitSec: number;
  readonly signal?: AbortSignal;
  readonly minLayers: number | null;
  readonly maxStages: number | null;
  readonly partialInference: boolean;
}

export interface SearchOptions extends SearchRun {
  /** Known placements (heuristics, the MILP): the search starts from and never falls below them. */
  readonly initial?: readonly Placement[];
  /** Called with every new best (idle nodes dropped). */
  readonly onImprove?: (throughput: number, placement: Placement) => void;
  /** Called every few tens of milliseconds, for progress and stall checks. */
  readonly onTick?: () => void;
  /** Stop after this many evaluations (tests: reproducible regardless of machine speed). */
  readonly maxEvaluations?: number;
  /** Moves per annealing run (default: scaled to the cluster, and to maxEvaluations when given). */
  readonly movesPerRun?: number;
  /** The placement in force (re-planning): at most `maxLoads` nodes may load layers they lack. */
  readonly reference?: Placement;
  readonly maxLoads?: number;
  /** No link can bind (one region, fast links): flow may split and merge at every boundary. */
  readonly linksNeverBind?: boolean;
}

export interface SearchResult {
  readonly placement: Placement;
  readonly throughput: number;
  readonly evaluations: number;
  /** Seconds until the first placement with flow, and until the best one (null: none found). */
  readonly timeToFirstSec: number | null;
  readonly timeToBestSec: number | null;
}

/** Moves tried between looks at the clock. */
const SLICE = 256;
/** Longest stretch without yielding to the event loop (abort signals, progress). */
const YIELD_MS = 50;
/** Constructions kept as starting points for annealing runs. */
const STARTS_KEPT = 5;
/** Target rates swept by the stage construction (2% apart), and tries per rate in the fine pass. */
const STAGE_TARGETS = 40;
const STAGE_TRIES = 4;
/** The coarse pass tries every this many target rates. */
const COARSE_STRIDE = 5;

/** Nodes of `l` that hold a layer they do not hold in `ref`: machines that must load weights. */
export function loadsAgainst(l: Layout, ref: Layout): number {
  let loads = 0;
  for (let i = 0; i < l.start.length; i++) {
    if (l.start[i] < 0) continue;
    if (ref.start[i] < 0 || l.start[i] < ref.start[i] || l.end[i] > ref.end[i]) loads++;
  }
  return loads;
}

/** Default moves per annealing run: long enough to cool properly on the published clusters. */
function defaultMovesPerRun(nodes: number, maxEvaluations: number): number {
  const byCluster = Math.max(50_000, 10_000 * nodes);
  return Number.isFinite(maxEvaluations) ? Math.max(500, Math.min(byCluster, Math.floor(maxEvaluations / 4))) : byCluster;
}

export async function searchPlacement(cluster: Cluster, o: SearchOptions): Promise<SearchResult> {
  const t0 = performance.now();
  const deadline = t0 + o.timeLimitSec * 1000;
  const rng = createRng(o.seed);
  const n = cluster.nodes.length;
  const evaluator = new Evaluator(cluster, { partialInference: o.partialInference });
  const reference = o.reference ? layoutOf(o.reference) : null;
  const maxLoads = o.maxLoads ?? Infinity;
  const rules = rulesOf({ ...o, accept: reference ? (l) => loadsAgainst(l, reference) <= maxLoads : undefined });
  const maxEvaluations = o.maxEvaluations ?? Infinity;
  const stopped = () => o.signal?.aborted === true || performance.now() > deadline || evaluator.evaluations >= maxEvaluations;

  let best: Layout = copyLayout({ start: new Int32Array(n).fill(-1), end: new Int32Array(n).fill(-1) });
  let bestScore = 0;
  let firstAt: number | null = null;
  let bestAt: number | null = null;
  const consider = (layout: Layout, score: number): void => {
    if (score <= bestScore * (1 + 1e-12) + 1e-9) return;
    best = copyLayout(layout);
    bestScore = score;
    const now = (performance.now() - t0) / 1000;
    firstAt ??= now;
    bestAt = now;
    o.onImprove?.(score, placementOf(best));
  };

  let lastYield = performance.now();
  const pause = async (): Promise<void> => {
    if (performance.now() - lastYield < YIELD_MS) return;
    await new Promise((resolve) => setImmediate(resolve));
    lastYield = performance.now();
    o.onTick?.();
  };

  /** Scores a candidate layout; returns it trimmed of idle nodes with its throughput, or null if it breaks the rules. */
  const admit = (layout: Layout): { layout: Layout; score: number } | null => {
    const score = evaluator.score(layout);
    const trimmed = withoutIdle(layout, evaluator.nodeFlow);
    if (!layoutAllowed(cluster, rules, trimmed) || !depthAllowed(cluster, rules, trimmed, evaluator.nodeFlow)) return null;
    return { layout: trimmed, score };
  };

  for (const p of o.initial ?? []) {
    const got = admit(layoutOf(p));
    if (got) consider(got.layout, got.score);
  }

  // Constructions over a sweep of target rates, from the compute bound down: pipelines routed one
  // after another, and stages of parallel nodes (a few randomised tries per rate).
  const top = cappedComputeBound(cluster);
  const starts: { layout: Layout; score: number; tau: number }[] = [];
  const keep = (candidate: Layout, tau: number): void => {
    const got = admit(candidate);
    if (!got || got.score <= 0) return;
    starts.push({ ...got, tau });
    consider(got.layout, got.score);
  };
  const constructionRules = { minLayers: rules.minLayers, maxStages: rules.maxStages };
  const byStages = (tau: number, jitter: number) => keep(constructStages(cluster, tau, rng, { ...constructionRules, jitter }), tau);
  // Coarse first (every few target rates, one greedy try each), so that big clusters get a plan
  // early; then the other rates, above the best coarse one first (a higher target that works is
  // worth more), nearest first, then below it.
  const rates = targetRates(top, STAGE_TARGETS, 0.98);
  let bestRate = 0;
  let bestRateScore = 0;
  for (let m = 0; m < rates.length && !stopped(); m += COARSE_STRIDE) {
    const before = starts.length;
    byStages(rates[m], 0);
    if (starts.length > before && starts.at(-1)!.score > bestRateScore) [bestRate, bestRateScore] = [m, starts.at(-1)!.score];
    await pause();
  }
  // Hub sweeps: the whole cluster where no link can bind, else region by region.
  const sweepContext = { rng, minLayers: rules.minLayers, stopped, pause };
  if (o.linksNeverBind) {
    const swept = await bestSweep(cluster, sweepContext);
    if (swept) keep(swept.layout, swept.tau);
  } else {
    const union = await regionSweeps(cluster, sweepContext);
    // Restarts build stages near a kept start's rate: the union's own flow is its rate.
    if (union) keep(union, evaluator.score(union));
  }
  const order = rates.map((_, m) => m).sort((a, b) => Number(a > bestRate) - Number(b > bestRate) || Math.abs(a - bestRate) - Math.abs(b - bestRate));
  // One greedy try at every rate the coarse pass skipped, then randomised ones.
  for (let round = 0; round < STAGE_TRIES; round++) {
    for (const m of order) {
      if (stopped()) break;
      if (round === 0 && m % COARSE_STRIDE === 0) continue;
      byStages(rates[m], round === 0 ? 0 : 0.3);
      await pause();
    }
  }
  for (const tau of targetRates(top)) {
    if (stopped()) break;
    keep(construct(cluster, tau, rng, constructionRules), tau);
    await pause();
  }
  starts.sort((a, b) => b.score - a.score);
  starts.splice(STARTS_KEPT);

  // Annealing runs: even runs from a construction (the kept ones first, then fresh ones near the
  // best target rates), odd runs from the incumbent.
  const annealer = new Annealer(cluster, evaluator, rules, rng, (layout, score) => consider(layout, score));
  const moves = o.movesPerRun ?? defaultMovesPerRun(n, maxEvaluations);
  for (let run = 0; !stopped(); run++) {
    let from = best;
    if (run % 2 === 0 && starts.length > 0) {
      const pick = starts[(run / 2) % starts.length];
      from = pick.layout;
      if (run >= 2 * starts.length) {
        const before = starts.length;
        byStages(pick.tau * (0.95 + 0.1 * rng.next()), 0.5);
        if (starts.length > before) from = starts.pop()!.layout;
      }
    }
    annealer.start(from, { moves });
    while (!annealer.finished && !stopped()) {
      annealer.step(SLICE, maxEvaluations);
      await pause();
    }
  }
  return { placement: placementOf(best), throughput: bestScore, evaluations: evaluator.evaluations, timeToFirstSec: firstAt, timeToBestSec: bestAt };
}
