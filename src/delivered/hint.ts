// A max-flow plan can carry far more than it serves: on single24 the optimal 24-stage chain is
// predicted to deliver less than the Petals-style placement, which has a quarter of its max flow.
// A user who plans for max flow should hear that, in the table and in the JSON, without having to
// run `helix compare`. The planner has already run the baselines as its floor and the model takes
// well under a millisecond per placement, so the check is nearly free.

import type { BaselineMethod, BaselineResult } from '../search/baselines/index.js';
import { respectsDepthControls, type PlannerOptions } from '../search/planner.js';
import type { Cluster } from '../spec/types.js';
import { orReason } from './attach.js';
import { predictRouted } from './layout-score.js';
import type { Workload } from './model.js';

/** How much more a baseline must be predicted to serve before it is worth a note (model noise). */
export const HINT_MARGIN = 0.05;

export interface ServingRival {
  readonly method: BaselineMethod;
  /** Its predicted all-token tokens/s. */
  readonly predicted: number;
}

/**
 * Of the planner's baselines, the one predicted to serve the most among those within the user's
 * depth controls; null when none can be predicted (no per-layer timings) or none serves anything.
 * Baselines are placed and routed without partial inference whatever the planner was told, so
 * they are predicted without it too: `plan -m <baseline>` predicts the same figure.
 */
export function bestServingBaseline(cluster: Cluster, baselines: readonly BaselineResult[], o: Pick<PlannerOptions, 'minLayers' | 'maxStages'>, workload?: Workload): ServingRival | null {
  let best: ServingRival | null = null;
  for (const b of baselines) {
    if (!(b.throughput > 0) || !respectsDepthControls(cluster, b.placement, b.flow, o)) continue;
    const p = orReason(() => predictRouted(cluster, b.placement, b.flow, { partialInference: false, workload }));
    if (p === null || typeof p === 'string') continue;
    if (!best || p.throughput > best.predicted) best = { method: b.method, predicted: p.throughput };
  }
  return best;
}

/**
 * A note for a max-flow plan that a baseline is predicted to out-serve by more than HINT_MARGIN,
 * pointing at `--objective delivered`; null when the plan holds its own or cannot be predicted.
 */
export function maxFlowHint(planPredicted: number | undefined, rival: ServingRival | null): string | null {
  if (planPredicted === undefined || !rival || !(rival.predicted > planPredicted * (1 + HINT_MARGIN))) return null;
  const more = planPredicted > 0 ? `${((rival.predicted / planPredicted - 1) * 100).toFixed(0)}% more than` : 'more than';
  return (
    `the ${rival.method} placement is predicted to serve ${rival.predicted.toFixed(0)} tokens/s, ${more} this plan (${planPredicted.toFixed(0)}): ` +
    'max flow leaves out KV-cache room and per-stage latency; --objective delivered plans for what is served'
  );
}
