// How much of a machine's memory holds weights plus KV cache, and how many tokens of KV cache
// are left once k layers of weights are loaded. The KV room sets how many sequences a node can
// keep decoding at once, which is what turns per-layer timings into a token rate.

import type { ModelCard } from '../spec/types.js';

/**
 * Share of VRAM a serving engine lets itself use (vLLM's default gpu_memory_utilization), and
 * the runtime workspace each GPU keeps outside the KV cache (CUDA context, activations, graphs).
 * Together they reproduce the KV-cache sizes the Helix artifact's vLLM runs report for its seven
 * machine types closely enough that the published Helix tables come out within a few percent (docs/profiles.md).
 */
export const MEMORY_UTILISATION = 0.9;
export const WORKSPACE_BYTES_PER_GPU = 2e9;

/** Bytes available for weights + KV cache on a machine with `gpus` GPUs and `vramBytes` in all. */
export function usableMemoryBytes(vramBytes: number, gpus: number): number {
  return Math.max(0, MEMORY_UTILISATION * vramBytes - WORKSPACE_BYTES_PER_GPU * gpus);
}

/**
 * KV-cache token slots per layer when the node holds k layers: what is left after the weights,
 * spread over the k layers (every held layer keeps the KV of every resident token). 0 when the
 * weights alone do not fit.
 */
export function kvTokensPerLayer(usableBytes: number, model: Pick<ModelCard, 'weightBytesPerLayer' | 'kvBytesPerTokenPerLayer'>, k: number): number {
  const free = usableBytes - k * model.weightBytesPerLayer;
  return free > 0 ? free / (k * model.kvBytesPerTokenPerLayer) : 0;
}
