// The profiles' capacities are all-token rates for one mix of prompt and generated tokens: the
// request Helix derived its tables for, within 2% of the azure-conv trace's means, which the
// delivered model takes them as. Another mix loads a node differently: code completion sends some
// fifty prompt tokens per generated one, and prompt tokens batch far better than decode steps, so
// the same node carries more than twice the tokens/s. A node's capacity for another workload is
// its profiled one times the ratio of the two rates derived the way Helix derived its tables
// (profiles/derive.ts) from the node's per-layer timings, with one change: Helix's derivation
// starts at most one prompt per decode step, which is right for its conversational requests and
// far too few where answers are short (with 50:10 requests a node holding many starts several per
// step, and the simulator serves them). Here a node starts as many as finish.

import { nodeThroughput, type NodeState, type PhaseTimes } from '../profiles/derive.js';
import { msPerLayer } from '../spec/layer-time.js';
import type { Workload } from './model.js';

/**
 * All-token tokens/s of one node in a pipeline of like nodes, in steady state for `w`, with
 * batches of at most `maxBatchTokens` (the simulator's default: the model's context length).
 */
function steadyRate(times: PhaseTimes, state: NodeState, w: Workload, kvFill: number, maxBatchTokens: number): number {
  const derived = nodeThroughput(times, state, { meanInput: w.input, meanOutput: w.output, source: '' }, kvFill);
  const resident = Math.floor(kvFill * state.kvTokensPerLayer) / (w.input + w.output);
  const decodeBatch = resident * state.share;
  const promptsPerStep = decodeBatch / w.output;
  if (!(promptsPerStep > 1)) return derived.tokensPerSec;
  // Every decode step, the requests that finished are replaced: their prompts run as one batch,
  // as far as a batch holds them (2000:1 requests would otherwise ask for more than the context).
  const promptTokens = Math.min(promptsPerStep * w.input, maxBatchTokens - decodeBatch);
  if (!(promptTokens > 0)) return derived.tokensPerSec;
  const stepMs = state.k * (msPerLayer(times.prompt, promptTokens) + msPerLayer(times.decode, decodeBatch));
  return stepMs > 0 ? ((promptTokens + decodeBatch) / stepMs) * 1000 : derived.tokensPerSec;
}

/**
 * Capacity for `to` over capacity for `from` of a node holding k of the model's `layers` layers,
 * with `kvTokensPerLayer` cache slots per layer (before `kvFill`), in a pipeline of like nodes.
 */
export function mixRatio(times: PhaseTimes, k: number, layers: number, kvTokensPerLayer: number, kvFill: number, to: Workload, from: Workload, maxBatchTokens = Infinity): number {
  const state = { k, kvTokensPerLayer, share: k / layers };
  const base = steadyRate(times, state, from, kvFill, maxBatchTokens);
  return base > 0 ? steadyRate(times, state, to, kvFill, maxBatchTokens) / base : 1;
}
