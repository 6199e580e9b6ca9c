import { describe, expect, it } from 'vitest';
import { evaluatePlacement } from '../../../src/graph/placement-flow.js';
import { BASELINE_METHODS, BASELINES, runBaseline, runBaselines } from '../../../src/search/baselines/index.js';
import { separate, separateFlow } from '../../../src/search/baselines/separate.js';
import { bruteForceOptimum, randomSmallCluster } from '../../fixtures/clusters.js';
import { bigSmall } from './hand-clusters.js';

describe('baseline registry', () => {
  it('names every method once, each with a summary', () => {
    expect(Object.keys(BASELINES)).toEqual([...BASELINE_METHODS]);
    for (const m of BASELINE_METHODS) expect(BASELINES[m].summary.length).toBeGreaterThan(10);
  });

  it('runBaselines scores each placement by exact max flow and says what it chose', () => {
    const c = bigSmall();
    const all = runBaselines(c);
    expect(all.map((b) => b.method)).toEqual(['swarm', 'petals', 'separate', 'homogeneous']);
    for (const b of all) {
      expect(b.throughput).toBeCloseTo(350, 6); // each worked out by hand in its own test file
      expect(b.flow.throughput).toBe(b.throughput);
      expect(b.timeSec).toBeGreaterThanOrEqual(0);
      expect(b.note).not.toBe('');
      expect(runBaseline(b.method, c)).toEqual(b.placement);
    }
    expect(all[0].note).toContain('2 stages');
    expect(all[2].note).toBe('by gpu; B: 1 stage, S: 2 stages');
    expect(all[3].note).toBe('2 layers per node, 2 stages');
  });

  it('passes --by to separate', () => {
    const byRegion = runBaselines(bigSmall(), { by: 'region' }).find((b) => b.method === 'separate')!;
    expect(byRegion.note.startsWith('by region; r: ')).toBe(true);
  });
});

describe('baselines on random small clusters', () => {
  // Missing links, slow cross-region links and non-monotone tables; brute force gives the optimum.
  const seeds = [11, 12, 13, 14, 15, 16];
  for (const seed of seeds) {
    it(`seed ${seed}: valid placements, never above the optimum, separate never above its own placement's flow`, () => {
      const c = randomSmallCluster(seed, { nodes: 4, layers: 4, maxLayers: 3, regions: 2, missingLinks: 0.2, nonMonotone: true });
      const optimum = bruteForceOptimum(c).throughput;
      const L = c.model.layers;
      for (const b of runBaselines(c)) {
        b.placement.forEach((r, i) => {
          if (!r) return;
          expect(r.start).toBeGreaterThanOrEqual(0);
          expect(r.end).toBeLessThanOrEqual(L);
          expect(r.end - r.start).toBeGreaterThanOrEqual(1);
          expect(r.end - r.start).toBeLessThanOrEqual(c.nodes[i].capacity.length);
        });
        expect(b.throughput).toBeLessThanOrEqual(optimum + 1e-6);
        const whole = evaluatePlacement(c, b.placement).throughput;
        if (b.method === 'separate') expect(b.throughput).toBeLessThanOrEqual(whole + 1e-6);
        else expect(b.throughput).toBeCloseTo(whole, 6);
      }
      const s = separate(c, { by: 'region' });
      expect(separateFlow(c, s.placement, s.groups.map((g) => g.nodes)).throughput).toBeCloseTo(s.throughput, 6);
    });
  }
});
