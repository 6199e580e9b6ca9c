import { describe, expect, it } from 'vitest';
import { msPerLayer } from '../../src/spec/layer-time.js';
import type { Hardware } from '../../src/profiles/hardware.js';
import { allreduceMs, decodeLayerMs, estimateLayerTimes, promptLayerMs, type LayerModel, type RooflineFactors } from '../../src/profiles/roofline.js';

const hw: Hardware = { name: 'X', family: 'f', gpus: 1, vramBytes: 80e9, nicBytesPerSec: 1e9, memoryBandwidth: 2e12, fp16Flops: 400e12, interconnect: 0 };
const model: LayerModel = { paramsPerLayer: 1e9, weightBytesPerLayer: 2e9, hiddenSize: 4096, bytesPerActivation: 2, kvBytesPerTokenPerLayer: 4096 };
const eff = { compute: 0.5, memory: 0.8 };
const factors: RooflineFactors = { families: new Map([['f', eff]]), fallback: { compute: 0.1, memory: 0.1 }, decodeCompute: 0.5, interconnect: 0.25 };

describe('roofline per phase', () => {
  it('prefill of 1,000 tokens is bound by FLOP/s', () => {
    // 2e12 matmul FLOPs + 2 x 1000 x 1000 x 4096 attention FLOPs at 200 TFLOP/s effective.
    const flops = 2e12 + 2 * 1000 * 1000 * 4096;
    expect(promptLayerMs(hw, model, eff, factors, 1000)).toBeCloseTo((1e3 * flops) / 200e12, 9);
  });

  it('a one-token prefill is bound by reading the weights', () => {
    // 2 GB at 1.6 TB/s effective = 1.25 ms, far above 2e9 FLOPs at 200 TFLOP/s.
    expect(promptLayerMs(hw, model, eff, factors, 1)).toBeCloseTo(1.25, 9);
  });

  it('decode streams the weights once plus every sequence KV cache', () => {
    // 64 sequences x 1000 tokens of context x 4 KiB = 262 MB on top of 2 GB.
    const bytes = 2e9 + 64 * 1000 * 4096;
    expect(decodeLayerMs(hw, model, eff, factors, 64, 1000)).toBeCloseTo((1e3 * bytes) / 1.6e12, 9);
  });

  it('large decode batches become compute bound at the decode efficiency', () => {
    // 8192 sequences, no context: 1.6384e13 FLOPs at 100 TFLOP/s = 163.84 ms > 1.25 ms of weights.
    expect(decodeLayerMs(hw, model, eff, factors, 8192, 0)).toBeCloseTo(163.84, 6);
  });

  it('tensor parallelism adds two ring allreduces per layer over the GPU link', () => {
    const two: Hardware = { ...hw, gpus: 2, interconnect: 32e9 };
    // 2 allreduces x 2(2-1)/2 x 1000 tokens x 4096 x 2 bytes = 16.4 MB at 8 GB/s effective.
    expect(allreduceMs(two, model, factors, 1000)).toBeCloseTo((1e3 * 2 * 1000 * 4096 * 2) / 8e9, 9);
    expect(allreduceMs(hw, model, factors, 1000)).toBe(0);
    expect(promptLayerMs(two, model, eff, factors, 1000) - promptLayerMs(hw, model, eff, factors, 1000)).toBeCloseTo(allreduceMs(two, model, factors, 1000), 9);
  });

  it('estimated tables interpolate back to the roofline and grow with the batch', () => {
    const t = estimateLayerTimes(hw, model, factors, 870);
    expect(msPerLayer(t.prompt, 2048)).toBeCloseTo(promptLayerMs(hw, model, eff, factors, 2048), 9);
    expect(msPerLayer(t.decode, 240)).toBeCloseTo(decodeLayerMs(hw, model, eff, factors, 240, 870), 9);
    for (const table of [t.prompt, t.decode]) {
      for (let i = 1; i < table.points.length; i++) expect(table.points[i][1]).toBeGreaterThanOrEqual(table.points[i - 1][1]);
    }
  });

  it('a family never measured uses the fallback factors', () => {
    const other: Hardware = { ...hw, family: 'unmeasured' };
    const t = estimateLayerTimes(other, model, factors, 870);
    expect(msPerLayer(t.decode, 1)).toBeCloseTo((1e3 * (2e9 + 870 * 4096)) / (2e12 * 0.1), 6);
  });
});
