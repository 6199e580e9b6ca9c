// First-principles per-layer timings for a GPU nobody has profiled: a roofline per phase, scaled
// by efficiency factors fitted to the measured types (src/profiles/fit.ts).
//
// One layer, a batch of x tokens, on a machine of n GPUs splitting the layer by tensor
// parallelism (F and B are the whole machine's FLOP/s and bandwidth):
//   prompt(x) = max(FLOPs / (F * compute),  weights / (B * memory))           + allreduce(x)
//     FLOPs   = 2 * params * x  +  2 * x * min(x, 2048) * hidden   (matmuls + causal attention)
//   decode(b) = max(2 * params * b / (F * compute * decodeCompute),
//                   (weights + b * context * kvBytes) / (B * memory))          + allreduce(b)
//     every step streams the layer's weights once and each sequence's KV cache (context = mean
//     prompt + half the mean output); the small decode matmuls run below prefill efficiency.
//   allreduce(x) = 2 per layer (attention and MLP outputs), ring: 2 (n-1)/n * x * hidden *
//     activation bytes over the machine's GPU-to-GPU link at `interconnect` efficiency.
// Prefill is bound by FLOP/s, decode by memory bandwidth; the max() picks whichever binds.

import type { LayerTimeTable, LayerTimePoint } from '../spec/layer-time.js';
import type { ModelCard } from '../spec/types.js';
import type { PhaseTimes } from './derive.js';
import type { Hardware } from './hardware.js';

/** Fraction of peak a GPU family reaches: matmul FLOP/s in prefill, bandwidth when streaming. */
export interface Efficiency {
  readonly compute: number;
  readonly memory: number;
}

export interface RooflineFactors {
  readonly families: ReadonlyMap<string, Efficiency>;
  /** Used for families with no measured type. */
  readonly fallback: Efficiency;
  /** Decode matmul efficiency relative to prefill (small batches use tensor cores poorly). */
  readonly decodeCompute: number;
  /** Fraction of the GPU-to-GPU link an allreduce achieves. */
  readonly interconnect: number;
}

export type LayerModel = Pick<ModelCard, 'paramsPerLayer' | 'weightBytesPerLayer' | 'hiddenSize' | 'bytesPerActivation' | 'kvBytesPerTokenPerLayer'>;

/** Longest single prompt the attention term assumes; longer batches hold several prompts. */
export const MAX_PROMPT_TOKENS = 2048;

export function efficiencyFor(factors: RooflineFactors, family: string): { efficiency: Efficiency; fitted: boolean } {
  const e = factors.families.get(family);
  return e ? { efficiency: e, fitted: true } : { efficiency: factors.fallback, fitted: false };
}

/** Milliseconds of the two allreduces one layer needs for x tokens; 0 on one GPU. */
export function allreduceMs(hw: Hardware, model: LayerModel, factors: RooflineFactors, tokens: number): number {
  if (hw.gpus <= 1) return 0;
  const bytes = 2 * ((2 * (hw.gpus - 1)) / hw.gpus) * tokens * model.hiddenSize * model.bytesPerActivation;
  return (1e3 * bytes) / (hw.interconnect * factors.interconnect);
}

export function promptLayerMs(hw: Hardware, model: LayerModel, eff: Efficiency, factors: RooflineFactors, tokens: number): number {
  const flops = 2 * model.paramsPerLayer * tokens + 2 * tokens * Math.min(tokens, MAX_PROMPT_TOKENS) * model.hiddenSize;
  const compute = flops / (hw.fp16Flops * eff.compute);
  const memory = model.weightBytesPerLayer / (hw.memoryBandwidth * eff.memory);
  return 1e3 * Math.max(compute, memory) + allreduceMs(hw, model, factors, tokens);
}

export function decodeLayerMs(hw: Hardware, model: LayerModel, eff: Efficiency, factors: RooflineFactors, batch: number, context: number): number {
  const compute = (2 * model.paramsPerLayer * batch) / (hw.fp16Flops * eff.compute * factors.decodeCompute);
  const memory = (model.weightBytesPerLayer + batch * context * model.kvBytesPerTokenPerLayer) / (hw.memoryBandwidth * eff.memory);
  return 1e3 * Math.max(compute, memory) + allreduceMs(hw, model, factors, batch);
}

/** Batch sizes the estimated tables are sampled at: dense where derivations look, sparse beyond. */
export const PROMPT_GRID = [1, 64, 128, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 12288, 16384];
export const DECODE_GRID = [1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 160, 192, 240, 320, 400, 480, 640, 800, 1024, 1536, 2048];

/** Estimated per-layer timing tables, in the same shape as measured ones. */
export function estimateLayerTimes(hw: Hardware, model: LayerModel, factors: RooflineFactors, decodeContext: number): PhaseTimes {
  const { efficiency } = efficiencyFor(factors, hw.family);
  const table = (grid: readonly number[], ms: (x: number) => number): LayerTimeTable => ({
    points: grid.map((x): LayerTimePoint => [x, ms(x)]),
  });
  return {
    prompt: table(PROMPT_GRID, (x) => promptLayerMs(hw, model, efficiency, factors, x)),
    decode: table(DECODE_GRID, (b) => decodeLayerMs(hw, model, efficiency, factors, b, decodeContext)),
  };
}
