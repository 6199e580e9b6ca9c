// Simulated annealing over layouts, scored by exact max flow (or a caller's LayoutObjective). One run starts from a layout and
// cools over a fixed number of moves; its temperature depends on the move count only, never on the
// clock, so a run is reproducible for a seed and a budget, and the clock can only cut it short.
// Work is done in slices (step) so that the caller can yield to the event loop, report progress
// and honour an abort signal between them.

import type { Cluster } from '../spec/types.js';
import type { Evaluator } from './evaluator.js';
import { copyInto, copyLayout, withoutIdle, type Layout } from './layout.js';
import { applyMove, drawMove } from './moves.js';
import type { Rng } from './rng.js';
import { depthAllowed, layoutAllowed, type SearchRules } from './rules.js';

export interface AnnealSchedule {
  /** Moves in one run. */
  readonly moves: number;
  /** Relative loss accepted with probability 1/e at the start, and at the end of a run. */
  readonly startTemperature?: number;
  readonly endTemperature?: number;
  /** Chance that a move picks a node at the minimum cut. */
  readonly cutBias?: number;
}

/** Series cuts counted at most (more than this many bottlenecks of one value is rare). */
const SERIES_LIMIT = 8;
/** Relative value of one bottleneck fewer at equal flow: small against real gains. */
const TIE_WEIGHT = 1e-4;

export type BestListener = (layout: Layout, throughput: number) => void;

/**
 * A score to maximise instead of max flow (e.g. predicted delivered throughput). Called after the
 * evaluator has scored the layout, so its node flows (depth and cut checks) are the layout's; the
 * series-cut tie-break is a max-flow notion and is skipped.
 */
export type LayoutObjective = (layout: Layout, maxFlow: number) => number;

export class Annealer {
  private current: Layout;
  private scratch: Layout;
  private score = 0;
  /** Minimum cuts in series at the current flow (see Evaluator.seriesCuts): fewer is better. */
  private cuts = 0;
  private cut: number[] = [];
  private done = 0;
  private moves = 1;
  private t0 = 0.05;
  private t1 = 1e-4;
  private cutBias = 0.6;
  /** Best layout of this run (idle nodes dropped) and its throughput. */
  best: Layout;
  bestScore = 0;

  constructor(
    private readonly cluster: Cluster,
    private readonly evaluator: Evaluator,
    private readonly rules: SearchRules,
    private readonly rng: Rng,
    private readonly onBest?: BestListener,
    private readonly objective?: LayoutObjective,
  ) {
    const n = cluster.nodes.length;
    this.current = { start: new Int32Array(n).fill(-1), end: new Int32Array(n).fill(-1) };
    this.scratch = copyLayout(this.current);
    this.best = copyLayout(this.current);
  }

  /** Starts a run from `layout` (which must satisfy the rules, or it starts from nothing). */
  start(layout: Layout, schedule: AnnealSchedule): void {
    this.moves = Math.max(1, schedule.moves);
    this.t0 = schedule.startTemperature ?? 0.05;
    this.t1 = schedule.endTemperature ?? 1e-4;
    this.cutBias = schedule.cutBias ?? 0.6;
    this.done = 0;
    copyInto(layout, this.current);
    this.bestScore = 0;
    this.score = 0;
    this.cut = [];
    if (layoutAllowed(this.cluster, this.rules, this.current)) {
      const flow = this.evaluator.score(this.current);
      // Idle nodes do not count towards depth, so a layout too deep here stays too deep trimmed.
      if (depthAllowed(this.cluster, this.rules, this.current, this.evaluator.nodeFlow)) {
        this.score = this.objective ? this.objective(this.current, flow) : flow;
        this.cut = this.evaluator.cutNodes();
        this.offer();
        this.cuts = this.objective ? 0 : this.evaluator.seriesCuts(SERIES_LIMIT);
        return;
      }
    }
    this.current.start.fill(-1);
    this.current.end.fill(-1);
  }

  get finished(): boolean {
    return this.done >= this.moves;
  }

  get throughput(): number {
    return this.score;
  }

  /**
   * Tries up to `count` moves, stopping early when the run is over or the evaluator has scored
   * `evaluationLimit` placements in all. Returns the moves tried.
   */
  step(count: number, evaluationLimit = Infinity): number {
    const { cluster, rules, evaluator, rng } = this;
    let tried = 0;
    while (tried < count && this.done < this.moves && evaluator.evaluations < evaluationLimit) {
      tried++;
      const progress = this.done++ / this.moves;
      const temperature = this.t0 * (this.t1 / this.t0) ** progress;
      copyInto(this.current, this.scratch);
      const move = drawMove(rng);
      if (!applyMove(move, this.scratch, { cluster, rng, cut: this.cut, cutBias: this.cutBias })) continue;
      if (!layoutAllowed(cluster, rules, this.scratch)) continue;
      const flow = evaluator.score(this.scratch);
      if (!depthAllowed(cluster, rules, this.scratch, evaluator.nodeFlow)) continue;
      const s = this.objective ? this.objective(this.scratch, flow) : flow;
      // Relative change, so one temperature suits clusters of any throughput. On a tie, fewer
      // bottlenecks in series count as a small gain: the max flow alone is flat there.
      const ref = Math.max(this.score, 1e-9);
      const tie = !this.objective && Math.abs(s - this.score) <= 1e-9 * ref;
      const cuts = tie ? evaluator.seriesCuts(SERIES_LIMIT) : -1;
      const change = tie ? (this.cuts - cuts) * TIE_WEIGHT : (s - this.score) / ref;
      if (change < 0 && rng.next() >= Math.exp(change / temperature)) continue;
      [this.current, this.scratch] = [this.scratch, this.current];
      this.score = s;
      // The evaluator still holds the accepted layout's flow (seriesCuts works on a copy).
      this.cuts = tie ? cuts : this.objective ? 0 : evaluator.seriesCuts(SERIES_LIMIT);
      this.cut = evaluator.cutNodes();
      this.offer();
    }
    return tried;
  }

  /** Records the current layout as the run's best when it is; the evaluator still holds its flow. */
  private offer(): void {
    if (this.score > this.bestScore * (1 + 1e-12) + 1e-9) {
      this.bestScore = this.score;
      this.best = withoutIdle(this.current, this.evaluator.nodeFlow);
      this.onBest?.(this.best, this.score);
    }
  }
}
