// The profiles' capacities are all-token rates for one mix of prompt and generated tokens: the
// request Helix derived its tables for, within 2% of the azure-conv trace's means, which the
// delivered model takes them as. Another mix loads a node differently: code completion sends some
// fifty prompt tokens per generated one, and prompt tokens batch far better than decode steps, so
// the same node carries more than twice the tokens/s. A node's capacity for another workload is
// its profiled one times the ratio of the two rates derived the way Helix derived its tables
// (profiles/derive.ts) from the node's per-layer timings.

import { nodeThroughput, type PhaseTimes } from '../profiles/derive.js';
import type { Workload } from './model.js';

/**
 * Capacity for `to` over capacity for `from` of a node holding k of the model's `layers` layers,
 * with `kvTokensPerLayer` cache slots per layer (before `kvFill`), in a pipeline of like nodes.
 */
export function mixRatio(times: PhaseTimes, k: number, layers: number, kvTokensPerLayer: number, kvFill: number, to: Workload, from: Workload): number {
  const state = { k, kvTokensPerLayer, share: k / layers };
  const rate = (w: Workload) => nodeThroughput(times, state, { meanInput: w.input, meanOutput: w.output, source: '' }, kvFill).tokensPerSec;
  const base = rate(from);
  return base > 0 ? rate(to) / base : 1;
}
