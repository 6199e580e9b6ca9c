import { describe, expect, it } from 'vitest';
import { HelixError } from '../../src/errors.js';
import { homogeneousShare, parseMix, shareInMix, solveMix, type MixMember } from '../../src/profiles/pipeline.js';

describe('pipeline share', () => {
  it('homogeneous: k of L layers', () => {
    expect(homogeneousShare(80)(8)).toBe(0.1);
  });

  it('in a mix: own time over own time plus the rest at the layer-weighted mean', () => {
    const mix: MixMember[] = [
      { gpu: 'fast', count: 1, typicalLayers: 6 },
      { gpu: 'slow', count: 2, typicalLayers: 2 },
    ];
    // fast: 1 s per 1000 token-layers -> 1e-3 s/layer; slow: 4e-3 s/layer.
    const rate = new Map([
      ['fast', 1000],
      ['slow', 250],
    ]);
    // Mean per-layer time = (6 x 1e-3 + 4 x 4e-3) / 10 = 2.2e-3 s.
    const share = shareInMix('slow', 2, mix, rate, 10);
    const own = 2 * 4e-3;
    expect(share).toBeCloseTo(own / (own + 8 * 2.2e-3), 12);
  });

  it('equals k/L when every type runs at the same layer rate', () => {
    const mix: MixMember[] = [
      { gpu: 'a', count: 3, typicalLayers: 5 },
      { gpu: 'b', count: 1, typicalLayers: 9 },
    ];
    const rate = new Map([
      ['a', 700],
      ['b', 700],
    ]);
    expect(shareInMix('b', 4, mix, rate, 80)).toBeCloseTo(4 / 80, 12);
  });

  it('solveMix reaches a fixed point: rates reproduce themselves', () => {
    const mix: MixMember[] = [
      { gpu: 'a', count: 2, typicalLayers: 6 },
      { gpu: 'b', count: 4, typicalLayers: 3 },
    ];
    // A node's token rate grows with its share (bigger decode batches), sublinearly.
    const speed: Record<string, number> = { a: 5000, b: 1500 };
    const tps = (gpu: string, k: number, share: (k: number) => number) => (speed[gpu] * Math.sqrt(share(k) * 80)) / k;
    const rate = solveMix(mix, 40, tps);
    for (const m of mix) {
      const again = tps(m.gpu, m.typicalLayers, (k) => shareInMix(m.gpu, k, mix, rate, 40)) * m.typicalLayers;
      expect(again / rate.get(m.gpu)!).toBeCloseTo(1, 9);
    }
  });
});

describe('parseMix', () => {
  const maxOf = (g: string) => ({ A: 12, B: 4 })[g] ?? 1;

  it('reads TYPE:COUNT@LAYERS, the layer count defaulting to the type maximum', () => {
    expect(parseMix('A:4@8, B:12', maxOf)).toEqual([
      { gpu: 'A', count: 4, typicalLayers: 8 },
      { gpu: 'B', count: 12, typicalLayers: 4 },
    ]);
  });

  it('rejects malformed entries, zero counts and repeats as usage errors', () => {
    for (const bad of ['A', 'A:0', 'A:2@0', 'A:1,A:2', '']) {
      try {
        parseMix(bad, maxOf);
        expect.unreachable(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(HelixError);
        expect((e as HelixError).kind).toBe('usage');
      }
    }
  });
});
