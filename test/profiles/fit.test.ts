import { describe, expect, it } from 'vitest';
import type { LayerTimePoint } from '../../src/spec/layer-time.js';
import { fitFactors, logLoss, meanEfficiency, type MeasuredTimes } from '../../src/profiles/fit.js';
import type { Hardware } from '../../src/profiles/hardware.js';
import { decodeLayerMs, promptLayerMs, type LayerModel, type RooflineFactors } from '../../src/profiles/roofline.js';

const model: LayerModel = { paramsPerLayer: 8.5e8, weightBytesPerLayer: 1.7e9, hiddenSize: 8192, bytesPerActivation: 2, kvBytesPerTokenPerLayer: 4096 };
const machines: Hardware[] = [
  { name: 'hbm', family: 'alpha', gpus: 1, vramBytes: 40e9, nicBytesPerSec: 1e9, memoryBandwidth: 1.5e12, fp16Flops: 300e12, interconnect: 0 },
  { name: 'gddr', family: 'beta', gpus: 1, vramBytes: 24e9, nicBytesPerSec: 1e9, memoryBandwidth: 0.3e12, fp16Flops: 120e12, interconnect: 0 },
  { name: '2xgddr', family: 'beta', gpus: 2, vramBytes: 48e9, nicBytesPerSec: 1e9, memoryBandwidth: 0.6e12, fp16Flops: 240e12, interconnect: 32e9 },
];
const truth: RooflineFactors = {
  families: new Map([
    ['alpha', { compute: 0.7, memory: 0.75 }],
    ['beta', { compute: 0.4, memory: 0.65 }],
  ]),
  fallback: { compute: 0.55, memory: 0.7 },
  decodeCompute: 0.6,
  interconnect: 0.3,
};

/** "Measurements" made by the roofline itself with known factors. */
function synthetic(hw: Hardware): MeasuredTimes {
  const eff = truth.families.get(hw.family)!;
  const prompt = [250, 500, 1000, 2000, 4000, 6000].map((x): LayerTimePoint => [x, promptLayerMs(hw, model, eff, truth, x)]);
  const decode = [1, 8, 32, 64, 128, 256, 512].map((b): LayerTimePoint => [b, decodeLayerMs(hw, model, eff, truth, b, 870)]);
  return { hardware: hw, model, prompt: { points: prompt }, decode: { points: decode }, decodeContext: 870 };
}

describe('fitFactors', () => {
  it('recovers the factors that generated the timings', () => {
    const data = machines.map(synthetic);
    const fit = fitFactors(data);
    for (const [family, e] of truth.families) {
      expect(fit.families.get(family)!.compute).toBeCloseTo(e.compute, 2);
      expect(fit.families.get(family)!.memory).toBeCloseTo(e.memory, 2);
    }
    expect(fit.interconnect).toBeCloseTo(truth.interconnect, 2);
    expect(fit.decodeCompute).toBeCloseTo(truth.decodeCompute, 1);
    expect(logLoss(data, fit)).toBeLessThan(1e-4);
    expect(fit.fallback).toEqual(meanEfficiency(fit.families));
  });

  it('the mean of the families is the prior for an unmeasured one', () => {
    expect(meanEfficiency(truth.families)).toEqual({ compute: 0.55, memory: 0.7 });
  });
});
