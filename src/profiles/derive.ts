// From per-layer timings to a node throughput table t(k), the way Helix derived its published
// tables (and reproducing them exactly when given the same inputs; see docs/profiles.md).
//
// The steady state of a node holding k layers, serving a workload of mean prompt length `in` and
// mean output length `out`:
//  1. KV room. A fraction `kvFill` of the node's KV-cache slots per layer is counted on being
//     free for new work, so S = fill * slots / (in + out) whole requests can be resident.
//  2. Decode batch. A request spends only part of its round trip at this node: `share`, the
//     node's k layers' time over the time of the whole pipeline. So on average b = S * share of
//     the resident sequences are at this node, and one decode step here is a batch of b tokens.
//  3. Prompts. Each decode step finishes b / out sequences on average; as many new prompts
//     arrive to replace them: q = b / out prompts per step.
//  4. One cycle = one prompt of `in` tokens plus the 1 / q decode steps it takes for the next
//     one to arrive. It produces in + out tokens (1/q steps of b tokens = out) and takes
//     k * (prompt(in) + decode(b) / q) ms, the per-layer times for k layers.
//  When q >= 1 the node has room for more than `out` sequences; Helix then counts one prompt and
//  one decode step of `out` sequences per cycle (larger batches stop paying off there), and so
//  does this derivation.
// Tokens of both phases count: the flow graph carries prompt tokens and generated tokens alike.

import { msPerLayer, type LayerTimeTable } from '../spec/layer-time.js';
import type { Workload } from './workload.js';

/** Fraction of KV-cache slots counted on for steady-state work (Helix's high-water mark). */
export const HELIX_KV_FILL = 0.3;

export interface PhaseTimes {
  readonly prompt: LayerTimeTable;
  readonly decode: LayerTimeTable;
}

/** The steady state of one node holding k layers, and the token rate it gives. */
export interface DerivedPoint {
  readonly k: number;
  /** Fraction of a request's round trip spent at this node. */
  readonly share: number;
  /** KV-cache token slots per layer counted on (after `kvFill`). */
  readonly kvSlotsPerLayer: number;
  /** Sequences in one decode step at this node. */
  readonly decodeBatch: number;
  /** New prompts per decode step (capped at 1). */
  readonly promptsPerStep: number;
  /** Tokens in the prompt pass of one cycle. */
  readonly promptBatch: number;
  /** Milliseconds for one cycle through all k layers. */
  readonly cycleMs: number;
  /** Tokens (prompt + generated) one cycle processes. */
  readonly cycleTokens: number;
  /** Node throughput, tokens/s. */
  readonly tokensPerSec: number;
}

export interface NodeState {
  readonly k: number;
  /** KV-cache token slots per layer (before `kvFill`). */
  readonly kvTokensPerLayer: number;
  readonly share: number;
}

/**
 * t(k) for one node state. Batch sizes are whole numbers, rounded as Helix rounds them, so the
 * published tables come out digit for digit. Fewer than one sequence at the node still counts
 * as one: a starved pipeline runs batches of one, it does not stop.
 */
export function nodeThroughput(times: PhaseTimes, state: NodeState, workload: Workload, kvFill: number): DerivedPoint {
  const { k, share } = state;
  const slots = Math.floor(kvFill * state.kvTokensPerLayer);
  const resident = slots / (workload.meanInput + workload.meanOutput);
  let q = (resident * share) / workload.meanOutput;
  let promptTokens = Math.round(q * workload.meanInput);
  let decodeBatch = Math.round(resident * share);
  if (q > 1) {
    q = 1;
    promptTokens = workload.meanInput;
    decodeBatch = workload.meanOutput;
  }
  if (decodeBatch < 1 || promptTokens < 1) {
    decodeBatch = Math.max(1, decodeBatch);
    q = decodeBatch / workload.meanOutput;
    promptTokens = Math.max(1, Math.round(q * workload.meanInput));
  }
  const stepsPerPrompt = 1 / q;
  const promptBatch = q >= 1 ? promptTokens : Math.floor(promptTokens * stepsPerPrompt);
  const cycleTokens = stepsPerPrompt * (promptTokens + decodeBatch);
  const cycleMs = k * (msPerLayer(times.prompt, promptBatch) + msPerLayer(times.decode, decodeBatch) * stepsPerPrompt);
  return {
    k,
    share,
    kvSlotsPerLayer: slots,
    decodeBatch,
    promptsPerStep: q,
    promptBatch,
    cycleMs,
    cycleTokens,
    tokensPerSec: (cycleTokens / cycleMs) * 1000,
  };
}

export interface DeriveInputs {
  readonly times: PhaseTimes;
  readonly maxLayers: number;
  /** KV-cache token slots per layer when holding k layers (0 when the weights do not fit). */
  readonly kvTokensPerLayer: (k: number) => number;
  /** Fraction of a request's round trip spent at a node holding k layers. */
  readonly share: (k: number) => number;
  readonly workload: Workload;
  readonly kvFill: number;
}

/**
 * The whole table, k = 1..maxLayers. It stops early at the first k whose weights leave no KV
 * room at all: such a node could load the layers but never serve a request.
 */
export function deriveThroughputTable(inputs: DeriveInputs): DerivedPoint[] {
  const out: DerivedPoint[] = [];
  for (let k = 1; k <= inputs.maxLayers; k++) {
    const kv = inputs.kvTokensPerLayer(k);
    if (kv * inputs.kvFill < inputs.workload.meanInput + inputs.workload.meanOutput) break;
    out.push(nodeThroughput(inputs.times, { k, kvTokensPerLayer: kv, share: inputs.share(k) }, inputs.workload, inputs.kvFill));
  }
  return out;
}
