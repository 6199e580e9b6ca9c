import { describe, expect, it } from 'vitest';
import { construct, constructStages, targetRates } from '../../src/search/construct.js';
import { Evaluator } from '../../src/search/evaluator.js';
import { structuralDepth } from '../../src/search/depth.js';
import { createRng } from '../../src/search/rng.js';
import type { Cluster } from '../../src/spec/types.js';
import type { Layout } from '../../src/search/layout.js';
import { randomSmallCluster } from '../fixtures/clusters.js';
import { handCluster } from './helpers.js';

function expectValid(c: Cluster, l: Layout, minLayers: number): void {
  for (let i = 0; i < l.start.length; i++) {
    if (l.start[i] < 0) continue;
    const k = l.end[i] - l.start[i];
    expect(l.start[i]).toBeGreaterThanOrEqual(0);
    expect(l.end[i]).toBeLessThanOrEqual(c.model.layers);
    expect(k).toBeGreaterThanOrEqual(minLayers);
    expect(k).toBeLessThanOrEqual(c.nodes[i].capacity.length);
  }
}

describe('pipeline construction', () => {
  it('routes pipelines of the target rate: two pipelines share a node with room for both', () => {
    // L = 2. n0 [100, 90] can carry both pipelines of 40 on [0,2); n1 and n2 are slow.
    const c = handCluster(2, [[100, 90], [30, 20], [30, 20]]);
    const l = construct(c, 40, createRng(1), { minLayers: 1 });
    expect(new Evaluator(c).score(l)).toBeGreaterThanOrEqual(80 - 1e-9);
  });

  it('leaves room for merges when nodes are sized for a higher rate than one pipeline', () => {
    // L = 2: n0 -> n1 over a link of 50 and n2 -> n1 over another 50; n1 can carry 100 on one
    // layer. Pipelines of 50 sized for 100: n1 keeps room for the second pipeline.
    const c = handCluster(2, [[100], [100], [100]], { link: (i, j) => (j === 1 && i !== 1 ? 50 : null) });
    const rng = createRng(3);
    let best = 0;
    for (let t = 0; t < 10; t++) best = Math.max(best, new Evaluator(c).score(construct(c, 50, rng, { minLayers: 1, nodeRate: 100 })));
    expect(best).toBeCloseTo(100, 9);
  });

  it('gives valid layouts on random clusters and respects minLayers', () => {
    const rng = createRng(11);
    for (let seed = 1; seed <= 20; seed++) {
      const c = randomSmallCluster(seed, { nodes: 6, layers: 8, maxLayers: 4, regions: 2, missingLinks: 0.3 });
      for (const tau of targetRates(1000, 8, 0.7)) {
        expectValid(c, construct(c, tau, rng, { minLayers: 2 }), 2);
        expectValid(c, constructStages(c, tau, rng, { minLayers: 2 }), 2);
      }
    }
  });
});

describe('stage construction', () => {
  it('puts slow-linked nodes side by side until the links carry the target (hand-worked)', () => {
    // L = 2. n0 holds [0,1) at 100; three nodes n1..n3 run layer 1 at 100 each but are linked
    // from n0 at 40 tokens/s each. Target 100: one stage n0, then n1..n3 in parallel (3 x 40 =
    // 120 >= 100): throughput 100.
    const c = handCluster(2, [[100], [100], [100], [100]], { link: (i) => (i === 0 ? 40 : null) });
    const l = constructStages(c, 100, createRng(1), { minLayers: 1, jitter: 0 });
    expect(Array.from(l.start)).toEqual([0, 1, 1, 1]);
    expect(new Evaluator(c).score(l)).toBeCloseTo(100, 9);
  });

  it('keeps within maxStages', () => {
    const rng = createRng(5);
    for (let seed = 1; seed <= 10; seed++) {
      const c = randomSmallCluster(seed, { nodes: 6, layers: 6, maxLayers: 3 });
      const l = constructStages(c, 300, rng, { minLayers: 1, maxStages: 2 });
      expect(structuralDepth(c, l)).toBeLessThanOrEqual(2);
    }
  });
});

describe('targetRates', () => {
  it('sweeps down by a constant ratio and stops at 1% of the top', () => {
    const r = targetRates(1000, 100, 0.5);
    expect(r[0]).toBe(1000);
    expect(r[1]).toBe(500);
    expect(r.at(-1)).toBeGreaterThanOrEqual(10);
    expect(r.length).toBe(7);
  });
});
