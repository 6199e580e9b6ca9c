import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { integerWeights, IwrrCursor, iwrrSequence, WEIGHT_RESOLUTION } from '../../src/schedule/iwrr.js';

describe('integerWeights', () => {
  it('reduces proportional flows to their smallest integer ratio', () => {
    expect(integerWeights([2000, 1000])).toEqual([2, 1]);
    expect(integerWeights([300, 0, 150])).toEqual([2, 0, 1]);
    expect(integerWeights([7, 7, 7])).toEqual([1, 1, 1]);
  });

  it('gives the largest flow the resolution and never starves a used hop', () => {
    expect(integerWeights([1, 1e-4])).toEqual([WEIGHT_RESOLUTION, 1]);
    expect(integerWeights([768, 748])).toEqual([100, 97]);
  });

  it('gives no weight at all when nothing flows', () => {
    expect(integerWeights([0, 0])).toEqual([0, 0]);
    expect(integerWeights([])).toEqual([]);
  });

  it('keeps shares within the rounding of the resolution (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 8 }), (flows) => {
        const w = integerWeights(flows);
        const top = Math.max(...flows);
        const wTop = Math.max(...w);
        flows.forEach((f, i) => {
          expect(w[i]).toBeGreaterThanOrEqual(1);
          // Shares of the largest hop: off by at most half a resolution step, or the floor of 1.
          expect(Math.abs(w[i] / wTop - f / top)).toBeLessThanOrEqual(0.5 / WEIGHT_RESOLUTION + (w[i] === 1 ? 1 / WEIGHT_RESOLUTION : 0) + 1e-12);
        });
      }),
    );
  });
});

describe('iwrrSequence', () => {
  it('interleaves rounds instead of sending runs', () => {
    expect(iwrrSequence([3, 1])).toEqual([0, 1, 0, 0]);
    expect(iwrrSequence([2, 2, 1])).toEqual([0, 1, 2, 0, 1]);
    expect(iwrrSequence([1, 0, 2])).toEqual([0, 2, 2]);
  });

  it('lists each hop exactly its weight times per cycle (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 6 }), (weights) => {
        const seq = iwrrSequence(weights);
        weights.forEach((w, h) => expect(seq.filter((x) => x === h).length).toBe(w));
      }),
    );
  });
});

describe('IwrrCursor', () => {
  it('cycles through the sequence', () => {
    const c = new IwrrCursor(iwrrSequence([2, 1]));
    const all = () => true;
    expect([c.next(all), c.next(all), c.next(all), c.next(all)]).toEqual([0, 1, 0, 0]);
  });

  it('skips hops that cannot take the request, losing their turn', () => {
    const c = new IwrrCursor(iwrrSequence([2, 1]));
    const notZero = (h: number) => h !== 0;
    expect(c.next(notZero)).toBe(1);
    // The cursor moved past the skipped entries: the next plain call continues after hop 1.
    expect(c.next(() => true)).toBe(0);
  });

  it('answers -1 and stays put when no hop is eligible', () => {
    const c = new IwrrCursor(iwrrSequence([1, 1]));
    expect(c.next(() => false)).toBe(-1);
    expect(c.next(() => true)).toBe(0);
  });
});
