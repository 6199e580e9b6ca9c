// Where and how the search runs hub sweeps: over the whole cluster when no link can bind, and
// region by region when only the links between regions can (each region then serves on its own,
// the union is scored on the whole cluster, and annealing adds whatever crossing flow pays).

import type { Cluster } from '../spec/types.js';
import type { Rng } from './rng.js';
import { constructHubSweep } from './hub-sweep.js';
import { cappedComputeBound } from './compute-bound.js';
import { targetRates } from './construct.js';
import { Evaluator } from './evaluator.js';
import { copyLayout, emptyLayout, type Layout } from './layout.js';
import { withoutNodes } from '../graph/extend.js';
import { findBindingLinks } from '../graph/binding.js';

export interface SweepContext {
  readonly rng: Rng;
  readonly minLayers: number;
  readonly stopped: () => boolean;
  /** Yields to the event loop now and then (abort signals, progress). */
  readonly pause: () => Promise<void>;
}

/**
 * A coarse scan of target rates 1% apart down to about half the bound (small clusters succeed
 * only well below it), then a fine one 0.25% apart around the best, greedy and randomised.
 * Measured on the generated clusters: the best fine sweep came at 90-98% of the bound, and a
 * merge weight above 0.1 only lost.
 */
const COARSE = { count: 60, ratio: 0.99 };
const FINE_STEPS = 10;
const FINE_STEP = 0.0025;
const JITTERS = [0, 0.05, 0.1, 0.2, 0.3];
const MERGES = [0, 0.1];
const EXTRA_TRIES = 200;

export interface SweepResult {
  readonly layout: Layout;
  readonly score: number;
  readonly tau: number;
}

/** The best hub sweep of `cluster` by exact max flow (null if none carries flow). */
export async function bestSweep(cluster: Cluster, ctx: SweepContext): Promise<SweepResult | null> {
  const evaluator = new Evaluator(cluster);
  // A holder, not a variable: the closure updates it and the checks below see the update.
  const found: { best: SweepResult | null } = { best: null };
  const attempt = (tau: number, jitter: number, merge: number): void => {
    const layout = constructHubSweep(cluster, tau, ctx.rng, { minLayers: ctx.minLayers, jitter, merge });
    const score = evaluator.score(layout);
    if (score > (found.best?.score ?? 0)) found.best = { layout: copyLayout(layout), score, tau };
  };
  for (const tau of targetRates(cappedComputeBound(cluster), COARSE.count, COARSE.ratio)) {
    if (ctx.stopped()) return found.best;
    attempt(tau, 0, 0);
    await ctx.pause();
  }
  const centre = found.best?.tau;
  if (centre === undefined) return null;
  for (const jitter of JITTERS) {
    for (const merge of MERGES) {
      for (let j = -FINE_STEPS; j <= FINE_STEPS; j++) {
        if (ctx.stopped()) return found.best;
        attempt(centre * (1 + FINE_STEP * j), jitter, merge);
        await ctx.pause();
      }
    }
  }
  // Then randomised tries near the best rate: the best sweep is a lucky draw more often than not
  // (gen250-r1: 0.977-0.983 of the bound across seeds), so more draws make the result steadier.
  for (let t = 0; t < EXTRA_TRIES; t++) {
    if (ctx.stopped() || !found.best) return found.best;
    const at = found.best.tau;
    attempt(at * (1 + FINE_STEP * (2 * ctx.rng.next() - 1) * 4), 0.3 * ctx.rng.next(), MERGES[t % MERGES.length]);
    await ctx.pause();
  }
  return found.best;
}

/**
 * Each region whose own links cannot bind, swept on its own; their union (regions that cannot be
 * swept stay empty). Null when the cluster has one region or no region could be swept.
 */
export async function regionSweeps(cluster: Cluster, ctx: SweepContext): Promise<Layout | null> {
  const regions = [...new Set(cluster.nodes.map((n) => n.region))];
  if (regions.length < 2) return null;
  const union = emptyLayout(cluster.nodes.length);
  let swept = false;
  for (const region of regions) {
    if (ctx.stopped()) break;
    const members = cluster.nodes.flatMap((n, i) => (n.region === region ? [i] : []));
    const others = new Set(cluster.nodes.flatMap((n, i) => (n.region === region ? [] : [i])));
    const sub = withoutNodes(cluster, others);
    if (!findBindingLinks(sub, cappedComputeBound(sub)).neverBind) continue;
    const got = await bestSweep(sub, ctx);
    if (!got) continue;
    members.forEach((node, local) => {
      union.start[node] = got.layout.start[local];
      union.end[node] = got.layout.end[local];
    });
    swept = true;
  }
  return swept ? union : null;
}
