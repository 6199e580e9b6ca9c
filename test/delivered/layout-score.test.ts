import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deliveredScore, predictLayout } from '../../src/delivered/layout-score.js';
import { predictDelivered, type DeliveredOptions } from '../../src/delivered/model.js';
import { searchObjective } from '../../src/search/delivered-search.js';
import { layoutOf } from '../../src/search/layout.js';
import { affine, smallCluster, timings } from '../sim/small.js';
import { planFor, wrappingPlacement } from '../fixtures/plans.js';
import { randomSmallCluster } from '../fixtures/clusters.js';
import type { Placement } from '../../src/spec/types.js';

const flat = { prompt: affine(1, 0.01), decode: affine(1, 0.01) };
const fixed = { input: 10, output: 10 };

describe('deliveredScore', () => {
  it('is the prediction the assembled plan reports (random clusters and placements)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1000, max: 1e6 }), (seed, kv) => {
        const cluster = randomSmallCluster(seed, { nodes: 5, layers: 4, maxLayers: 4, missingLinks: 0.2 });
        const placement = wrappingPlacement(cluster);
        const delivered: DeliveredOptions = { layerTimes: timings({ G0: flat, G1: flat, G2: { prompt: affine(3, 0.05), decode: affine(2, 0.001) } }), kvTokens: () => kv };
        const plan = planFor(cluster, placement);
        const score = deliveredScore(cluster, { workload: fixed, delivered })(layoutOf(placement));
        if (plan.throughput <= 0) {
          expect(score).toBe(0);
          return;
        }
        const expected = predictDelivered(cluster, plan, fixed, delivered);
        // The plan's flows are rounded to 1e-6 tokens/s; the score uses them unrounded.
        expect(score).toBeCloseTo(expected.throughput, 3);
        expect(predictLayout(cluster, layoutOf(placement), { workload: fixed, delivered })!.depth).toBe(plan.depth);
      }),
      { numRuns: 100 },
    );
  });

  it('leads the search from a deep chain to shallow replicas when links are slow (worked by hand)', async () => {
    // Four nodes that can each hold all 4 layers, 50 ms between nodes, 1 ms to the coordinator.
    // KV room is 4,000 tokens over however many layers a node holds.
    const fast = (name: string) => ({ name, gpu: 'G', throughput: [1e6, 1e6, 1e6, 1e6] });
    const cluster = smallCluster({
      layers: 4,
      nodes: ['a', 'b', 'c', 'd'].map(fast),
      coordinator: { bandwidth: 1e12, latency: 0.001 },
      link: () => ({ bandwidth: 1e15, latency: 0.05 }),
    });
    // The convoy picture alone (the load pace is tested with the model), so the figures stay by hand.
    const delivered: DeliveredOptions = { layerTimes: timings({ G: flat }), kvTokens: (_i, k) => 4000 / k, kvFill: 0.5, groups: 1, paced: false };
    const score = deliveredScore(cluster, { workload: fixed, delivered });
    const chain: Placement = [0, 1, 2, 3].map((i) => ({ start: i, end: i + 1 }));
    // Chain: 0.5 x 4,000 / 20 = 100 requests on one path; round 3 x 50 ms + 2 x 1 ms + 4 nodes x
    // 1 layer x (decode 1.99 + one 10-token prompt 1.09) ms (10 prompts start per step; a convoy
    // waits for at most one); 2 tokens per decode step.
    const chainRound = 0.152 + (4 * 3.08) / 1000;
    // (Transfers over the 1e12-1e15 B/s links add well under 1e-7 s.)
    expect(score(layoutOf(chain))).toBeCloseTo((2 * 100) / chainRound, 3);
    // Four replicas of all 4 layers: 0.5 x 1,000 / 20 = 25 requests each, round 2 ms + 4 layers x
    // (decode 1.24 + one 10-token prompt 1.09) ms.
    const replicaRound = 0.002 + (4 * 2.33) / 1000;
    const replicas: Placement = [0, 1, 2, 3].map(() => ({ start: 0, end: 4 }));
    expect(score(layoutOf(replicas))).toBeCloseTo((4 * 2 * 25) / replicaRound, 3);
    const found = await searchObjective(cluster, { objective: score, seeds: [chain], seed: 2, timeLimitSec: 60, maxEvaluations: 6000, minLayers: null, maxStages: null, partialInference: false });
    expect(found.best[0].score).toBeCloseTo((4 * 2 * 25) / replicaRound, 3);
    expect(found.best[0].placement).toEqual(replicas);
  });
});
