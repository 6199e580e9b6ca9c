// First-improvement hill climbing for a score that is costly to evaluate (a simulation: a tenth of
// a second, against microseconds for max flow or the delivered model). Annealing spends most of
// its evaluations on moves it then rejects, which a costly score cannot afford; here each proposal
// (one to a few of the annealer's moves together) must first pass a cheap screen, and only a
// strict gain is kept. Several starting layouts climb in turn, since the best basin is not always
// the one whose start scores best.

import type { Cluster } from '../spec/types.js';
import { copyLayout, type Layout } from './layout.js';
import { applyMove, drawMove } from './moves.js';
import { createRng } from './rng.js';
import { layoutAllowed, rulesOf } from './rules.js';
import type { SearchRun } from './search.js';

export interface ClimbStart {
  readonly layout: Layout;
  /** Its score, already known (the caller has evaluated it). */
  readonly score: number;
}

export interface ClimbOptions extends SearchRun {
  readonly starts: readonly ClimbStart[];
  /** The costly score (0: unusable). */
  readonly score: (layout: Layout) => number;
  /**
   * The same score for several layouts at once (simulations on several threads). With `batch` > 1
   * each turn scores that many proposals together and keeps, per climber, the best that gains.
   */
  readonly scoreMany?: (layouts: readonly Layout[]) => Promise<number[]>;
  /** Proposals scored together per turn (default 1; needs `scoreMany`). */
  readonly batch?: number;
  /** A cheap test against the climber's current layout: false skips the proposal unscored. */
  readonly screen?: (candidate: Layout, current: Layout) => boolean;
  /** Most moves combined into one proposal (default 3): single moves rarely change a simulation. */
  readonly maxMoves?: number;
  /** Stop after this many scored proposals in a row without a gain (default: only time stops it). */
  readonly stallScored?: number;
  /** Stop after this many scored proposals (tests: reproducible regardless of machine speed). */
  readonly maxScored?: number;
  /** Called about every 50 ms with the best score so far. */
  readonly onTick?: (best: number) => void;
}

export interface ClimbResult {
  /** The best layout reached, with its start's index, or null when no climber gained anything. */
  readonly best: { readonly layout: Layout; readonly score: number; readonly from: number } | null;
  readonly scored: number;
  readonly proposals: number;
  readonly stalled: boolean;
}

const YIELD_MS = 50;

/** Draws at most this many proposals per one that passes the rules and the screen, so a climb that cannot move still ends. */
const DRAWS_PER_PROPOSAL = 50;

export async function climb(cluster: Cluster, o: ClimbOptions): Promise<ClimbResult> {
  const deadline = performance.now() + o.timeLimitSec * 1000;
  const rng = createRng(o.seed);
  const rules = rulesOf(o);
  const maxMoves = Math.max(1, o.maxMoves ?? 3);
  const batch = o.scoreMany ? Math.max(1, Math.floor(o.batch ?? 1)) : 1;
  const climbers = o.starts.map((s, from) => ({ layout: copyLayout(s.layout), score: s.score, from, gained: false })).filter((c) => c.score > 0);
  let scored = 0;
  let proposals = 0;
  let quiet = 0;
  let stalled = false;
  let lastYield = performance.now();
  let turn = 0;
  const best = () => climbers.reduce((a, b) => (b.score > a.score ? b : a));
  /** The next climber's proposal, or null when it breaks a rule or fails the screen. */
  const propose = (): { climber: (typeof climbers)[number]; layout: Layout } | null => {
    const c = climbers[turn++ % climbers.length];
    const candidate = copyLayout(c.layout);
    const moves = 1 + Math.floor(rng.next() * maxMoves);
    let applied = true;
    for (let m = 0; m < moves; m++) applied = applyMove(drawMove(rng), candidate, { cluster, rng, cut: [], cutBias: 0 }) && applied;
    proposals++;
    return applied && layoutAllowed(cluster, rules, candidate) && (o.screen?.(candidate, c.layout) ?? true) ? { climber: c, layout: candidate } : null;
  };
  while (climbers.length > 0) {
    if (o.signal?.aborted || performance.now() > deadline || scored >= (o.maxScored ?? Infinity)) break;
    if (quiet >= (o.stallScored ?? Infinity)) {
      stalled = true;
      break;
    }
    const room = Math.min(batch, (o.maxScored ?? Infinity) - scored);
    const picked: { climber: (typeof climbers)[number]; layout: Layout }[] = [];
    for (let draws = 0; picked.length < room && draws < room * DRAWS_PER_PROPOSAL; draws++) {
      const p = propose();
      if (p) picked.push(p);
      // Unbatched, a turn is one draw (scored if it passes), so the time and stall checks run between draws.
      if (batch === 1) break;
    }
    if (picked.length > 0) {
      const scores = batch === 1 ? [o.score(picked[0].layout)] : await o.scoreMany!(picked.map((p) => p.layout));
      picked.forEach((p, k) => {
        scored++;
        quiet++;
        const c = p.climber;
        if (scores[k] > c.score) {
          c.layout = p.layout;
          c.score = scores[k];
          c.gained = true;
          quiet = 0;
        }
      });
    }
    if (performance.now() - lastYield > YIELD_MS) {
      o.onTick?.(best().score);
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
  }
  const gainers = climbers.filter((c) => c.gained);
  const top = gainers.length > 0 ? gainers.reduce((a, b) => (b.score > a.score ? b : a)) : null;
  return { best: top && { layout: top.layout, score: top.score, from: top.from }, scored, proposals, stalled };
}
