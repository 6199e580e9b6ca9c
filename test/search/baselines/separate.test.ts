import { describe, expect, it } from 'vitest';
import { evaluatePlacement } from '../../../src/graph/placement-flow.js';
import { groupNodes, separate, separateFlow, separatePlacement } from '../../../src/search/baselines/separate.js';
import { swarm } from '../../../src/search/baselines/swarm.js';
import { BIG, bigSmall, FAST, handCluster, ranges, SMALL } from './hand-clusters.js';
import { identicalCluster, testModel } from '../../fixtures/clusters.js';

// Four one-layer nodes on a 2-layer model, t = [100]. X = {x0, x1}, Y = {y0, y1} (by GPU type and
// by region alike). Inside X the only link x0 -> x1 carries 10; every other link is fast.
//   X alone: x0 [0,1) -> x1 [1,2) over the slow link: 10.    Y alone: y0 -> y1: 100.
//   Separate = 10 + 100 = 110. The same placement on the whole cluster routes x0 -> y1 and
//   y0 -> x1 across groups: 200, which separate pipelines must not count.
function crossing(gpuOf: (i: number) => string, regionOf: (i: number) => string) {
  return handCluster(
    2,
    ['x0', 'x1', 'y0', 'y1'].map((name, i) => ({ name, gpu: gpuOf(i), region: regionOf(i), t: [100] })),
    (i, j) => (i === 0 && j === 1 ? 10 : FAST),
  );
}

describe('separate', () => {
  it('each GPU type serves alone: the sum of per-type max flows', () => {
    // bigSmall: bigs alone: 1 stage, both [0,4): 200 (2 stages also 200; the first found is kept).
    // Smalls alone: [0,2) -> [2,4): 150. Total 350.
    const c = bigSmall();
    const r = separate(c);
    expect(ranges(r.placement)).toEqual([[0, 4], [0, 4], [0, 2], [2, 4]]);
    expect(r.groups.map((g) => [g.label, g.throughput])).toEqual([['B', 200], ['S', 150]]);
    expect(r.throughput).toBeCloseTo(350, 6);
  });

  it('never counts flow that crosses groups', () => {
    const c = crossing((i) => (i < 2 ? 'X' : 'Y'), () => 'r');
    const r = separate(c);
    expect(ranges(r.placement)).toEqual([[0, 1], [1, 2], [0, 1], [1, 2]]);
    expect(r.throughput).toBeCloseTo(110, 6);
    expect(evaluatePlacement(c, r.placement).throughput).toBeCloseTo(200, 6);
    const flow = separateFlow(c, r.placement, r.groups.map((g) => g.nodes));
    expect(flow.throughput).toBeCloseTo(110, 6);
    const group = (i: number) => (i < 2 ? 'X' : 'Y');
    for (const e of flow.edges) if (e.from >= 0 && e.to >= 0 && e.flow > 0) expect(group(e.from)).toBe(group(e.to));
    expect(Array.from(flow.nodeFlow)).toEqual([10, 10, 100, 100]);
    // Swarm over the whole cluster may mix them: 200.
    expect(swarm(c).throughput).toBeCloseTo(200, 6);
  });

  it('groups by region when asked', () => {
    // One GPU type, two regions: by gpu it is one group (Swarm, 200); by region 110.
    const c = crossing(() => 'G', (i) => (i < 2 ? 'east' : 'west'));
    expect(separate(c).throughput).toBeCloseTo(200, 6);
    const byRegion = separate(c, { by: 'region' });
    expect(byRegion.groups.map((g) => g.label)).toEqual(['east', 'west']);
    expect(byRegion.throughput).toBeCloseTo(110, 6);
    expect([...groupNodes(c, 'region').values()]).toEqual([[0, 1], [2, 3]]);
  });

  it('pools the types that cannot hold the model alone, or leaves them idle with pool: false', () => {
    // 4 layers: two bigs (type B) and one small each of types Y and Z (hold 2).
    // B alone: 200. Y alone and Z alone cannot hold 4 layers; pooled Y+Z: [0,2) -> [2,4): 150.
    const c = handCluster(4, [
      { name: 'big-1', gpu: 'B', t: BIG },
      { name: 'big-2', gpu: 'B', t: BIG },
      { name: 'y', gpu: 'Y', t: SMALL },
      { name: 'z', gpu: 'Z', t: SMALL },
    ]);
    const pooled = separate(c);
    expect(pooled.groups.map((g) => [g.label, g.pooled, g.throughput])).toEqual([['B', false, 200], ['Y+Z', true, 150]]);
    expect(pooled.throughput).toBeCloseTo(350, 6);
    expect(ranges(pooled.placement)).toEqual([[0, 4], [0, 4], [0, 2], [2, 4]]);

    const strict = separate(c, { pool: false });
    expect(strict.groups.map((g) => [g.label, g.throughput])).toEqual([['B', 200], ['Y', 0], ['Z', 0]]);
    expect(strict.throughput).toBeCloseTo(200, 6);
    expect(ranges(separatePlacement(c, { pool: false }))).toEqual([[0, 4], [0, 4], null, null]);
  });
});

describe('separateFlow on a wide cluster', () => {
  it('joins groups whose flows have more edges than a function call takes arguments', () => {
    // 10 stages of 120 one-type nodes: 9 x 120 x 120 = 129,600 edges between stages, past the
    // argument limit a spread into push() once met (a stack overflow on 2,000 T4s).
    const names = Array.from({ length: 1200 }, (_, i) => `n${i}`);
    const cluster = identicalCluster(names, { model: testModel(20) });
    const placement = names.map((_, i) => ({ start: 2 * Math.floor(i / 120), end: 2 * Math.floor(i / 120) + 2 }));
    const flow = separateFlow(cluster, placement, [names.map((_, i) => i)]);
    expect(flow.edges.length).toBeGreaterThan(129_600);
    expect(flow.throughput).toBeCloseTo(evaluatePlacement(cluster, placement).throughput, 6);
  });
});
