import { describe, expect, it } from 'vitest';
import { bestPipelines, classPipelines, packPipelines } from '../../src/search/class-pipelines.js';
import { buildCluster } from '../../src/spec/build.js';
import { evaluatePlacement } from '../../src/graph/placement-flow.js';
import { DEFAULT_PLANNER_OPTIONS, planCluster } from '../../src/search/planner.js';
import { testModel } from '../fixtures/clusters.js';

// Helix's measured LLaMA-30B table for a T4 (profiles/helix-set-a): not monotone, 5 layers run
// faster than 4.
const T4 = [1803.998, 808.499, 539.015, 356.672, 397.685, 331.373, 230.992];

/** `count` identical T4s on fast links, serving a 60-layer model. */
function t4s(count: number) {
  const model = testModel(60);
  return buildCluster({
    name: `t4x${count}`,
    model,
    coordinatorRegion: 'r',
    nodes: Array.from({ length: count }, (_, i) => ({ name: `t4-${i + 1}`, gpu: 'T4', region: 'r', vramBytes: 16e9, maxLayers: 7, nicBytesPerSec: 0, throughput: T4, profileSource: 'measured' as const })),
    link: () => ({ bandwidth: 1e6 * model.activationBytesPerToken, latency: 0.001 }),
    coordinatorLink: () => ({ bandwidth: 1e9, latency: 0.001 }),
  });
}

describe('bestPipelines', () => {
  it('finds the fastest split of 60 layers over n T4s, worked by hand', () => {
    const shapes = bestPipelines(T4, 60, 20);
    // Fewer than 9 nodes cannot hold 60 layers at 7 each.
    expect(shapes.slice(1, 9).every((s) => s === null)).toBe(true);
    // 9 nodes: some must hold 7 layers, the slowest count.
    expect(shapes[9]!.rate).toBe(230.992);
    expect(shapes[10]!.rate).toBe(331.373);
    expect(shapes[10]!.layers).toEqual(Array(10).fill(6));
    expect(shapes[12]!.rate).toBe(397.685);
    // 17 nodes: ten of 5 layers and seven of 1-3 add up to 60 while skipping the slower 4.
    expect(shapes[17]!.rate).toBe(397.685);
    expect(shapes[17]!.layers.includes(4)).toBe(false);
    expect(shapes[20]!.rate).toBe(539.015);
    for (const s of shapes) if (s) expect(s.layers.reduce((a, b) => a + b, 0)).toBe(60);
  });

  it('honours --min-layers', () => {
    const shapes = bestPipelines(T4, 60, 20, 6);
    expect(shapes[12]).toBeNull();
    expect(shapes[10]!.rate).toBe(331.373);
  });
});

describe('packPipelines', () => {
  it('29 T4s: two pipelines of 10 and one of 9 beat any single depth', () => {
    const packed = packPipelines(bestPipelines(T4, 60, 29), 29);
    expect(packed.map((p) => p.layers.length).sort()).toEqual([10, 10, 9].sort());
    expect(packed.reduce((s, p) => s + p.rate, 0)).toBeCloseTo(2 * 331.373 + 230.992, 6);
  });
});

describe('classPipelines', () => {
  it('places the pipelines on the class, and the max flow carries their rates', () => {
    const cluster = t4s(29);
    const placement = classPipelines(cluster, { maxStages: null, minLayers: null })!;
    expect(placement.filter((r) => r !== null).length).toBe(29);
    expect(evaluatePlacement(cluster, placement).throughput).toBeCloseTo(893.738, 3);
  });

  it('is the planner\'s floor: the max-flow plan of 29 T4s carries at least that', async () => {
    const r = await planCluster(t4s(29), { ...DEFAULT_PLANNER_OPTIONS, timeLimitSec: 1 });
    expect(r.throughput).toBeGreaterThanOrEqual(893.738 - 1e-6);
  });
});
