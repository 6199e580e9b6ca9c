// The delivered objective chooses for tokens/s alone, and plans that serve about the same can be
// far apart in latency (geo3: 12 and 15 stages, 494 and 492 tokens/s, p95 TTFT 4.9 s against
// 7.4 s). Where a shallower finalist of the confirming runs gave up a little throughput for a much
// shorter token, the plan says so, with the flag that asks for plans no deeper.

import { percent } from '../report/format.js';
import type { Candidate } from './objective.js';

/** The most a shallower finalist may have served less, as a share of the chosen plan's tokens/s. */
export const SHALLOWER_MAX_LOSS = 0.2;
/** The least its p95 TPOT must be shorter, as a share of the chosen plan's. */
export const SHALLOWER_MIN_GAIN = 0.2;

type Finalist = Pick<Candidate, 'label' | 'simulated' | 'simulatedTpotP95'> & { readonly plan: { readonly depth: number } };

/**
 * Of the simulated finalists shallower than `chosen`, the one that served the most among those
 * within SHALLOWER_MAX_LOSS of its tokens/s with a p95 TPOT at least SHALLOWER_MIN_GAIN shorter;
 * null when none did (or the chosen plan has no simulated figures).
 */
export function shallowerAlternative<T extends Finalist>(chosen: T, finalists: readonly T[]): T | null {
  const served = chosen.simulated;
  const tpot = chosen.simulatedTpotP95;
  if (served == null || !(served > 0) || tpot == null || !(tpot > 0)) return null;
  let best: T | null = null;
  for (const c of finalists) {
    if (c === chosen || c.plan.depth >= chosen.plan.depth || c.simulated == null || c.simulatedTpotP95 == null) continue;
    // One that served more is not a trade (the model's ranking chose where a run had no figure).
    if (c.simulated > served || c.simulated < served * (1 - SHALLOWER_MAX_LOSS) || c.simulatedTpotP95 > tpot * (1 - SHALLOWER_MIN_GAIN)) continue;
    if (!best || c.simulated > best.simulated!) best = c;
  }
  return best;
}

/** The note for a plan whose shallower finalist traded tokens/s for latency. */
export function shallowerNote(chosen: Finalist, alt: Finalist): string {
  const loss = 1 - alt.simulated! / chosen.simulated!;
  const gain = 1 - alt.simulatedTpotP95! / chosen.simulatedTpotP95!;
  const ms = (sec: number) => `${Math.round(1000 * sec)} ms`;
  return (
    `objective delivered: ${alt.label}, a shallower candidate (${alt.plan.depth} stages against ${chosen.plan.depth}), ` +
    `served ${Math.round(alt.simulated!)} tokens/s offline in the confirming simulation (${percent(loss, 0)} less than the chosen plan's ${Math.round(chosen.simulated!)}) ` +
    `at a p95 TPOT of ${ms(alt.simulatedTpotP95!)} against ${ms(chosen.simulatedTpotP95!)} (${percent(gain, 0)} lower); ` +
    `the choice maximises tokens/s; to bound depth, plan again with --max-stages ${alt.plan.depth} (a new search, whose plan may differ)`
  );
}
