import { describe, expect, it } from 'vitest';
import { explainPlacement } from '../../src/verify/explain.js';
import { handCluster } from '../search/helpers.js';
import type { Placement } from '../../src/spec/types.js';

// Two equal machines, 2 layers, 100 tokens/s at either size: a chain carries 100, two replicas 200.
const pair = () => handCluster(2, [[100, 100], [100, 100]]);
const chain: Placement = [{ start: 0, end: 1 }, { start: 1, end: 2 }];
const replicas: Placement = [{ start: 0, end: 2 }, { start: 0, end: 2 }];
const options = { secondsPerTry: 0.3, seed: 1 };

describe('explainPlacement', () => {
  it('counts what re-placing the same machines gives apart from what new hardware adds', async () => {
    const x = await explainPlacement(pair(), chain, options);
    expect(x.throughput).toBeCloseTo(100, 6);
    const replace = x.suggestions.find((s) => s.change.startsWith('re-place the layers'));
    expect(replace?.throughput).toBeCloseTo(200, 6);
    expect(replace?.gain).toBeCloseTo(100, 6);
    // A third machine takes the cluster to 300; credited with 100 over the re-placement, not 200
    // over the chain.
    const add = x.suggestions.find((s) => s.change.startsWith('add one X'));
    expect(add?.throughput).toBeCloseTo(300, 6);
    expect(add?.gain).toBeCloseTo(100, 6);
    // Each gain says what it is counted over, so its share can be given on the same base.
    expect(replace?.over).toBeCloseTo(100, 6);
    expect(add?.over).toBeCloseTo(200, 6);
  });

  it('a cut link no link is faster than: that link twice as fast, or where that moves the cut, the whole network (it offered only +0 what-ifs)', async () => {
    // The chain's one link carries 40 of the 100 each machine could, and no link of the spec is
    // faster: twice as fast it carries 80.
    const slow = handCluster(2, [[100, 100], [100, 100]], { link: () => 40 });
    const x = await explainPlacement(slow, chain, options);
    expect(x.throughput).toBeCloseTo(40, 6);
    expect(x.bottlenecks.map((b) => b.kind)).toEqual(['link']);
    const link = x.suggestions.find((s) => s.change.startsWith('double the bandwidth of n0 -> n1'));
    expect(link?.throughput).toBeCloseTo(80, 6);
    expect(x.suggestions.some((s) => s.change.includes('as fast as the fastest link'))).toBe(false);
    // The coordinator's links as slow: doubling the cut alone moves it to them, so the network.
    const everywhere = handCluster(2, [[100, 100], [100, 100]], { link: () => 40, coordinator: () => 40 });
    const y = await explainPlacement(everywhere, chain, options);
    expect(y.throughput).toBeCloseTo(40, 6);
    const network = y.suggestions.find((s) => s.change.startsWith("double every link's bandwidth, the coordinator's included"));
    expect(network?.throughput).toBeCloseTo(80, 6);
    expect(network?.gain).toBeCloseTo(40, 6);
  });

  it('a new machine is searched from the plan with the same time as the re-placement, and never credited below it', async () => {
    // Long tries on a cluster whose bound every search reaches at once: they end there, not at the limit.
    const t0 = performance.now();
    const x = await explainPlacement(pair(), chain, { secondsPerTry: 20, seed: 1 });
    expect(performance.now() - t0).toBeLessThan(15_000);
    for (const s of x.suggestions.filter((y) => y.change.startsWith('add one'))) {
      expect(s.over).toBeCloseTo(200, 6);
      expect(s.gain).toBeGreaterThanOrEqual(0);
      expect(s.throughput).toBeCloseTo(s.over + s.gain, 6);
    }
  });

  it('keeps the plan\'s own controls in its what-ifs (a plan under --max-stages was promised the chain it forbids)', async () => {
    // 2 layers; a machine runs 100 tokens/s on one layer, 10 on two. Unconstrained, a chain of
    // the two carries 100; under --max-stages 1 each must hold both layers: two replicas, 20.
    const slowWhole = () => handCluster(2, [[100, 10], [100, 10]]);
    const x = await explainPlacement(slowWhole(), replicas, { ...options, maxStages: 1 });
    expect(x.throughput).toBeCloseTo(20, 6);
    expect(x.suggestions.some((s) => s.change.startsWith('re-place'))).toBe(false);
    // A third machine adds a third replica, no more.
    expect(x.suggestions.find((s) => s.change.startsWith('add one X'))?.throughput).toBeCloseTo(30, 6);
    // Without the control the chain is what re-placing gives.
    const free = await explainPlacement(slowWhole(), replicas, options);
    expect(free.suggestions.find((s) => s.change.startsWith('re-place'))?.throughput).toBeCloseTo(100, 6);
  });

  it('suggests no re-placement for a plan that is already max-flow optimal', async () => {
    const x = await explainPlacement(pair(), replicas, options);
    expect(x.suggestions.some((s) => s.change.startsWith('re-place'))).toBe(false);
    expect(x.suggestions.find((s) => s.change.startsWith('add one X'))?.gain).toBeCloseTo(100, 6);
  });

  it('explains a 500-node cluster (the fastest link was found by spreading nodes x nodes capacities into Math.max, past the engine\'s argument limit)', async () => {
    const n = 500;
    // Two layers; node k links only to node k + 1, so some links are slower and the cut has links.
    const big = handCluster(2, Array.from({ length: n }, () => [100, 100]), { link: (i, j) => (j === i + 1 ? 50 : 0) });
    const placement: Placement = Array.from({ length: n }, (_, k) => (k < 2 ? { start: k, end: k + 1 } : null));
    const x = await explainPlacement(big, placement, { secondsPerTry: 0.05, seed: 1 });
    expect(x.throughput).toBeCloseTo(50, 6);
    expect(x.bottlenecks.map((b) => b.kind)).toEqual(['link']);
  });
});
